"""Delivery by email: single-use redemption tokens and the email that carries one.

The token is 256 random bits (URL-safe base64, 43 characters); only its SHA-256 is stored. It is
claimed by one conditional UPDATE (`used_at` set where it is still NULL and not expired), so two
clicks, in any processes, redeem it once. The email holds the console's `/r/<token>/` link, built
from PUBLIC_BASE_URL, never a Paddle URL; its text never reaches a log.
"""

import hashlib
import re
import secrets
import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .. import counters
from ..models import RedemptionToken
from ..paddle.types import Customer

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


class SendFailed(Exception):
    """The SMTP server did not take the message; `error_class` names the exception (for the audit)."""

    def __init__(self, error_class: str) -> None:
        super().__init__(error_class)
        self.error_class = error_class


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_well_formed(token: str) -> bool:
    return bool(_TOKEN_RE.fullmatch(token))


def redemption_url(token: str) -> str:
    """The emailed link, on the console's public address (never the request's Host header)."""
    return f"{settings.PUBLIC_BASE_URL}/r/{token}/"


def create_token(
    *, issued_by: AbstractBaseUser, customer_id: str, subscription_ids: Sequence[str], attempt: str
) -> tuple[str, RedemptionToken]:
    """A new token and its stored row (hash only); call inside the transaction that audits it."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    row = RedemptionToken.objects.create(
        token_hash=hash_token(token),
        customer_id=customer_id,
        subscription_ids=list(subscription_ids),
        issued_by_id=issued_by.pk,
        attempt=attempt,
        created_at=now,
        expires_at=now + timedelta(hours=settings.REDEMPTION_LINK_HOURS),
    )
    return token, row


def invalidate(row: RedemptionToken) -> None:
    """Make a token unusable (a failed send: whatever the server may still deliver opens nothing)."""
    RedemptionToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())


def usable(token: str) -> RedemptionToken | None:
    """The token's row if it is well formed, known, unused and unexpired; reads only."""
    if not is_well_formed(token):
        return None
    return RedemptionToken.objects.filter(
        token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def known(token: str) -> RedemptionToken | None:
    """The token's row whatever its state (to audit a late or second click against its customer)."""
    if not is_well_formed(token):
        return None
    return RedemptionToken.objects.filter(token_hash=hash_token(token)).first()


def claim(token: str) -> bool:
    """Mark the token used in the statement that checks it; True for exactly one caller."""
    if not is_well_formed(token):
        return False
    now = timezone.now()
    updated = RedemptionToken.objects.filter(
        token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return updated == 1


def redemption_allowed(client_ip: str | None) -> bool:
    """Count one redemption request from `client_ip` in its clock minute; False past the limit."""
    minute = int(timezone.now().timestamp()) // 60
    key = f"redeem-ip:{client_ip or 'unknown'}:{minute}"
    count = counters.count(key, 120)
    limit: int = settings.REDEMPTION_ATTEMPTS_PER_MINUTE
    return count <= limit


def send(*, token: str, customer: Customer, expires_at: datetime) -> None:
    """Email the redemption link to the email on file, and only there; SendFailed if SMTP says no."""
    context = {
        "company": settings.COMPANY_NAME,
        "customer_name": customer.name or "",
        "url": redemption_url(token),
        "expires_at": expires_at,
    }
    subject = " ".join(render_to_string("email/redemption_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/redemption_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[customer.email.strip()],
    )
    message.attach_alternative(render_to_string("email/redemption_body.html", context), "text/html")
    try:
        message.send(fail_silently=False)  # EMAIL_TIMEOUT bounds every socket operation
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(type(exc).__name__) from None  # the message (and its link) stays out of tracebacks

"""One-time confirmation tokens: the confirm page issues one, creating the links spends it.

A token is signed (Django `signing`, salted, timestamped) over the user, the customer, the sorted
subscription ids and a random nonce. Spending it inserts the nonce into `SpentConfirmation`,
whose primary key makes a second spend fail in any process: a double submit or a replay
creates nothing.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import SpentConfirmation

_SALT = "sessions_app.links.confirmation.portal-session"


class ConfirmationError(Exception):
    """The token cannot be used; `status` is the HTTP status to answer with."""

    status = 400
    code = "confirmation_invalid"  # for the audit log

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfirmationInvalid(ConfirmationError):
    status = 400


class ConfirmationExpired(ConfirmationError):
    status = 400
    code = "confirmation_expired"


class ConfirmationMismatch(ConfirmationError):
    """Signed for another user, another customer or another set of subscriptions."""

    status = 403
    code = "confirmation_mismatch"


class ConfirmationSpent(ConfirmationError):
    status = 409
    code = "confirmation_spent"


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    customer_id: str
    subscription_ids: tuple[str, ...]
    nonce: str


def issue(*, user: AbstractBaseUser, customer_id: str, subscription_ids: Iterable[str]) -> str:
    """A signed token for exactly this user, customer and set of subscriptions."""
    payload = {
        "u": user.pk,
        "c": customer_id,
        "s": sorted(set(subscription_ids)),
        "n": secrets.token_hex(16),
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def verify(
    token: str,
    *,
    user: AbstractBaseUser | AnonymousUser,
    customer_id: str,
    subscription_ids: Iterable[str],
) -> Confirmation:
    """The token's confirmation if it is genuine, fresh, unspent and for exactly this request."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.CONFIRMATION_TOKEN_SECONDS)
    except signing.SignatureExpired as exc:
        raise ConfirmationExpired(
            "This confirmation has expired. Start again from the customer page."
        ) from exc
    except signing.BadSignature as exc:
        raise ConfirmationInvalid(
            "This confirmation is not valid. Start again from the customer page."
        ) from exc
    try:
        confirmation = Confirmation(
            user_id=int(payload["u"]),
            customer_id=str(payload["c"]),
            subscription_ids=tuple(str(s) for s in payload["s"]),
            nonce=str(payload["n"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfirmationInvalid(
            "This confirmation is not valid. Start again from the customer page."
        ) from exc
    if confirmation.user_id != user.pk:
        raise ConfirmationMismatch("This confirmation was made by another user.")
    if confirmation.customer_id != customer_id:
        raise ConfirmationMismatch("This confirmation is for another customer.")
    if confirmation.subscription_ids != tuple(sorted(set(subscription_ids))):
        raise ConfirmationMismatch("The ticked subscriptions differ from the ones you confirmed.")
    if SpentConfirmation.objects.filter(nonce=confirmation.nonce).exists():
        raise _spent()
    return confirmation


def spend(confirmation: Confirmation) -> None:
    """Mark the token used, once across every process; ConfirmationSpent if it already was."""
    now = timezone.now()
    try:
        # One transaction for both statements: the clean-up rides along instead of taking its own.
        with transaction.atomic():
            # A row older than a token's lifetime guards nothing: its token has expired anyway.
            SpentConfirmation.objects.filter(
                spent_at__lt=now - timedelta(seconds=settings.CONFIRMATION_TOKEN_SECONDS)
            ).delete()
            SpentConfirmation.objects.create(nonce=confirmation.nonce, spent_at=now)
    except IntegrityError as exc:
        raise _spent() from exc


def _spent() -> ConfirmationSpent:
    return ConfirmationSpent("These links were already created; start again from the customer page.")

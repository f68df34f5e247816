"""Login lockout (django-axes): three counts, one audit row per lockout window, no form data kept.

Axes counts failures per (username, address) (AXES_LOCKOUT_PARAMETERS, whose rows a successful
sign-in resets). On top of that, `failure_limit` locks an address that has failed across many
usernames (password spraying: LOGIN_FAILURES_PER_IP) and a username that has failed from many
addresses (LOGIN_FAILURES_PER_USERNAME), counted over the same rows within the cool-off. A
successful sign-in resets only its own (username, address) row, so an attacker's own account
cannot wipe the address's count.
"""

import math
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import audit
from .signals import record_sign_in_problem

USERNAME_MAX = 150


def _recent(request: HttpRequest) -> Any:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off(request))


def _failures(request: HttpRequest, scope: Q) -> int:
    return int(_recent(request).filter(scope).aggregate(n=Sum("failures_since_start"))["n"] or 0)


def lock_scope(request: HttpRequest, username: str | None) -> tuple[str, Q]:
    """Which lock holds for this username from this address ("pair", "ip" or "username"), and its rows.

    "pair" when neither wider count is full: then axes' own (username, address) count decides.
    """
    ip = getattr(request, "axes_ip_address", None)
    by_ip, by_username = Q(ip_address=ip), Q(username=username)
    if settings.LOGIN_FAILURES_PER_IP and _failures(request, by_ip) >= settings.LOGIN_FAILURES_PER_IP:
        return "ip", by_ip
    if (
        username
        and settings.LOGIN_FAILURES_PER_USERNAME
        and _failures(request, by_username) >= settings.LOGIN_FAILURES_PER_USERNAME
    ):
        return "username", by_username
    return "pair", by_ip & by_username


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """AXES_FAILURE_LIMIT: LOGIN_FAILURE_LIMIT, or 0 (locked now) when a wider count is full."""
    scope, _ = lock_scope(request, get_client_username(request, credentials))
    return settings.LOGIN_FAILURE_LIMIT if scope == "pair" else 0


@receiver(pre_save, sender=AccessAttempt, dispatch_uid="sessions_app.accounts.lockout.keep_no_form_data")
def keep_no_form_data(sender: object, *, instance: AccessAttempt, **kwargs: object) -> None:
    """Axes copies the failed request's query string and POST body into every attempt row: a
    step-up's unspent confirmation token, reason and CSRF token among them. Keep neither."""
    instance.get_data = ""
    instance.post_data = ""


@receiver(user_locked_out, dispatch_uid="sessions_app.accounts.lockout.audit_locked_out")
def audit_locked_out(sender: object, *, request: HttpRequest, username: str | None, **kwargs: object) -> None:
    """Record `auth.locked_out` once per lock (address, username or both) and cool-off; repeats counted."""
    scope, _ = lock_scope(request, username)
    ip = getattr(request, "axes_ip_address", None)
    subject = {"ip": f"ip:{ip}", "username": f"username:{username}", "pair": f"pair:{username}:{ip}"}[scope]
    record_sign_in_problem(
        action=audit.Action.AUTH_LOCKED_OUT,
        outcome=audit.Outcome.DENIED,
        username=username or "",
        request=request,
        once_for=subject,
        details={"locked": scope},
    )


def retry_at(request: HttpRequest, username: str) -> datetime:
    """When this username may sign in again from this address: the lock's last failure plus the cool-off."""
    _, rows = lock_scope(request, username)
    last_failure = _recent(request).filter(rows).aggregate(last=Max("attempt_time"))["last"]
    cool_off: timedelta = get_cool_off(request)
    return (last_failure or timezone.now()) + cool_off


def _next_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page with the retry time, 429 and Retry-After."""
    username = get_client_username(request, credentials) or ""
    scope, _ = lock_scope(request, username)
    when = retry_at(request, username)
    seconds = max(math.ceil((when - timezone.now()).total_seconds()), 1)
    context = {
        "username": username,
        "scope": scope,
        "failure_limit": {
            "pair": settings.LOGIN_FAILURE_LIMIT,
            "ip": settings.LOGIN_FAILURES_PER_IP,
            "username": settings.LOGIN_FAILURES_PER_USERNAME,
        }[scope],
        # Shown to the minute, so rounded up: trying at the time shown must work.
        "retry_at": _next_minute(when),
        "retry_minutes": math.ceil(seconds / 60),
    }
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(seconds)
    return response

"""Login lockout (django-axes): audit each locked-out attempt and tell the person when to retry."""

import math
from datetime import datetime, timedelta

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import audit
from .signals import record_sign_in_problem

USERNAME_MAX = 150


@receiver(user_locked_out, dispatch_uid="sessions_app.accounts.lockout.audit_locked_out")
def audit_locked_out(sender: object, *, request: HttpRequest, username: str | None, **kwargs: object) -> None:
    """Record `auth.locked_out` once per (username, IP) and window; later refusals are counted."""
    record_sign_in_problem(
        action=audit.Action.AUTH_LOCKED_OUT,
        outcome=audit.Outcome.DENIED,
        username=username or "",
        request=request,
    )


def retry_at(request: HttpRequest, username: str) -> datetime:
    """When this username may sign in again from this address: the last failure plus the cool-off."""
    cool_off = get_cool_off(request)
    last_failure = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last_failure or timezone.now()) + cool_off


def _next_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page with the retry time, 429 and Retry-After."""
    username = get_client_username(request, credentials) or ""
    when = retry_at(request, username)
    seconds = max(math.ceil((when - timezone.now()).total_seconds()), 1)
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        # Shown to the minute, so rounded up: trying at the time shown must work.
        "retry_at": _next_minute(when),
        "retry_minutes": math.ceil(seconds / 60),
    }
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(seconds)
    return response

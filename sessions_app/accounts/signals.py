"""Sign-ins, failed sign-ins and sign-outs go into the audit log (Django's auth signals).

Anonymous sign-in traffic must not grow the undeletable log faster than a set rate: failures and
lockouts are written once per (username, IP) and lockout window, and the repeats are counted in
the shared cache (the lockout row carries the count). A username that belongs to no user may be
a password typed in the wrong box: it is recorded as a keyed hash, never as text.
"""

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

from .. import audit, counters
from ..context import context_for
from ..dependencies import CACHE_ERRORS, log_skipped
from .oidc import BACKEND_PATH, sub_of

USERNAME_MAX = 150
UNKNOWN_PREFIX = "unknown:"
_CACHE_PREFIX = "audit-signin"


def username_for_audit(username: str) -> str:
    """The username as typed if it is a user's; otherwise `unknown:` and an HMAC of it."""
    username = username[:USERNAME_MAX]
    if (
        username
        and get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).exists()
    ):
        return username
    return UNKNOWN_PREFIX + keyed_hash(username)[:32] if username else ""


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 under AUDIT_CHAIN_KEY: the same text gives the same value, the text stays unknown."""
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def lockout_window_seconds() -> int:
    """The lockout cool-off (AXES_COOLOFF_TIME, in hours), the span within which rows are not repeated."""
    return max(int(float(settings.AXES_COOLOFF_TIME) * 3600), 60)


def _cache_key(kind: str, username: str, request: HttpRequest | None, *, subject: str | None = None) -> str:
    # Neither the username (it may be a password) nor the address goes into the cache in clear.
    if subject is None:
        ip = (context_for(request, actor=AnonymousUser()).client_ip if request is not None else None) or "-"
        subject = username + "\x00" + ip
    digest = keyed_hash(subject)[:40]
    return f"{_CACHE_PREFIX}:{kind}:{digest}"


def _first_in_window(
    action: str, username: str, request: HttpRequest | None, *, once_for: str | None, window: int
) -> bool:
    """Count this problem; whether it is the first of its kind in this window (then it is written)."""
    key = _cache_key(action, username, request, subject=once_for)
    counters.count(f"{_CACHE_PREFIX}:count:{key}", window * 2)
    return bool(cache.add(key, 1, timeout=window))


def record_sign_in_problem(
    *,
    action: str,
    outcome: str,
    username: str,
    request: HttpRequest | None,
    once_for: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> bool:
    """Write `action` once per (username, IP), or per `once_for`, and lockout window; count the repeats.

    True if written. A lockout is audited once per what it locks (an address, a username, or both).
    """
    window = lockout_window_seconds()
    details = {**(details or {}), "once_per_seconds": window}
    try:
        if not _first_in_window(action, username, request, once_for=once_for, window=window):
            return False
        if action == audit.Action.AUTH_LOCKED_OUT:
            failures = _cache_key(audit.Action.AUTH_LOGIN_FAILED, username, request)
            details["failures_counted"] = cache.get(f"{_CACHE_PREFIX}:count:{failures}", 0)
    except CACHE_ERRORS as exc:
        # Without the cache every problem is written: the record matters more than its volume.
        log_skipped("cache", "the once-per-window sign-in audit", exc)
        details = {**details, "once_per_seconds": 0}
    audit.record(
        action=action,
        outcome=outcome,
        context=context_for(request, actor=AnonymousUser()),
        actor_username=username_for_audit(username),
        details=details,
    )
    return True


@receiver(user_logged_in, dispatch_uid="sessions_app.accounts.signals.audit_login")
def audit_login(
    sender: object, *, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """How they signed in (`oidc` or `password`) and, through the provider, their `sub`."""
    details = {"method": "password"}
    if getattr(user, "backend", "") == BACKEND_PATH:
        details = {"method": "oidc", "sub": sub_of(user)}
    audit.record(
        action=audit.Action.AUTH_LOGIN,
        outcome=audit.Outcome.SUCCESS,
        context=context_for(request, actor=user),
        details=details,
    )


@receiver(user_login_failed, dispatch_uid="sessions_app.accounts.signals.audit_login_failed")
def audit_login_failed(
    sender: object, *, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Once per (username, IP) and window; Django has already masked the password."""
    record_sign_in_problem(
        action=audit.Action.AUTH_LOGIN_FAILED,
        outcome=audit.Outcome.FAILURE,
        username=str(credentials.get("username") or ""),
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="sessions_app.accounts.signals.audit_logout")
def audit_logout(
    sender: object, *, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is not None:
        audit.record(
            action=audit.Action.AUTH_LOGOUT,
            outcome=audit.Outcome.SUCCESS,
            context=context_for(request, actor=user),
        )

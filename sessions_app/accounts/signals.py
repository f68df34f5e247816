"""Sign-ins, failed sign-ins and sign-outs go into the audit log (Django's auth signals)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .. import audit
from ..context import context_for
from .oidc import BACKEND_PATH, sub_of

USERNAME_MAX = 150


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
    """The attempted username is kept (there is no actor); Django has already masked the password."""
    audit.record(
        action=audit.Action.AUTH_LOGIN_FAILED,
        outcome=audit.Outcome.FAILURE,
        context=context_for(request, actor=AnonymousUser()),
        actor_username=str(credentials.get("username") or "")[:USERNAME_MAX],
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

"""Permission checks for the console's views: by role, where `is_superuser` grants nothing.

Django's `has_perm` answers True for every superuser; DESIGN.md says a superuser is not an agent
in the console unless given the role, so console views check the permissions a user holds
through groups or direct grants only. The Django admin keeps its own, superuser-aware checks.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase

from .roles import APP_LABEL

_CACHE_ATTR = "_console_role_permissions"

View = Callable[..., HttpResponseBase]


def console_permissions(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """Codenames of this app's permissions the user holds through roles or direct grants."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            Permission.objects.filter(Q(group__user=user) | Q(user=user), content_type__app_label=APP_LABEL)
            .values_list("codename", flat=True)
            .distinct()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role_permission(user: AbstractBaseUser | AnonymousUser, *codenames: str) -> bool:
    """True when the user's roles grant every one of `codenames` (e.g. `lookup_customer`)."""
    return set(codenames) <= console_permissions(user)


def role_required(*codenames: str) -> Callable[[View], View]:
    """Like `permission_required(..., raise_exception=True)`, but blind to `is_superuser`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role_permission(request.user, *codenames):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

"""Permission checks for the console's views: by role, where `is_superuser` grants nothing.

Django's `has_perm` answers True for every superuser; DESIGN.md says a superuser is not an agent
in the console unless given the role, so console views check the permissions a user holds
through groups or direct grants only. The Django admin keeps its own, superuser-aware checks.
"""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
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
        with connection.cursor() as cursor:
            cursor.execute(_codenames_sql(), [APP_LABEL, user.pk, user.pk])
            cached = frozenset(codename for (codename,) in cursor.fetchall())
        setattr(user, _CACHE_ATTR, cached)
    return cached


@cache
def _codenames_sql() -> str:
    """The codenames of one app's permissions a user holds through groups or direct grants.

    Every console page asks. Composing the equivalent ORM query cost ten times the CPU of
    running it, so the statement is built once, from the models' table and column names.
    """
    quote = connection.ops.quote_name
    permission, content_type = quote(Permission._meta.db_table), quote(ContentType._meta.db_table)
    user_model = get_user_model()
    roles = user_model._meta.get_field("groups")
    grants = user_model._meta.get_field("user_permissions")
    role_grants = Group._meta.get_field("permissions")
    return (
        f"SELECT p.codename FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id"  # noqa: S608 (identifiers only)
        " WHERE ct.app_label = %s AND ("
        f"p.id IN (SELECT rg.{quote(role_grants.m2m_reverse_name())}"
        f" FROM {quote(role_grants.m2m_db_table())} rg JOIN {quote(roles.m2m_db_table())} r"
        f" ON r.{quote(roles.m2m_reverse_name())} = rg.{quote(role_grants.m2m_column_name())}"
        f" WHERE r.{quote(roles.m2m_column_name())} = %s)"
        f" OR p.id IN (SELECT g.{quote(grants.m2m_reverse_name())} FROM {quote(grants.m2m_db_table())} g"
        f" WHERE g.{quote(grants.m2m_column_name())} = %s))"
    )


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

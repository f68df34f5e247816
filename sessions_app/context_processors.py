"""Template context: the console permissions and start page of the signed-in user (views enforce)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .landing import admin_available, landing_url
from .permissions import console_permissions


def console(request: HttpRequest) -> dict[str, object]:
    # Lazy: the admin's app list and the landing page cost nothing on pages that do not ask.
    return {
        "console_perms": console_permissions(request.user),
        "console_admin": SimpleLazyObject(lambda: admin_available(request)),
        "landing_url": SimpleLazyObject(lambda: landing_url(request) or ""),
    }

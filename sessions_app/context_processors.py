"""Template context: the console permissions and start page of the signed-in user (views enforce)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .landing import admin_available, landing_url
from .links.approvals import pending_count
from .permissions import console_permissions
from .roles import APPROVE_PORTAL_SESSION


def console(request: HttpRequest) -> dict[str, object]:
    perms = console_permissions(request.user)
    # Lazy: the admin's app list and the landing page cost nothing on pages that do not ask.
    context: dict[str, object] = {
        "console_perms": perms,
        "console_admin": SimpleLazyObject(lambda: admin_available(request)),
        "landing_url": SimpleLazyObject(lambda: landing_url(request) or ""),
    }
    if APPROVE_PORTAL_SESSION in perms:
        # A callable: the template counts only where it shows the badge (the nav of full pages).
        context["approvals_pending"] = pending_count
    return context

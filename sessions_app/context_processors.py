"""Template context: the signed-in user's console permissions, for hiding links (views enforce)."""

from django.http import HttpRequest

from .links.approvals import pending_count
from .permissions import console_permissions
from .roles import APPROVE_PORTAL_SESSION


def console(request: HttpRequest) -> dict[str, object]:
    perms = console_permissions(request.user)
    context: dict[str, object] = {"console_perms": perms}
    if APPROVE_PORTAL_SESSION in perms:
        # A callable: the template counts only where it shows the badge (the nav of full pages).
        context["approvals_pending"] = pending_count
    return context

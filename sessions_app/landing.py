"""Where each role starts: the first console page it may use, so that no one lands on a 403."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from .permissions import console_permissions
from .roles import LOOKUP_CUSTOMER, VIEW_AUDIT


def admin_available(request: HttpRequest) -> bool:
    """True when the Django admin has at least one model this staff user may view."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(admin.site.get_app_list(request))


def landing_url(request: HttpRequest) -> str | None:
    """The signed-in user's start page: customers (agents, managers), the audit log (auditors), the
    admin (staff without a console role), or None when there is nothing they may open."""
    perms = console_permissions(request.user)
    if LOOKUP_CUSTOMER in perms:
        return reverse("sessions_app:customer_search")
    if VIEW_AUDIT in perms:
        return reverse("sessions_app:audit_list")
    if admin_available(request):
        return reverse("admin:index")
    return None

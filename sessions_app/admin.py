"""Django admin: the audit log and chain verifications, read-only (the kill switch moved to the console)."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import audit
from .context import context_of
from .models import AuditEvent, ChainVerification, KillSwitch, OIDCIdentity

if TYPE_CHECKING:  # django-stubs makes ModelAdmin generic in its model; at runtime it is not subscriptable
    _ReadOnlyBase = admin.ModelAdmin[Any]
    _SwitchBase = admin.ModelAdmin[KillSwitch]
    _IdentityBase = admin.ModelAdmin[OIDCIdentity]
else:
    _ReadOnlyBase = _SwitchBase = _IdentityBase = admin.ModelAdmin
from .roles import ADMIN_READ_AUDIT, APP_LABEL


class ReadOnlyAdmin(_ReadOnlyBase):
    """No add, change or delete (the database would refuse anyway), and no bulk actions."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Readable only with `admin_read_audit` (no role has it), and every read is itself audited."""

    list_display = (
        "seq",
        "created_at",
        "actor_username",
        "action",
        "outcome",
        "customer_id",
        "customer_email",
    )
    list_filter = ("action", "outcome", "created_at")
    # Exact matches, so that a search can use the indexes.
    search_fields = ("actor_username__exact", "customer_id__exact", "customer_email__exact")
    search_help_text = "Exact username, customer id (ctm_…) or customer email."
    list_per_page = 50

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        # Not view_auditevent: that is the console's (an agent's own events), not the whole table.
        return request.user.has_perm(f"{APP_LABEL}.{ADMIN_READ_AUDIT}")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            _audit_admin_read(request, {"view": "changelist", "query": request.GET.urlencode()[:500]})
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            _audit_admin_read(request, {"view": "detail", "seq": object_id[:20]})
        return response


def _audit_admin_read(request: HttpRequest, details: dict[str, str]) -> None:
    audit.record(
        action=audit.Action.AUDIT_ADMIN_VIEW,
        outcome=audit.Outcome.SUCCESS,
        context=context_of(request),
        details=details,
    )


@admin.register(ChainVerification)
class ChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ("checked_at", "ok", "rows", "first_seq", "last_seq", "first_broken_seq", "problem")

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return request.user.has_perm(f"{APP_LABEL}.{ADMIN_READ_AUDIT}")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(KillSwitch)
class KillSwitchAdmin(_SwitchBase):
    """Not listed: the switch lives at /controls/links/, with a reason; old admin bookmarks go there."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        return redirect("sessions_app:link_controls")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        return redirect("sessions_app:link_controls")


@admin.register(OIDCIdentity)
class OIDCIdentityAdmin(_IdentityBase):
    """Link an existing account to its identity at the provider (a `sub` that changed is never merged)."""

    list_display = ("user", "sub", "issuer", "last_auth_time")
    search_fields = ("user__username", "sub")
    raw_id_fields = ("user",)
    readonly_fields = ("last_auth_time",)

"""The console's URLs; DESIGN.md lists them and tests and bookmarks rely on them."""

from django.urls import path, register_converter

from .views import approvals, audit, controls, customers, portal, redeem


class CustomerIdConverter:
    """Only a well-formed Paddle customer id reaches a view (anything else is a 404)."""

    regex = "ctm_[a-z0-9]{26}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CustomerIdConverter, "ctm")

app_name = "sessions_app"
urlpatterns = [
    path("customers/", customers.customer_search, name="customer_search"),
    path("customers/<ctm:customer_id>/", customers.customer_detail, name="customer_detail"),
    path(
        "customers/<ctm:customer_id>/portal-session/confirm/",
        portal.portal_session_confirm,
        name="portal_session_confirm",
    ),
    path(
        "customers/<ctm:customer_id>/portal-session/emailed/",
        portal.portal_session_emailed,
        name="portal_session_emailed",
    ),
    path(
        "customers/<ctm:customer_id>/portal-session/",
        portal.portal_session_create,
        name="portal_session_create",
    ),
    path("approvals/request/<ctm:customer_id>/", approvals.approval_request, name="approval_request"),
    path("approvals/", approvals.approvals_pending, name="approvals_pending"),
    path("approvals/mine/", approvals.approvals_mine, name="approvals_mine"),
    path("approvals/<int:request_id>/", approvals.approval_detail, name="approval_detail"),
    # The only route reachable without signing in: the emailed single-use link.
    path("r/<str:token>/", redeem.redeem, name="redeem"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
    path("audit/<int:seq>/", audit.audit_detail, name="audit_detail"),
    path("controls/links/", controls.link_controls, name="link_controls"),
    path("controls/message/", controls.message_controls, name="message_controls"),
]

"""Four eyes: ask a manager to approve a link request, decide it, then complete or withdraw it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ..accounts import step_up
from ..context import context_of
from ..forms import ApprovalDecisionForm, PortalSessionForm
from ..links import approvals, history, service
from ..links.refusals import ApprovalRefused, InvalidInput, LinkRefusal
from ..models import ApprovalRequest
from ..paddle.errors import PaddleError
from ..permissions import has_role_permission, role_required
from ..roles import APPROVE_PORTAL_SESSION, CREATE_PORTAL_SESSION, LOOKUP_CUSTOMER
from .errors import paddle_error_response
from .portal import links_response
from .refusals import (
    confirm_url,
    invalid_submission,
    refusal_response,
    submission_refused,
    submitted_work,
)
from .request_types import ConsoleRequest


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_POST
@never_cache
def approval_request(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """The confirm page's fields, sent to a manager instead of creating links."""
    form = PortalSessionForm(request.POST)
    if not form.is_valid():
        return invalid_submission(request, customer_id, form)
    try:
        row = service.request_approval(
            context=context_of(request),
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
            reason=form.cleaned_data["reason"],
            confirmation_token=form.cleaned_data["confirmation_token"],
            step_up=step_up.PasswordProof(request, request.POST, customer_id=customer_id),
            requester_email=form.cleaned_data["requester_email"],
            delivery=form.cleaned_data["delivery"],
        )
    except ApprovalRefused as refusal:
        return _refused(request, refusal, customer_id=customer_id, subscription_ids=[], reason="")
    except (LinkRefusal, PaddleError) as problem:
        return submission_refused(request, customer_id, problem, work=submitted_work(request, form))
    return redirect("sessions_app:approval_detail", request_id=row.pk)


@login_required
@role_required(CREATE_PORTAL_SESSION)
@require_GET
@never_cache
@vary_on_headers("HX-Request")
def approvals_mine(request: ConsoleRequest) -> HttpResponse:
    """The agent's own requests and their status; htmx refreshes the table."""
    rows = approvals.mine(request.user)
    approvals.notice_expired(context_of(request), rows)
    rows = approvals.mine(request.user) if any(r.status == "expired" for r in rows) else rows
    template = "partials/_approvals_mine.html" if request.htmx else "approvals/mine.html"
    return render(request, template, {"rows": rows})


@login_required
@role_required(APPROVE_PORTAL_SESSION)
@require_GET
@never_cache
@vary_on_headers("HX-Request")
def approvals_pending(request: ConsoleRequest) -> HttpResponse:
    """Pending requests for a manager to judge, oldest first."""
    rows = approvals.pending()
    approvals.notice_expired(context_of(request), rows)
    rows = [row for row in approvals.pending() if row.status == ApprovalRequest.Status.PENDING]
    items = [{"row": row, "rules": approvals.labels(row.rules)} for row in rows]
    template = "partials/_approvals_pending.html" if request.htmx else "approvals/pending.html"
    return render(request, template, {"items": items, "user_id": request.user.pk})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def approval_detail(request: ConsoleRequest, request_id: int) -> HttpResponse:
    """One request: the manager decides it; its requester completes or withdraws it."""
    may_approve = has_role_permission(request.user, APPROVE_PORTAL_SESSION)
    may_ask = has_role_permission(request.user, LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
    if not (may_approve or may_ask):
        raise PermissionDenied
    if request.method == "POST":
        return _act(request, request_id)
    context = context_of(request)
    row = ApprovalRequest.objects.select_related("requester", "decider").filter(pk=request_id).first()
    if row is None or not (may_approve or row.requester_id == request.user.pk):
        return render(request, "approvals/missing.html", status=404)
    row = approvals.notice_expiry(context, row)
    return _detail_page(request, row)


def _detail_page(
    request: ConsoleRequest, row: ApprovalRequest, *, form: Form | None = None, status: int = 200
) -> HttpResponse:
    mine = row.requester_id == request.user.pk
    data = {
        "row": row,
        "rules": approvals.labels(row.rules),
        "mine": mine,
        "may_decide": has_role_permission(request.user, APPROVE_PORTAL_SESSION) and not mine,
        "history": history.link_history(row.customer_id),
        "form": form,
        "ask_again_url": confirm_url(
            row.customer_id, [str(s) for s in row.subscription_ids], ticket=row.reason
        ),
        **step_up.field_context(request, return_to=reverse("sessions_app:approval_detail", args=[row.pk])),
    }
    return render(request, "approvals/detail.html", data, status=status)


def _act(request: ConsoleRequest, request_id: int) -> HttpResponse:
    context = context_of(request)
    action = request.POST.get("action", "")
    row = ApprovalRequest.objects.filter(pk=request_id).first()
    customer_id = row.customer_id if row is not None else ""
    subscription_ids = [str(s) for s in row.subscription_ids] if row is not None else []
    reason = row.reason if row is not None else ""
    try:
        if action == "decide":
            form = ApprovalDecisionForm(request.POST)
            valid = form.is_valid()
            may_decide = (
                row is not None
                and has_role_permission(request.user, APPROVE_PORTAL_SESSION)
                and row.requester_id != request.user.pk
            )
            if row is not None and may_decide and not valid and "content_hash" not in form.errors:
                return _detail_page(request, row, form=form, status=400)
            # Anything else the service refuses, audited: no permission, unknown, one's own, altered.
            approvals.decide(
                context=context,
                request_id=request_id,
                approve=request.POST.get("decision") == "approve",
                note=str(form.cleaned_data.get("note", "")),
                content_hash=str(form.cleaned_data.get("content_hash", "")),
            )
            return redirect("sessions_app:approvals_pending")
        if action == "withdraw":
            approvals.withdraw(context=context, request_id=request_id)
            return redirect("sessions_app:approvals_mine")
        if action == "complete":
            issued = service.complete_approval(
                context=context,
                request_id=request_id,
                step_up=step_up.PasswordProof(request, request.POST, customer_id=customer_id),
            )
            return links_response(request, issued)
    except ApprovalRefused as refusal:
        return _refused(
            request, refusal, customer_id=customer_id, subscription_ids=subscription_ids, reason=reason
        )
    except LinkRefusal as refusal:
        return refusal_response(request, customer_id, refusal)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    if row is None:
        return render(request, "approvals/missing.html", status=404)
    problem = InvalidInput(["Choose what to do: decide, complete or withdraw."])
    return refusal_response(request, customer_id, problem)


def _refused(
    request: ConsoleRequest,
    refusal: ApprovalRefused,
    *,
    customer_id: str,
    subscription_ids: list[str],
    reason: str,
) -> HttpResponse:
    data = {
        "message": refusal.message,
        "ask_again_url": confirm_url(customer_id, subscription_ids, ticket=reason)
        if refusal.ask_again and customer_id
        else "",
    }
    return render(request, "approvals/refused.html", data, status=refusal.status)

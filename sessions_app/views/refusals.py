"""The one place where a refused link creation becomes a response."""

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ..accounts import step_up
from ..forms import MAX_REASON_LENGTH
from ..links import approvals, kill_switch
from ..links.refusals import (
    ApprovalRequired,
    DependencyDown,
    InvalidInput,
    LinkRefusal,
    LinksSwitchedOff,
    NotRecorded,
    RateLimited,
    StepUpRequired,
)

# What a 503 for one of our own services suggests: about a Redis restart or failover.
RETRY_AFTER_SECONDS = 10


def refusal_response(request: HttpRequest, customer_id: str, refusal: LinkRefusal) -> HttpResponse:
    """The page explaining `refusal`, with its status (and Retry-After for a limit)."""
    context: dict[str, object] = {"customer_id": customer_id}
    if isinstance(refusal, LinksSwitchedOff):
        template = "portal/kill_switch_on.html"
        context.update(disabled_by=refusal.disabled_by, switch=kill_switch.current())
    elif isinstance(refusal, StepUpRequired):
        template = "portal/step_up_refused.html"
        context.update(errors=refusal.errors, minutes=settings.STEP_UP_MINUTES)
    elif isinstance(refusal, RateLimited):
        template = "portal/rate_limited.html"
        limit = refusal.limit
        context.update(window=limit.window, limit=limit.limit, resets_at=limit.resets_at)
        if refusal.may_ask:
            context.update(may_ask=True, **_submission(request))
    elif isinstance(refusal, DependencyDown):
        # Keeps the agent's work: the same submission (unspent token, ticks, reason), sent again.
        template = "portal/dependency_down.html"
        context.update(
            service=refusal.service,
            message=refusal.message,
            subscription_ids=request.POST.getlist("subscription_ids"),
            reason=request.POST.get("reason", ""),
            max_reason_length=MAX_REASON_LENGTH,
            confirmation_token=request.POST.get("confirmation_token", ""),
            requester_email=request.POST.get("requester_email", ""),
            delivery=request.POST.get("delivery", ""),
            **step_up.field_context(
                request, return_to=confirm_url(customer_id, request.POST.getlist("subscription_ids"))
            ),
        )
    elif isinstance(refusal, ApprovalRequired):
        # The same submission (unspent token), offered to a manager instead.
        template = "portal/approval_required.html"
        context.update(rules=approvals.labels(refusal.rules), **_submission(request))
    elif isinstance(refusal, NotRecorded):
        template = "portal/not_recorded.html"
        context["links_created"] = refusal.links_created
    else:
        template = "portal/refused.html"
        context["problems"] = refusal.problems if isinstance(refusal, InvalidInput) else [refusal.message]
    response = render(request, template, context, status=refusal.status)
    if isinstance(refusal, RateLimited):
        response["Retry-After"] = str(refusal.limit.retry_after())
    elif isinstance(refusal, DependencyDown):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _submission(request: HttpRequest) -> dict[str, object]:
    """The confirm page's fields as submitted (its token unspent), to send on to a manager."""
    return {
        "subscription_ids": request.POST.getlist("subscription_ids"),
        "reason": request.POST.get("reason", ""),
        "confirmation_token": request.POST.get("confirmation_token", ""),
        "requester_email": request.POST.get("requester_email", ""),
        "delivery": request.POST.get("delivery", ""),
    }


def confirm_url(
    customer_id: str, subscription_ids: Sequence[str], *, requester_email: str = "", ticket: str = ""
) -> str:
    """The confirm page as a GET with these ticks: where a step-up at the identity provider comes back to."""
    path = reverse("sessions_app:portal_session_confirm", args=[customer_id])
    fields = [("subscription_ids", s) for s in subscription_ids]
    fields += [
        (name, value) for name, value in (("requester_email", requester_email), ("ticket", ticket)) if value
    ]
    return f"{path}?{urlencode(fields)}" if fields else path

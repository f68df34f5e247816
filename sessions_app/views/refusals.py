"""The one place where a refused link creation becomes a response."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..links.refusals import (
    InvalidInput,
    LinkRefusal,
    LinksSwitchedOff,
    NotRecorded,
    RateLimited,
    StepUpRequired,
)


def refusal_response(request: HttpRequest, customer_id: str, refusal: LinkRefusal) -> HttpResponse:
    """The page explaining `refusal`, with its status (and Retry-After for a limit)."""
    context: dict[str, object] = {"customer_id": customer_id}
    if isinstance(refusal, LinksSwitchedOff):
        template = "portal/kill_switch_on.html"
        context["disabled_by"] = refusal.disabled_by
    elif isinstance(refusal, StepUpRequired):
        template = "portal/step_up_refused.html"
        context.update(errors=refusal.errors, minutes=settings.STEP_UP_MINUTES)
    elif isinstance(refusal, RateLimited):
        template = "portal/rate_limited.html"
        limit = refusal.limit
        context.update(window=limit.window, limit=limit.limit, resets_at=limit.resets_at)
    elif isinstance(refusal, NotRecorded):
        template = "portal/not_recorded.html"
        context["links_created"] = refusal.links_created
    else:
        template = "portal/refused.html"
        context["problems"] = refusal.problems if isinstance(refusal, InvalidInput) else [refusal.message]
    response = render(request, template, context, status=refusal.status)
    if isinstance(refusal, RateLimited):
        response["Retry-After"] = str(refusal.limit.retry_after())
    return response

"""The abuse controls in front of link creation: the kill switch, step-up and the per-agent limit.

The create view runs them after the form is valid and the confirmation token verified (not yet
spent), and before anything reaches Paddle or the audit log's `portal_session.requested`: kill
switch, then step-up, then the rate limit. The switch goes first so that while it is off nobody
types a password or uses quota; the limit counts last so that bad input, a bad token or a refused
password uses no quota (and a mistyped password leaves the confirmation usable). The service's
own checks come after (ownership re-checked against Paddle, token spent); an attempt refused
there, which the confirm page makes rare, has been counted. Every refusal here is audited: the
switch as `portal_session.failed` (outcome denied, error code `disabled`, details say whether
the setting or a manager), the password as `auth.step_up` (denied), the limit as
`portal_session.rate_limited` (denied, with the window and its reset).
"""

from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import audit, services
from ..accounts import step_up as stepup
from ..links import kill_switch as killswitch
from ..links import limits as ratelimit


def _switched_off_page(request: HttpRequest, customer_id: str, disabled_by: str) -> HttpResponse:
    context = {"customer_id": customer_id, "disabled_by": disabled_by}
    return render(request, "portal/switched_off.html", context, status=503)


def confirm_refusal(request: HttpRequest, customer_id: str) -> HttpResponse | None:
    """The confirm page's check: the switched-off page (503) while link creation is off, else None."""
    disabled_by = killswitch.disabled_by()
    return _switched_off_page(request, customer_id, disabled_by) if disabled_by else None


def confirm_context(request: HttpRequest) -> dict[str, object]:
    """What the confirm page needs for step-up: a password form when the last proof is stale."""
    return {
        "step_up_form": None if stepup.is_fresh(request) else stepup.StepUpForm(request),
        "step_up_minutes": settings.STEP_UP_MINUTES,
    }


def create_refusal(
    request: HttpRequest, *, customer_id: str, subscription_ids: Sequence[str], reason: str
) -> HttpResponse | None:
    """Kill switch, step-up, rate limit: the audited refusal page of the first that says no, else None.

    When it returns None, one link creation has been counted against the agent's limits.
    """
    refuse = partial(
        services.record_refused_attempt,
        actor=request.user,
        request=request,
        customer_id=customer_id,
        subscription_ids=subscription_ids,
        reason=reason,
    )
    disabled_by = killswitch.disabled_by()
    if disabled_by:
        refuse(error_code="disabled", details={"disabled_by": disabled_by})
        return _switched_off_page(request, customer_id, disabled_by)

    if not stepup.is_fresh(request):
        form = stepup.step_up(request, request.POST, customer_id=customer_id)
        if not form.is_valid():
            context = {
                "customer_id": customer_id,
                "errors": form.errors["password"],
                "minutes": settings.STEP_UP_MINUTES,
            }
            return render(request, "portal/step_up_refused.html", context, status=403)

    limit = ratelimit.check_and_count(request.user)
    if not limit.allowed:
        refuse(
            action=audit.Action.PORTAL_SESSION_RATE_LIMITED,
            error_code="rate_limited",
            details={"window": limit.window, "limit": limit.limit, "resets_at": limit.resets_at.isoformat()},
        )
        context = {
            "customer_id": customer_id,
            "window": limit.window,
            "limit": limit.limit,
            "resets_at": limit.resets_at,
        }
        response = render(request, "portal/rate_limited.html", context, status=429)
        response["Retry-After"] = str(limit.retry_after())
        return response
    return None

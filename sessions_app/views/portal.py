"""Creating customer-portal links: confirm what will be created, then create and show them once."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ..accounts import step_up
from ..context import context_of
from ..forms import MAX_REASON_LENGTH, ConfirmForm, PortalSessionForm
from ..links import history, service
from ..links.refusals import InvalidInput, LinkRefusal
from ..links.requester import MAX_EMAIL_LENGTH, Delivery
from ..paddle.errors import PaddleError
from ..permissions import role_required
from ..roles import CREATE_PORTAL_SESSION, LOOKUP_CUSTOMER
from .errors import paddle_error_response
from .links_page import links_page
from .refusals import confirm_url, refusal_response
from .request_types import ConsoleRequest


def portal_link_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No cache of any kind may keep the links, and no Referer may carry them off the page.

    (Only on the links page: under `no-referrer` Chromium sends `Origin: null` with a form post,
    which Django's CSRF check refuses, so the confirm page keeps the site's same-origin policy.)
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = never_cache(view)(request, *args, **kwargs)
        response["Pragma"] = "no-cache"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_http_methods(["GET", "POST"])
@never_cache
def portal_session_confirm(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """What will be created and what anyone holding the links can do; asks for the reason. No side effect.

    POST from the customer page's ticks; GET with the same fields when coming back from a step-up.
    """
    data = request.POST if request.method == "POST" else request.GET
    form = ConfirmForm(data)
    form.is_valid()
    if "subscription_ids" in form.errors:
        return refusal_response(request, customer_id, InvalidInput(_messages(form)))
    # A bad prefill (from the helpdesk link) is shown on the page for the agent to correct.
    requester_email = form.cleaned_data.get("requester_email") or ""
    return _confirm_page(
        request,
        customer_id,
        subscription_ids=form.cleaned_data["subscription_ids"],
        requester_email=requester_email,
        reason=form.cleaned_data.get("ticket") or "",
        errors=_messages(form),
        raw_requester=data.get("requester_email", "")[: MAX_EMAIL_LENGTH + 1],
    )


def _confirm_page(
    request: ConsoleRequest,
    customer_id: str,
    *,
    subscription_ids: list[str],
    requester_email: str,
    reason: str,
    errors: list[str],
    raw_requester: str,
    delivery: Delivery = Delivery.EMAIL,
    status: int = 200,
) -> HttpResponse:
    try:
        plan = service.plan(
            context=context_of(request),
            customer_id=customer_id,
            subscription_ids=subscription_ids,
            requester_email=requester_email,
            delivery=delivery,
        )
    except LinkRefusal as refusal:
        return refusal_response(request, customer_id, refusal)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    context = {
        "plan": plan,
        "customer": plan.customer,
        "errors": errors,
        "requester_email": requester_email or raw_requester,
        "reason": reason,
        "history": history.link_history(customer_id),
        "max_reason_length": MAX_REASON_LENGTH,
        "max_email_length": MAX_EMAIL_LENGTH,
        "token_minutes": settings.CONFIRMATION_TOKEN_SECONDS // 60,
        **step_up.field_context(
            request,
            return_to=confirm_url(
                customer_id,
                [subscription.id for subscription in plan.subscriptions],
                requester_email=requester_email,
                ticket=reason,
            ),
        ),
    }
    return render(request, "portal/confirm.html", context, status=status)


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_POST
@portal_link_headers
@sensitive_post_parameters("password")
def portal_session_create(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """Create the portal session and show its links once; a replayed confirmation creates nothing."""
    context = context_of(request)
    form = PortalSessionForm(request.POST)
    if not form.is_valid():
        refusal = service.refuse_invalid_input(
            context=context, customer_id=customer_id, problems=_messages(form)
        )
        if set(form.errors) <= {"requester_email", "delivery"}:
            # Only the requester or the delivery is wrong: the confirm page again, with the message.
            return _confirm_page(
                request,
                customer_id,
                subscription_ids=form.cleaned_data["subscription_ids"],
                requester_email="",
                reason=form.cleaned_data["reason"],
                errors=refusal.problems,
                raw_requester=request.POST.get("requester_email", "")[: MAX_EMAIL_LENGTH + 1],
                status=refusal.status,
            )
        return refusal_response(request, customer_id, refusal)
    try:
        issued = service.issue(
            context=context,
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
            reason=form.cleaned_data["reason"],
            confirmation_token=form.cleaned_data["confirmation_token"],
            step_up=step_up.PasswordProof(request, request.POST, customer_id=customer_id),
            requester_email=form.cleaned_data["requester_email"],
            delivery=form.cleaned_data["delivery"],
        )
    except LinkRefusal as refusal:
        return refusal_response(request, customer_id, refusal)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    if isinstance(issued, service.EmailedLink):
        return render(request, "portal/emailed.html", {"emailed": issued, "customer": issued.customer})
    return links_page(request, issued)


def _messages(form: Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def links_response(
    request: ConsoleRequest, issued: "service.IssuedLinks | service.EmailedLink"
) -> HttpResponse:
    """The page a created link request ends on: where the email went, or the links once (no-store)."""
    if isinstance(issued, service.EmailedLink):
        return render(request, "portal/emailed.html", {"emailed": issued, "customer": issued.customer})
    return links_page(request, issued)

"""Creating customer-portal links: confirm what will be created, then create and show them once."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..accounts import step_up
from ..context import context_of
from ..forms import MAX_REASON_LENGTH, ConfirmForm, PortalSessionForm, error_messages
from ..links import history, service
from ..links.refusals import InvalidInput, LinkRefusal
from ..links.requester import MAX_EMAIL_LENGTH, Delivery
from ..paddle.errors import PaddleError
from ..permissions import role_required
from ..roles import CREATE_PORTAL_SESSION, LOOKUP_CUSTOMER
from . import delivery_notice
from .errors import paddle_error_response
from .links_page import links_page
from .refusals import (
    Banner,
    confirm_url,
    invalid_submission,
    refusal_response,
    submission_refused,
    submitted_work,
    take_banner,
)
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

    POST from the customer page's ticks answers with a 303 to the same page as a GET (so Back and
    reload never resubmit); GET with the same fields is the page itself, reached from there, from
    a step-up, or from a refused submission (with its banner).
    """
    data = request.POST if request.method == "POST" else request.GET
    form = ConfirmForm(data)
    form.is_valid()
    if "subscription_ids" in form.errors:
        return refusal_response(request, customer_id, InvalidInput(error_messages(form)))
    if request.method == "POST":
        url = confirm_url(
            customer_id,
            form.cleaned_data["subscription_ids"],
            requester_email=data.get("requester_email", "")[: MAX_EMAIL_LENGTH + 1],
            ticket=data.get("ticket", "")[: MAX_REASON_LENGTH + 1],
        )
        return HttpResponseRedirect(url, status=303)
    banner = take_banner(request, customer_id)
    shown = set(banner.messages) if banner else set()
    # A bad prefill (from the helpdesk link) is shown on the page for the agent to correct.
    requester_email = form.cleaned_data.get("requester_email") or ""
    return _confirm_page(
        request,
        customer_id,
        subscription_ids=form.cleaned_data["subscription_ids"],
        requester_email=requester_email,
        reason=form.cleaned_data.get("ticket") or "",
        errors=[message for message in error_messages(form) if message not in shown],
        raw_requester=data.get("requester_email", "")[: MAX_EMAIL_LENGTH + 1],
        delivery=form.cleaned_data.get("delivery") or Delivery.EMAIL,
        banner=banner,
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
    banner: Banner | None = None,
) -> HttpResponse:
    # Taken before the token is issued, so the time shown is never later than its real expiry.
    expires_at = timezone.now() + timedelta(seconds=settings.CONFIRMATION_TOKEN_SECONDS)
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
    work: dict[str, Any] = {
        "subscription_ids": [subscription.id for subscription in plan.subscriptions],
        "requester_email": requester_email,
        "ticket": reason,
    }
    context = {
        "plan": plan,
        "customer": plan.customer,
        "banner": banner,
        "errors": errors,
        "requester_email": requester_email or raw_requester,
        "reason": reason,
        "history": history.link_history(customer_id),
        "max_reason_length": MAX_REASON_LENGTH,
        "max_email_length": MAX_EMAIL_LENGTH,
        "token_minutes": settings.CONFIRMATION_TOKEN_SECONDS // 60,
        "confirmation_expires_at": expires_at,
        "confirmation_seconds": settings.CONFIRMATION_TOKEN_SECONDS,
        # Where an expired confirmation is renewed with the work (countdown.js adds the fields'
        # current values); without JavaScript the submission itself comes back here, renewed.
        "reload_url": confirm_url(customer_id, **work, delivery=delivery.value),
        "ask_approval": _asked_as_submitted(plan, banner, work=work, delivery=delivery),
        **step_up.field_context(request, return_to=confirm_url(customer_id, **work)),
    }
    return render(request, "portal/confirm.html", context)


def _asked_as_submitted(
    plan: service.Plan, banner: Banner | None, *, work: dict[str, Any], delivery: Delivery
) -> dict[str, object] | None:
    """The refused submission as it was, with this page's fresh token, for the banner's "ask a
    manager" form (ApprovalRequired): the form below may offer other choices (e.g. a mismatching
    requester gets only email there, while what needs the approval is showing the links)."""
    if banner is None or not banner.ask_approval:
        return None
    return {
        "subscription_ids": work["subscription_ids"],
        "reason": work["ticket"],
        "requester_email": work["requester_email"],
        "delivery": delivery.value,
        "confirmation_token": plan.confirmation_token,
    }


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_POST
@portal_link_headers
@sensitive_post_parameters("password")
def portal_session_create(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """Create the portal session and show its links once; a replayed confirmation creates nothing.

    Only the links page is this POST's own response; anything else is a 303 to a GET page: back
    to the confirm page with the work kept and the problem in a banner, or where the email went.
    """
    form = PortalSessionForm(request.POST)
    if not form.is_valid():
        return invalid_submission(request, customer_id, form)
    try:
        issued = service.issue(
            context=context_of(request),
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
            reason=form.cleaned_data["reason"],
            confirmation_token=form.cleaned_data["confirmation_token"],
            step_up=step_up.PasswordProof(request, request.POST, customer_id=customer_id),
            requester_email=form.cleaned_data["requester_email"],
            delivery=form.cleaned_data["delivery"],
        )
    except (LinkRefusal, PaddleError) as problem:
        return submission_refused(request, customer_id, problem, work=submitted_work(request, form))
    return links_response(request, issued)


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_GET
@never_cache
def portal_session_emailed(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """Where the last emailed link for this customer went (the GET after the creating POST)."""
    emailed = delivery_notice.read(request, customer_id)
    if emailed is None:  # nothing emailed to this customer from this sign-in (the history has them all)
        message = "No link to this customer was emailed from this sign-in; the customer page lists them all."
        return render(request, "404.html", {"message": message}, status=404)
    return render(request, "portal/emailed.html", {"emailed": emailed, "customer": emailed.customer})


def links_response(
    request: ConsoleRequest, issued: "service.IssuedLinks | service.EmailedLink"
) -> HttpResponse:
    """The page a created link request ends on: the links once (no-store, this POST's own response),
    or a 303 to the page that says where the email went (no link in it, so a GET may show it again)."""
    if isinstance(issued, service.EmailedLink):
        delivery_notice.keep(request, issued)
        return HttpResponseRedirect(
            reverse("sessions_app:portal_session_emailed", args=[issued.customer.id]), status=303
        )
    return links_page(request, issued)

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
from ..forms import MAX_REASON_LENGTH, PortalSessionForm, SubscriptionSelectionForm
from ..links import service
from ..links.refusals import InvalidInput, LinkRefusal
from ..paddle.errors import PaddleError
from ..paddle.types import Subscription, SubscriptionLinks
from ..permissions import role_required
from ..roles import CREATE_PORTAL_SESSION, LOOKUP_CUSTOMER
from .errors import paddle_error_response
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
    form = SubscriptionSelectionForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return refusal_response(request, customer_id, InvalidInput(_messages(form)))
    try:
        plan = service.plan(
            context=context_of(request),
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
        )
    except LinkRefusal as refusal:
        return refusal_response(request, customer_id, refusal)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    ticked = [subscription.id for subscription in plan.subscriptions]
    context = {
        "plan": plan,
        "customer": plan.customer,
        "max_reason_length": MAX_REASON_LENGTH,
        "token_minutes": settings.CONFIRMATION_TOKEN_SECONDS // 60,
        **step_up.field_context(request, return_to=confirm_url(customer_id, ticked)),
    }
    return render(request, "portal/confirm.html", context)


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
        return refusal_response(request, customer_id, refusal)
    try:
        issued = service.issue(
            context=context,
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
            reason=form.cleaned_data["reason"],
            confirmation_token=form.cleaned_data["confirmation_token"],
            step_up=step_up.PasswordProof(request, request.POST, customer_id=customer_id),
        )
    except LinkRefusal as refusal:
        return refusal_response(request, customer_id, refusal)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    context_data = {
        "issued": issued,
        "customer": issued.customer,
        "links": _links_by_subscription(issued),
        "visible_seconds": settings.PORTAL_LINKS_VISIBLE_SECONDS,
    }
    return render(request, "portal/links.html", context_data)


def _messages(form: Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def _links_by_subscription(issued: service.IssuedLinks) -> list[tuple[Subscription, SubscriptionLinks]]:
    """Each ticked subscription with its links, in the order the agent saw them."""
    links = {entry.subscription_id: entry for entry in issued.session.subscriptions}
    return [(subscription, links[subscription.id]) for subscription in issued.subscriptions]

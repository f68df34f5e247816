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
from django.views.decorators.http import require_POST

from .. import services
from ..forms import MAX_REASON_LENGTH, PortalSessionForm, SubscriptionSelectionForm
from ..links import confirmation
from ..links.confirmation import ConfirmationError
from ..paddle.errors import PaddleError
from ..paddle.types import Subscription, SubscriptionLinks
from ..permissions import role_required
from ..roles import CREATE_PORTAL_SESSION, LOOKUP_CUSTOMER
from . import guards
from .errors import paddle_error_response
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
@require_POST
@never_cache
def portal_session_confirm(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """What will be created and what anyone holding the links can do; asks for the reason. No side effect."""
    form = SubscriptionSelectionForm(request.POST)
    if not form.is_valid():
        return _refused(request, customer_id, _messages(form))
    refusal = guards.confirm_refusal(request, customer_id)
    if refusal is not None:
        return refusal
    try:
        plan = services.plan_portal_session(
            actor=request.user,
            customer_id=customer_id,
            subscription_ids=form.cleaned_data["subscription_ids"],
        )
    except services.ForeignSubscriptions:
        return _refused(request, customer_id, [_FOREIGN])
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    context = {
        "plan": plan,
        "customer": plan.customer,
        "max_reason_length": MAX_REASON_LENGTH,
        "token_minutes": settings.CONFIRMATION_TOKEN_SECONDS // 60,
        **guards.confirm_context(request),
    }
    return render(request, "portal/confirm.html", context)


@login_required
@role_required(LOOKUP_CUSTOMER, CREATE_PORTAL_SESSION)
@require_POST
@portal_link_headers
@sensitive_post_parameters("password")
def portal_session_create(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """Create the portal session and show its links once; a replayed confirmation creates nothing."""
    form = PortalSessionForm(request.POST)
    if not form.is_valid():
        # Nothing of the rejected input is recorded: only that an attempt was refused.
        services.record_refused_attempt(
            actor=request.user, request=request, customer_id=customer_id, error_code="invalid_input"
        )
        return _refused(request, customer_id, _messages(form))
    subscription_ids, reason = form.cleaned_data["subscription_ids"], form.cleaned_data["reason"]
    attempt = {"subscription_ids": subscription_ids, "reason": reason}
    try:
        confirmed = confirmation.verify(
            form.cleaned_data["confirmation_token"],
            user=request.user,
            customer_id=customer_id,
            subscription_ids=subscription_ids,
        )
    except ConfirmationError as exc:
        return _refused_attempt(request, customer_id, exc.message, exc.code, exc.status, **attempt)
    refusal = guards.create_refusal(
        request, customer_id=customer_id, subscription_ids=subscription_ids, reason=reason
    )
    if refusal is not None:
        return refusal
    try:
        issued = services.issue_confirmed_portal_session(
            actor=request.user, request=request, confirmed=confirmed, reason=reason
        )
    except ConfirmationError as exc:  # spent by a concurrent submit since it was verified
        return _refused_attempt(request, customer_id, exc.message, exc.code, exc.status, **attempt)
    except services.ForeignSubscriptions:
        return _refused_attempt(request, customer_id, _FOREIGN, "foreign_subscription", 400, **attempt)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    except services.AuditWriteFailed as exc:
        context = {"customer_id": customer_id, "links_created": exc.links_created}
        return render(request, "portal/not_recorded.html", context, status=503)
    context = {
        "issued": issued,
        "customer": issued.customer,
        "links": _links_by_subscription(issued),
        "visible_seconds": settings.PORTAL_LINKS_VISIBLE_SECONDS,
    }
    return render(request, "portal/links.html", context)


_FOREIGN = "A ticked subscription does not belong to this customer. Nothing was created."


def _messages(form: Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def _refused(
    request: HttpRequest, customer_id: str, messages: list[str], *, status: int = 400
) -> HttpResponse:
    context = {"customer_id": customer_id, "problems": messages}
    return render(request, "portal/refused.html", context, status=status)


def _refused_attempt(
    request: ConsoleRequest,
    customer_id: str,
    message: str,
    error_code: str,
    status: int,
    *,
    subscription_ids: list[str],
    reason: str,
) -> HttpResponse:
    services.record_refused_attempt(
        actor=request.user,
        request=request,
        customer_id=customer_id,
        error_code=error_code,
        subscription_ids=subscription_ids,
        reason=reason,
    )
    return _refused(request, customer_id, [message], status=status)


def _links_by_subscription(
    issued: services.IssuedPortalSession,
) -> list[tuple[Subscription, SubscriptionLinks]]:
    """Each ticked subscription with its links, in the order the agent saw them."""
    links = {entry.subscription_id: entry for entry in issued.session.subscriptions}
    return [(subscription, links[subscription.id]) for subscription in issued.subscriptions]

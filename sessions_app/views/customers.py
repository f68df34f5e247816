"""Finding a customer and showing their subscriptions."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..context import context_of
from ..customers import search_customers, view_customer
from ..forms import MAX_SUBSCRIPTIONS, HelpdeskForm, SearchForm
from ..links import history, kill_switch
from ..paddle.errors import PaddleError
from ..permissions import role_required
from ..read_limits import read_limited
from ..roles import LOOKUP_CUSTOMER
from .errors import paddle_error_response
from .request_types import ConsoleRequest


@login_required
@role_required(LOOKUP_CUSTOMER)
@require_GET
@vary_on_headers("HX-Request")
@never_cache
@read_limited("search")  # inside the caching decorators: its 429 is never cached either
def customer_search(request: ConsoleRequest) -> HttpResponse:
    """The search page, or only its results fragment for htmx's live search."""
    form = SearchForm(request.GET)
    customers = None
    status = 200
    if not form.is_valid():
        status = 400
    elif form.cleaned_data["q"]:
        try:
            customers = search_customers(
                context=context_of(request), query=form.cleaned_data["q"], kind=form.kind
            )
        except PaddleError as exc:
            return paddle_error_response(request, exc, fragment=bool(request.htmx))
    template = "partials/_customer_results.html" if request.htmx else "customers/search.html"
    helpdesk, helpdesk_errors = _helpdesk(request)
    context = {
        "form": form,
        "customers": customers,
        "helpdesk": helpdesk,
        "helpdesk_errors": helpdesk_errors,
        "helpdesk_query": f"?{urlencode(helpdesk)}" if helpdesk else "",
    }
    return render(request, template, context, status=status)


@login_required
@role_required(LOOKUP_CUSTOMER)
@require_GET
@never_cache
@read_limited("view")
def customer_detail(request: ConsoleRequest, customer_id: str) -> HttpResponse:
    """The customer and every subscription, each with a tick box for the portal session."""
    try:
        page = view_customer(context=context_of(request), customer_id=customer_id)
    except PaddleError as exc:
        return paddle_error_response(request, exc)
    helpdesk, helpdesk_errors = _helpdesk(request)
    switch = kill_switch.current()
    context = {
        "customer": page.overview.customer,
        "subscriptions": page.overview.subscriptions,
        "payment_methods": page.payment_methods,
        "payments": page.payments,
        "payment_rows": page.payments_with_subscriptions(),
        "max_subscriptions": MAX_SUBSCRIPTIONS,
        "kill_switch_by": switch.disabled_by,
        "kill_switch": switch,
        "helpdesk": helpdesk,
        "helpdesk_errors": helpdesk_errors,
        "history": history.link_history(customer_id),
    }
    return render(request, "customers/detail.html", context)


def _helpdesk(request: ConsoleRequest) -> tuple[dict[str, str], list[str]]:
    """The helpdesk link's valid prefills (`ticket`, `requester`) and messages for the invalid ones."""
    form = HelpdeskForm(request.GET)
    form.is_valid()
    prefills = {
        name: form.cleaned_data[name] for name in ("ticket", "requester") if form.cleaned_data.get(name)
    }
    return prefills, [str(message) for errors in form.errors.values() for message in errors]

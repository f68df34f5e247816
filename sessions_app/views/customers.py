"""Finding a customer and showing their subscriptions."""

from collections.abc import Sequence
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..context import context_of
from ..customers import recent_customers, search_customers, view_customer
from ..forms import MAX_SUBSCRIPTIONS, HelpdeskForm, SearchForm, error_messages
from ..links import history, kill_switch
from ..paddle import ids
from ..paddle.client import MAX_SEARCH_RESULTS
from ..paddle.errors import PaddleError
from ..paddle.types import Subscription
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
    """The search page, or only its results fragment for htmx's live search.

    An exact id or email with one match opens that customer (303), but only on a submit of the
    form (its Search button, or Enter, sends `open=1`). Why not on live search: it fires while
    the agent is still typing, and jumping to a customer page mid-word would take the page away
    from under them; the single match shows as a result, and Enter opens it. Why not on any GET:
    htmx pushes each live-search URL into the history, and Back to such a URL would redirect
    forward again, trapping the agent on the customer page.
    """
    form = SearchForm(request.GET)
    result = None
    status = 200
    helpdesk, helpdesk_errors = _helpdesk(request)
    if not form.is_valid():
        status = 400
    elif form.cleaned_data["q"]:
        kind = form.kind
        opens = form.cleaned_data["open"] and not request.htmx and kind is not ids.QueryKind.TEXT
        try:
            result = search_customers(
                context=context_of(request), query=form.cleaned_data["q"], kind=kind, with_counts=not opens
            )
        except PaddleError as exc:
            return paddle_error_response(request, exc, fragment=bool(request.htmx))
        if opens and len(result.customers) == 1:
            return _open_customer(result.customers[0].id, form.cleaned_data["q"], kind, helpdesk)
    template = "partials/_customer_results.html" if request.htmx else "customers/search.html"
    context = {
        "form": form,
        "customers": result.customers if result else None,
        "more": result.more if result else False,
        "rows": result.rows if result else [],
        "max_results": MAX_SEARCH_RESULTS,
        # An exact email or id with one match: Enter (the form) opens it; free text only lists.
        "opens_on_enter": bool(result and len(result.customers) == 1 and form.kind is not ids.QueryKind.TEXT),
        # An empty search (the page, or the box cleared): the agent's own last customers.
        "recent": [] if form.data.get("q") else recent_customers(request.user),
        "helpdesk": helpdesk,
        "helpdesk_errors": helpdesk_errors,
        "helpdesk_query": f"?{urlencode(helpdesk)}" if helpdesk else "",
    }
    return render(request, template, context, status=status)


def _open_customer(
    customer_id: str, query: str, kind: ids.QueryKind, helpdesk: dict[str, str]
) -> HttpResponse:
    """303 to the customer page; a `sub_` search marks and pre-ticks that subscription there."""
    params = dict(helpdesk)
    if kind is ids.QueryKind.SUBSCRIPTION_ID:
        params["subscription"] = query
    url = reverse("sessions_app:customer_detail", args=[customer_id])
    response = HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url)
    response.status_code = 303
    return response


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
    found = _found_subscription(request, page.overview.subscriptions)
    context = {
        "customer": page.overview.customer,
        "subscriptions": page.overview.subscriptions,
        "payment_methods": page.payment_methods,
        "payments": page.payments,
        "payment_rows": page.payments_with_subscriptions(),
        "found": found,
        "eligible_count": sum(1 for s in page.overview.subscriptions if not s.links_open_overview),
        "max_subscriptions": MAX_SUBSCRIPTIONS,
        "kill_switch_by": switch.disabled_by,
        "kill_switch": switch,
        "helpdesk": helpdesk,
        "helpdesk_errors": helpdesk_errors,
        "history": history.link_history(customer_id),
    }
    return render(request, "customers/detail.html", context)


def _found_subscription(
    request: ConsoleRequest, subscriptions: Sequence[Subscription]
) -> Subscription | None:
    """The subscription a `sub_` search found (`?subscription=`), if it is this customer's.

    A malformed value or another customer's id is ignored: the page shows as without it.
    """
    wanted = ids.normalize_query(request.GET.get("subscription", ""))
    if not ids.is_subscription_id(wanted):
        return None
    return next((s for s in subscriptions if s.id == wanted), None)


def _helpdesk(request: ConsoleRequest) -> tuple[dict[str, str], list[str]]:
    """The helpdesk link's valid prefills (`ticket`, `requester`) and messages for the invalid ones."""
    form = HelpdeskForm(request.GET)
    form.is_valid()
    prefills = {
        name: form.cleaned_data[name] for name in ("ticket", "requester") if form.cleaned_data.get(name)
    }
    return prefills, error_messages(form)

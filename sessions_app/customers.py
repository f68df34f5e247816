"""Finding customers and showing one: Paddle reads, each audited whether Paddle answers or not."""

from . import audit
from .context import RequestContext
from .paddle.config import get_client
from .paddle.errors import PaddleError, PaddleNotFound
from .paddle.ids import QueryKind
from .paddle.overview import CustomerPage, fetch_customer_page
from .paddle.types import Customer


def search_customers(*, context: RequestContext, query: str, kind: QueryKind) -> list[Customer]:
    """Customers matching an email (exact), a ctm_/sub_ id or free text; audited without the query text."""
    details = {"query_kind": kind.value}
    try:
        customers = get_client().find_customers(query)
    except PaddleNotFound:
        customers = []
    except PaddleError as exc:
        audit.record(
            action=audit.Action.CUSTOMER_SEARCH,
            outcome=audit.Outcome.FAILURE,
            context=context,
            error_code=exc.error_code,
            paddle_request_id=exc.request_id,
            details=details,
        )
        raise
    # An email or id names one customer: the audit row may say who, free text may not.
    single = customers[0] if len(customers) == 1 and kind is not QueryKind.TEXT else None
    audit.record(
        action=audit.Action.CUSTOMER_SEARCH,
        outcome=audit.Outcome.SUCCESS,
        context=context,
        customer_id=single.id if single else "",
        customer_email=single.email if single else "",
        # Which customers the agent saw, by id: free text may show several names and emails.
        details={**details, "results": len(customers), "shown": [c.id for c in customers]},
    )
    return customers


def view_customer(*, context: RequestContext, customer_id: str) -> CustomerPage:
    """The customer page's data; the view is audited whether Paddle answers or not (a section
    Paddle did not give does not make it a failure: the page still shows the customer)."""
    try:
        page = fetch_customer_page(customer_id)
    except PaddleError as exc:
        audit.record(
            action=audit.Action.CUSTOMER_VIEW,
            outcome=audit.Outcome.FAILURE,
            context=context,
            customer_id=customer_id,
            error_code=exc.error_code,
            paddle_request_id=exc.request_id,
        )
        raise
    audit.record(
        action=audit.Action.CUSTOMER_VIEW,
        outcome=audit.Outcome.SUCCESS,
        context=context,
        customer_id=customer_id,
        customer_email=page.overview.customer.email,
        details={"subscriptions": len(page.overview.subscriptions)},
    )
    return page

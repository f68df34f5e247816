"""Finding customers and showing one: Paddle reads, each audited whether Paddle answers or not."""

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from . import audit
from .context import RequestContext
from .models import AuditEvent
from .paddle import budget
from .paddle.client import CustomerMatches
from .paddle.config import get_client
from .paddle.errors import PaddleError, PaddleNotFound
from .paddle.ids import QueryKind
from .paddle.overview import CustomerPage, fetch_customer_page
from .paddle.types import Customer

log = logging.getLogger(__name__)

RECENT_CUSTOMERS = 10
RECENT_SCAN = 200  # the agent's newest customer views that recent_customers reads
# Subscription statuses an agent should notice in a result row, in the order they are named.
NOTABLE_STATUSES = ("past_due", "paused", "canceled")


@dataclass(frozen=True)
class SubscriptionCount:
    """How many subscriptions a customer has, and how many of them need a second look."""

    total: int
    notable: tuple[tuple[str, int], ...] = ()  # (status, count) for NOTABLE_STATUSES present

    @property
    def notes(self) -> list[tuple[str, str]]:
        """(status, "2 past due") for the badges of a result row."""
        return [(status, f"{n} {status.replace('_', ' ')}") for status, n in self.notable]


@dataclass(frozen=True)
class SearchResult:
    customers: list[Customer]
    more: bool = False  # Paddle holds more matches than were shown
    # By customer id; None when Paddle could not list them (the results are still shown).
    counts: dict[str, SubscriptionCount] | None = field(default=None)

    @property
    def rows(self) -> list[tuple[Customer, SubscriptionCount | None]]:
        """Each customer with its count (None: unavailable), for the results table."""
        return [(c, self.counts.get(c.id) if self.counts is not None else None) for c in self.customers]


@dataclass(frozen=True)
class RecentCustomer:
    id: str
    email: str
    name: str


def search_customers(
    *, context: RequestContext, query: str, kind: QueryKind, with_counts: bool = True
) -> SearchResult:
    """Customers matching an email (exact), a ctm_/sub_ id or free text; audited without the query text.

    `with_counts` adds each customer's subscription count from ONE extra Paddle listing
    (`GET /subscriptions?customer_id=a,b,…`), never one call per customer.
    """
    details = {"query_kind": kind.value}
    try:
        matches = get_client().search_customers(query)
    except PaddleNotFound:
        matches = CustomerMatches([])
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
    customers = matches.customers
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
    counts = subscription_counts(customers) if with_counts and customers else None
    return SearchResult(customers, more=matches.more, counts=counts)


def subscription_counts(customers: Sequence[Customer]) -> dict[str, SubscriptionCount] | None:
    """Each customer's subscriptions counted from one listing; None if Paddle did not answer.

    The counts are a convenience: a failure leaves them out rather than the search results, and
    so does a failing cache (each Paddle call's budget check then waits for the cache's timeout:
    a hung Redis made a search with counts take 1.8 s instead of 0.6 s).
    """
    if budget.skipped_recently():
        return None
    try:
        subscriptions = get_client().list_subscriptions_of([c.id for c in customers])
    except PaddleError as exc:
        log.warning("subscription counts unavailable: %s (request id %s)", exc.error_code, exc.request_id)
        return None
    by_customer: dict[str, Counter[str]] = {c.id: Counter() for c in customers}
    for subscription in subscriptions:
        by_customer[subscription.customer_id][subscription.status] += 1
    return {
        customer_id: SubscriptionCount(
            total=sum(statuses.values()),
            notable=tuple((s, statuses[s]) for s in NOTABLE_STATUSES if statuses[s]),
        )
        for customer_id, statuses in by_customer.items()
    }


def recent_customers(user: AbstractBaseUser, *, limit: int = RECENT_CUSTOMERS) -> list[RecentCustomer]:
    """The customers this agent last opened, most recent first, each once: from their audit rows.

    One query, bounded: the agent's newest `RECENT_SCAN` `customer.view` rows (an index-only scan
    of `audit_actor_action_seq`, selecting `seq` only, so PostgreSQL never prefers walking the
    primary key backwards, which for an agent with few views read the whole table), then those
    rows that succeeded, newest first; the first row per customer is kept. Grouping all of an
    agent's views in SQL was exact but read every one of them (50,000 views: 380 ms); ten
    distinct customers among the last 200 views is the case that matters (1 ms). Only `user`'s
    own rows are read.
    """
    newest = (
        AuditEvent.objects.filter(actor_id=user.pk, action=audit.Action.CUSTOMER_VIEW)
        .order_by("-seq")
        .values("seq")[:RECENT_SCAN]
    )
    rows = (
        AuditEvent.objects.filter(seq__in=newest, outcome=audit.Outcome.SUCCESS)
        .exclude(customer_id="")
        .order_by("-seq")
        .values_list("customer_id", "customer_email", "customer_name")
    )
    recent: dict[str, RecentCustomer] = {}
    for customer_id, email, name in rows:
        if customer_id not in recent:
            recent[customer_id] = RecentCustomer(id=customer_id, email=email, name=name)
            if len(recent) == limit:
                break
    return list(recent.values())


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
        customer_name=page.overview.customer.name or "",  # the agent's recent customers show it
        details={"subscriptions": len(page.overview.subscriptions)},
    )
    return page

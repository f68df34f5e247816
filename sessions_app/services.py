"""The agent's workflow: find customers, show one, issue a portal session; each step audited.

Services take keyword-only, typed arguments with an explicit acting user. Paddle calls happen
outside any database transaction; every audit append commits on its own.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError
from django.http import HttpRequest

from portal_admin.logging import path_var, request_id_var, user_var

from . import audit
from .links import confirmation
from .paddle.config import get_client
from .paddle.errors import PaddleError, PaddleNotFound
from .paddle.ids import QueryKind
from .paddle.types import Customer, PortalSession, Subscription

Actor = AbstractBaseUser | AnonymousUser
_T = TypeVar("_T")


class ForeignSubscriptions(Exception):
    """Ticked subscription ids that Paddle does not list for this customer."""

    def __init__(self, subscription_ids: Sequence[str]) -> None:
        super().__init__(f"{len(subscription_ids)} subscription(s) do not belong to this customer")
        self.subscription_ids = tuple(subscription_ids)


class AuditWriteFailed(Exception):
    """The audit log refused an append; `links_created` says whether Paddle made links anyway."""

    def __init__(self, *, links_created: bool) -> None:
        super().__init__("the audit log could not be written")
        self.links_created = links_created


@dataclass(frozen=True)
class CustomerOverview:
    customer: Customer
    subscriptions: tuple[Subscription, ...]

    def select(self, subscription_ids: Sequence[str]) -> tuple[Subscription, ...]:
        """The ticked subscriptions in the given order; ForeignSubscriptions if any is not the customer's."""
        by_id = {s.id: s for s in self.subscriptions}
        foreign = [s for s in subscription_ids if s not in by_id]
        if foreign:
            raise ForeignSubscriptions(foreign)
        return tuple(by_id[s] for s in subscription_ids)


@dataclass(frozen=True)
class PortalSessionPlan:
    """What the confirm page shows: the customer, the ticked subscriptions, the one-time token."""

    customer: Customer
    subscriptions: tuple[Subscription, ...]
    confirmation_token: str


@dataclass(frozen=True)
class IssuedPortalSession:
    customer: Customer
    subscriptions: tuple[Subscription, ...]
    session: PortalSession


def search_customers(*, actor: Actor, request: HttpRequest, query: str, kind: QueryKind) -> list[Customer]:
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
            actor=actor,
            request=request,
            error_code=exc.code,
            paddle_request_id=exc.request_id,
            details=details,
        )
        raise
    # An email or id names one customer: the audit row may say who, free text may not.
    single = customers[0] if len(customers) == 1 and kind is not QueryKind.TEXT else None
    audit.record(
        action=audit.Action.CUSTOMER_SEARCH,
        outcome=audit.Outcome.SUCCESS,
        actor=actor,
        request=request,
        customer_id=single.id if single else "",
        customer_email=single.email if single else "",
        details={**details, "results": len(customers)},
    )
    return customers


# Long-lived threads for the second of two concurrent Paddle calls: a pool per request started
# two threads each time. More threads than a gunicorn worker has, so no request waits for one.
_PADDLE_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="paddle")
_LOG_FIELDS = (request_id_var, user_var, path_var)


def _in_paddle_thread(call: Callable[[], _T]) -> Future[_T]:
    """Run `call` on a pool thread, its log lines tagged with this request's id, user and path.

    Only the log fields are carried over, not the whole context: Django keeps a thread's cache
    client (the Paddle budget's Redis connection) in a context variable, and sharing this
    request's with the pool thread made both threads' budget checks several times slower.
    """
    fields = [(var, var.get()) for var in _LOG_FIELDS]

    def tagged() -> _T:
        for var, value in fields:  # every task sets them, so none inherits another's
            var.set(value)
        return call()

    return _PADDLE_THREADS.submit(tagged)


def fetch_customer(*, customer_id: str) -> CustomerOverview:
    """The customer and all their subscriptions, fetched concurrently (two HTTP calls, no DB)."""
    client = get_client()
    subscriptions = _in_paddle_thread(lambda: client.list_subscriptions(customer_id))
    try:
        customer = client.get_customer(customer_id)
    finally:
        wait([subscriptions])  # no Paddle call outlives the request
    return CustomerOverview(customer=customer, subscriptions=tuple(subscriptions.result()))


def view_customer(*, actor: Actor, request: HttpRequest, customer_id: str) -> CustomerOverview:
    """The customer page's data; the view is audited whether Paddle answers or not."""
    try:
        overview = fetch_customer(customer_id=customer_id)
    except PaddleError as exc:
        audit.record(
            action=audit.Action.CUSTOMER_VIEW,
            outcome=audit.Outcome.FAILURE,
            actor=actor,
            request=request,
            customer_id=customer_id,
            error_code=exc.code,
            paddle_request_id=exc.request_id,
        )
        raise
    audit.record(
        action=audit.Action.CUSTOMER_VIEW,
        outcome=audit.Outcome.SUCCESS,
        actor=actor,
        request=request,
        customer_id=customer_id,
        customer_email=overview.customer.email,
        details={"subscriptions": len(overview.subscriptions)},
    )
    return overview


def plan_portal_session(
    *, actor: AbstractBaseUser, customer_id: str, subscription_ids: Sequence[str]
) -> PortalSessionPlan:
    """Check the ticked subscriptions are the customer's and issue a confirmation token; no side effect."""
    overview = fetch_customer(customer_id=customer_id)
    return PortalSessionPlan(
        customer=overview.customer,
        subscriptions=overview.select(subscription_ids),
        confirmation_token=confirmation.issue(
            user=actor, customer_id=customer_id, subscription_ids=subscription_ids
        ),
    )


def issue_confirmed_portal_session(
    *, actor: AbstractBaseUser, request: HttpRequest, confirmed: confirmation.Confirmation, reason: str
) -> IssuedPortalSession:
    """Re-check ownership, spend the confirmation, then issue the session (no Paddle write before)."""
    try:
        overview = fetch_customer(customer_id=confirmed.customer_id)
    except PaddleError as exc:
        # Nothing was asked of Paddle yet (no `requested`), but the failed attempt is audited.
        _append(
            links_created=False,
            action=audit.Action.PORTAL_SESSION_FAILED,
            outcome=audit.Outcome.FAILURE,
            actor=actor,
            request=request,
            customer_id=confirmed.customer_id,
            subscription_ids=list(confirmed.subscription_ids),
            reason=reason,
            error_code=exc.code or type(exc).__name__,
            paddle_request_id=exc.request_id,
            details={"step": "ownership_check"},
        )
        raise
    subscriptions = overview.select(confirmed.subscription_ids)
    confirmation.spend(confirmed)
    session = issue_portal_session(
        actor=actor,
        request=request,
        customer=overview.customer,
        subscription_ids=confirmed.subscription_ids,
        reason=reason,
    )
    return IssuedPortalSession(customer=overview.customer, subscriptions=subscriptions, session=session)


def record_refused_attempt(
    *,
    actor: Actor,
    request: HttpRequest,
    customer_id: str,
    error_code: str,
    subscription_ids: Sequence[str] = (),
    reason: str = "",
    action: str = audit.Action.PORTAL_SESSION_FAILED,
    details: Mapping[str, object] | None = None,
) -> None:
    """Audit a link creation refused before Paddle was asked (bad input or token, switch, limit, ...)."""
    audit.record(
        action=action,
        outcome=audit.Outcome.DENIED,
        actor=actor,
        request=request,
        customer_id=customer_id,
        subscription_ids=subscription_ids,
        reason=reason,
        error_code=error_code,
        details=details,
    )


def issue_portal_session(
    *,
    actor: AbstractBaseUser,
    request: HttpRequest,
    customer: Customer,
    subscription_ids: Sequence[str],
    reason: str,
) -> PortalSession:
    """Audit the request, call Paddle once, audit the result; the session is returned only once recorded."""
    event = {
        "actor": actor,
        "request": request,
        "customer_id": customer.id,
        "customer_email": customer.email,
        "subscription_ids": list(subscription_ids),
        "reason": reason,
        # Ties requested/created/failed of one attempt together on the audit detail page.
        "details": {"attempt": uuid.uuid4().hex},
    }
    _append(
        links_created=False,
        action=audit.Action.PORTAL_SESSION_REQUESTED,
        outcome=audit.Outcome.SUCCESS,
        **event,
    )
    try:
        # The client withholds a session whose links do not match the request (PaddleUnavailable).
        session = get_client().create_portal_session(customer.id, subscription_ids)
    except PaddleError as exc:
        _append(
            links_created=False,
            action=audit.Action.PORTAL_SESSION_FAILED,
            outcome=audit.Outcome.FAILURE,
            error_code=exc.code or type(exc).__name__,
            paddle_request_id=exc.request_id,
            **event,
        )
        raise
    _append(
        links_created=True,
        action=audit.Action.PORTAL_SESSION_CREATED,
        outcome=audit.Outcome.SUCCESS,
        paddle_session_id=session.id,
        paddle_request_id=session.request_id,
        **event,
    )
    return session


def _append(*, links_created: bool, **fields: object) -> None:
    try:
        audit.record(**fields)  # type: ignore[arg-type]
    except DatabaseError as exc:
        raise AuditWriteFailed(links_created=links_created) from exc

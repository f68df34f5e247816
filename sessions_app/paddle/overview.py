"""A customer and all their subscriptions (and, for the customer page, their payment methods and
failed or past-due payments), fetched from Paddle concurrently."""

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from portal_admin.logging import path_var, request_id_var, user_var

from .client import PaddleClient
from .config import get_client
from .errors import PaddleAuthError, PaddleError, PaddleNotFound, PaddleRateLimited
from .types import Customer, PaymentMethod, Subscription, Transaction

_T = TypeVar("_T")
log = logging.getLogger(__name__)

# Long-lived threads for the concurrent Paddle calls (a pool per request started threads each
# time). The customer page runs three of its four calls here: 32 threads cover a gunicorn
# worker's 8 threads at 3 each, so no request waits for one.
_PADDLE_THREADS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="paddle")

# "Recent failed or past-due payments": the customer's 30 newest transactions (Paddle's page
# maximum) that are
# - `past_due`: an automatic renewal whose payment failed, the subscription now in dunning, or an
#   invoice whose payment terms elapsed (spec, `status-transaction`); money is still owed;
# - `canceled` or `completed` with a failed payment attempt (`payments[].status` error, canceled
#   or dropped): dunning that ended with the renewal canceled, or a decline that a retry or a
#   new card recovered. Both tell the agent the card on file has been failing.
# `draft` and `ready` are checkouts in progress, `billed` an invoice not yet due: not failures.
PAYMENT_STATUSES = ("past_due", "canceled", "completed")
_LOG_FIELDS = (request_id_var, user_var, path_var)


@dataclass(frozen=True)
class CustomerOverview:
    customer: Customer
    subscriptions: tuple[Subscription, ...]

    def foreign(self, subscription_ids: Sequence[str]) -> list[str]:
        """The ids among `subscription_ids` that are not this customer's."""
        own = {s.id for s in self.subscriptions}
        return [s for s in subscription_ids if s not in own]

    def select(self, subscription_ids: Sequence[str]) -> tuple[Subscription, ...]:
        """The customer's subscriptions among `subscription_ids`, in that order (foreign ids skipped)."""
        by_id = {s.id: s for s in self.subscriptions}
        return tuple(by_id[s] for s in subscription_ids if s in by_id)


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


@dataclass(frozen=True)
class Section(Generic[_T]):
    """A part of the customer page that Paddle may fail to give without failing the page:
    its items, or `problem`, a plain sentence saying why it could not be loaded."""

    items: tuple[_T, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class CustomerPage:
    """What the customer page shows: the overview (essential), payment methods and payments (not)."""

    overview: CustomerOverview
    payment_methods: Section[PaymentMethod]
    payments: Section[Transaction]  # failed or past-due only, newest first

    def payments_with_subscriptions(self) -> tuple[tuple[Transaction, Subscription | None], ...]:
        """Each payment with the subscription it billed (None for a one-time charge)."""
        by_id = {s.id: s for s in self.overview.subscriptions}
        return tuple((t, by_id.get(t.subscription_id or "")) for t in self.payments.items)


def fetch_customer_page(customer_id: str) -> CustomerPage:
    """The customer, their subscriptions, saved payment methods and failed or past-due payments:
    four Paddle calls at once, so the page takes as long as the slowest, not the sum.

    The customer and the subscriptions are essential: their failure fails the page, as before.
    The other two only fill their sections; a failure there (a key without `payment_method.read`
    or `transaction.read`, a timeout, a 5xx) leaves a plain sentence in the section instead.
    Every call has ended when this returns: no Paddle call outlives the request.
    """
    client = get_client()
    methods = _in_paddle_thread(lambda: client.list_payment_methods(customer_id))
    payments = _in_paddle_thread(lambda: client.list_transactions(customer_id, PAYMENT_STATUSES))
    overview = _overview(client, customer_id, alongside=(methods, payments))
    return CustomerPage(
        overview=overview,
        payment_methods=_section(methods, "payment methods", "payment_method.read"),
        payments=_section(
            payments,
            "failed or past-due payments",
            "transaction.read",
            keep=lambda t: t.failed_or_past_due,
        ),
    )


def _section(
    future: "Future[list[_T]]",
    what: str,
    permission: str,
    keep: Callable[[_T], bool] = lambda _: True,
) -> Section[_T]:
    try:
        items = future.result()
    except PaddleError as exc:
        log.warning("customer page: %s not loaded (%s)", what, exc.error_code)
        return Section(problem=_plain_reason(exc, what, permission))
    return Section(items=tuple(i for i in items if keep(i)))


def _plain_reason(exc: PaddleError, what: str, permission: str) -> str:
    """Why a section is empty, in words an agent can act on (the code goes to the log)."""
    if isinstance(exc, PaddleAuthError):
        why = f"the console's Paddle key may not read them ({permission}). Tell an administrator."
    elif isinstance(exc, PaddleRateLimited):
        why = "Paddle is busy. Reload the page in a minute."
    elif isinstance(exc, PaddleNotFound):
        why = "Paddle does not know them for this customer."
    elif exc.timed_out:
        why = "Paddle did not answer in time. Reload the page to try again."
    else:
        why = "Paddle could not be reached or answered badly. Reload the page to try again."
    return f"Couldn't load {what}: {why}"


def fetch_customer_overview(customer_id: str) -> CustomerOverview:
    """The customer and all their subscriptions, fetched concurrently (two HTTP calls): what the
    confirm page and the link service check ownership against."""
    return _overview(get_client(), customer_id)


def _overview(
    client: PaddleClient, customer_id: str, *, alongside: Sequence["Future[Any]"] = ()
) -> CustomerOverview:
    """The customer (in this thread) and their subscriptions (on a pool thread) at once; returns
    once they and the calls `alongside` have all ended, so no Paddle call outlives the request."""
    subscriptions = _in_paddle_thread(lambda: client.list_subscriptions(customer_id))
    try:
        customer = client.get_customer(customer_id)
    finally:
        wait([subscriptions, *alongside])
    return CustomerOverview(customer=customer, subscriptions=tuple(subscriptions.result()))

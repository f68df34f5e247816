"""A customer and all their subscriptions, fetched from Paddle concurrently."""

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

from portal_admin.logging import path_var, request_id_var, user_var

from .config import get_client
from .types import Customer, Subscription

_T = TypeVar("_T")

# Long-lived threads for the second of two concurrent Paddle calls: a pool per request started
# two threads each time. More threads than a gunicorn worker has, so no request waits for one.
_PADDLE_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="paddle")
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


def fetch_customer_overview(customer_id: str) -> CustomerOverview:
    """The customer and all their subscriptions, fetched concurrently (two HTTP calls)."""
    client = get_client()
    subscriptions = _in_paddle_thread(lambda: client.list_subscriptions(customer_id))
    try:
        customer = client.get_customer(customer_id)
    finally:
        wait([subscriptions])  # no Paddle call outlives the request
    return CustomerOverview(customer=customer, subscriptions=tuple(subscriptions.result()))

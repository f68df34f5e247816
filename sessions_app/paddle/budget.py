"""One request budget for Paddle, shared by every app process through the cache.

Paddle allows 240 requests a minute per IP address and answers 429 past that. All our
processes together stay under PADDLE_BUDGET_PER_MINUTE by counting requests in per-second
counters in the shared cache (Redis in production, locmem in one process) and admitting a
request only while the last 60 seconds hold fewer than the budget.

Atomicity: a request first reserves its slot with `cache.incr` (atomic in Redis and in
locmem), then reads the window; if the window is over budget it gives the slot back with
`cache.decr`. Of the requests admitted, the last one to reserve saw every earlier
reservation, so admitted requests never exceed the budget, whatever the interleaving.
Counting whole seconds means a 60-second window that straddles second boundaries may see a
handful more than the budget: the default 200 leaves room under Paddle's 240. Processes agree
on the current second through their wall clocks, so machines need NTP-synchronized clocks.
"""

import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from ..dependencies import CACHE_ERRORS, log_skipped, skipped_within
from .errors import PaddleRateLimited

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
_KEY_PREFIX = "paddle-budget:"
# A counter outlives its window by a margin so that a slow reader never sees it vanish early.
_COUNTER_TTL = WINDOW_SECONDS * 2


class Budget:
    """A sliding one-minute request budget kept in the Django cache."""

    def __init__(
        self,
        *,
        per_minute: int,
        max_wait: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.max_wait = max_wait
        # Wall-clock time, not monotonic: every process must agree on which second it is.
        self.clock = clock
        self.sleep = sleep

    def take(self) -> None:
        """Spend one request, waiting up to `max_wait` for a slot; PaddleRateLimited if none."""
        deadline = self.clock() + self.max_wait
        while True:
            now = self.clock()
            wait = self._try_reserve(int(now))
            if wait is None:
                return
            # `wait` counts from the start of the current second; a slot frees no earlier.
            wait = max(wait - (now - int(now)), 0.01)
            if now + wait > deadline:
                retry_after = math.ceil(wait)
                raise PaddleRateLimited(
                    f"Paddle is busy, try again in {retry_after} s",
                    code="budget_exhausted",
                    retry_after=retry_after,
                )
            self.sleep(wait)

    def _try_reserve(self, second: int) -> float | None:
        """Reserve a slot in this second; None if admitted, else seconds until one frees."""
        key = f"{_KEY_PREFIX}{second}"
        seconds = range(second - WINDOW_SECONDS + 1, second + 1)
        counts = _count_and_read(key, [f"{_KEY_PREFIX}{s}" for s in seconds])
        if sum(counts.values()) <= self.per_minute:
            return None
        cache.decr(key)
        oldest = min((s for s in seconds if counts.get(f"{_KEY_PREFIX}{s}", 0) > 0), default=second)
        return float(oldest + WINDOW_SECONDS - second)


def _count_and_read(key: str, window: list[str]) -> dict[str, int]:
    """Add one to the counter `key` (creating it) and read the counters in `window`, `key` included."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Every Paddle call pays this: one round trip on Redis instead of four (add, the
        # exists-then-incr of Django's incr, get_many), and no per-character validation of 60
        # keys that are ours. Same keys and values as through the cache API.
        name = backend.make_key(key)
        names = [backend.make_key(k) for k in window]
        pipeline = backend._cache.get_client(name, write=True).pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, _COUNTER_TTL)
        pipeline.mget(names)
        *_, values = pipeline.execute()
        return {k: int(v) for k, v in zip(window, values, strict=True) if v is not None}
    cache.add(key, 0, timeout=_COUNTER_TTL)
    cache.incr(key)
    return cache.get_many(window)


BUDGET_FEATURE = "the Paddle request budget"


def skipped_recently(seconds: float = 30.0) -> bool:
    """Whether a Paddle call in this process went without the budget (the cache failing) lately."""
    return skipped_within("cache", BUDGET_FEATURE, seconds)


def take() -> None:
    """The Paddle client's `throttle` hook: spend one request of the shared budget.

    A cache outage must not take Paddle down with it: the budget then lets the request
    through and Paddle's own 429 (which the client honours) is the limit. The skip is logged
    at most once a minute per process, not per request.
    """
    budget = Budget(per_minute=settings.PADDLE_BUDGET_PER_MINUTE, max_wait=settings.PADDLE_BUDGET_MAX_WAIT)
    try:
        budget.take()
    except PaddleRateLimited:
        raise
    except CACHE_ERRORS as exc:
        log_skipped("cache", BUDGET_FEATURE, exc)
    except Exception:
        logger.warning("Paddle request budget unavailable (cache error); sending without it", exc_info=True)

"""Per-agent limits on link creation: PORTAL_SESSIONS_PER_HOUR and PORTAL_SESSIONS_PER_DAY.

Fixed windows (the clock hour and the UTC day) counted in the shared cache, keyed by user id
and window start: `cache.add` creates a counter, `cache.incr` bumps it atomically, so every app
process sharing Redis sees one count. Fixed windows are simple and need one key per window; the
price is that an agent can spend two hours' quota across an hour boundary, which the day limit
still caps. A refused attempt gives its increments back, so it does not use up quota.
Without the cache there is no count, so there is no link: `LimitsUnavailable` (fail closed).
"""

import math
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache

from .. import counters
from ..dependencies import CACHE_ERRORS


@dataclass(frozen=True)
class Window:
    name: str  # "hour" | "day"
    seconds: int
    limit: int


@dataclass(frozen=True)
class LimitResult:
    """The verdict for one attempt and its tightest window: the full one when refused."""

    allowed: bool
    window: str
    limit: int
    remaining: int
    resets_at: datetime

    def retry_after(self, now: datetime | None = None) -> int:
        """Whole seconds until the window resets (at least 1), for the Retry-After header."""
        remaining = (self.resets_at - (now or datetime.now(UTC))).total_seconds()
        return max(1, math.ceil(remaining))


class LimitsUnavailable(Exception):
    """The cache holding the counts could not be reached: the attempt cannot be counted."""


def _windows() -> tuple[Window, ...]:
    return (
        Window("hour", 3600, settings.PORTAL_SESSIONS_PER_HOUR),
        Window("day", 86400, settings.PORTAL_SESSIONS_PER_DAY),
    )


def _window_start(window: Window, now: datetime) -> int:
    epoch = int(now.timestamp())
    return epoch - epoch % window.seconds


def _key(user_id: object, window: Window, start: int) -> str:
    return f"portal-links:{user_id}:{window.name}:{start}"


def check_and_count(user: AbstractBaseUser | AnonymousUser, *, now: datetime | None = None) -> LimitResult:
    """Count one link creation for `user`, or refuse it if a window is full (then nothing is counted).

    LimitsUnavailable when the cache is down; a count made before it went down stays (it is not
    worth a second failing round trip to give back).
    """
    try:
        return _check_and_count(user, now=now)
    except CACHE_ERRORS as exc:
        raise LimitsUnavailable(type(exc).__name__) from exc


def _check_and_count(user: AbstractBaseUser | AnonymousUser, *, now: datetime | None) -> LimitResult:
    now = now or datetime.now(UTC)
    counted: list[str] = []
    results: list[LimitResult] = []
    for window in _windows():
        start = _window_start(window, now)
        key = _key(user.pk, window, start)
        # A minute of slack: a counter outlives its window (and clock skew between hosts), so it
        # never expires while in use.
        count = counters.count(key, window.seconds + 60)
        counted.append(key)
        result = LimitResult(
            allowed=count <= window.limit,
            window=window.name,
            limit=window.limit,
            remaining=max(0, window.limit - count),
            resets_at=datetime.fromtimestamp(start + window.seconds, UTC),
        )
        if not result.allowed:
            for counted_key in counted:
                with suppress(ValueError):  # already expired: nothing to give back
                    cache.decr(counted_key)
            return result
        results.append(result)
    return min(results, key=lambda result: result.remaining)


@dataclass(frozen=True)
class Usage:
    """How much of one window `user` has used: "3 of 30 this hour"; read, never counted."""

    window: str  # "hour" | "day"
    used: int
    limit: int
    resets_at: datetime

    @property
    def used_up(self) -> bool:
        return self.used >= self.limit


def usage(user: AbstractBaseUser | AnonymousUser, *, now: datetime | None = None) -> tuple[Usage, ...]:
    """The agent's usage of every window (hour first), in one cache round trip; counts nothing.

    LimitsUnavailable when the cache is down.
    """
    now = now or datetime.now(UTC)
    starts = {window: _window_start(window, now) for window in _windows()}
    keys = {window: _key(user.pk, window, start) for window, start in starts.items()}
    try:
        counts = cache.get_many(list(keys.values()))
    except CACHE_ERRORS as exc:
        raise LimitsUnavailable(type(exc).__name__) from exc
    return tuple(
        Usage(
            window=window.name,
            used=min(int(counts.get(key, 0)), window.limit),  # a refused attempt may sit above it
            limit=window.limit,
            resets_at=datetime.fromtimestamp(starts[window] + window.seconds, UTC),
        )
        for window, key in keys.items()
    )


def hour_used_up(user: AbstractBaseUser | AnonymousUser, *, now: datetime | None = None) -> bool:
    """Whether `user` has no link creation left this hour; reads the count, counts nothing."""
    return usage(user, now=now)[0].used_up

"""Per-agent read limits: searches and customer pages a minute (SEARCHES_PER_MINUTE,
CUSTOMER_VIEWS_PER_MINUTE), so that one agent's burst cannot spend the Paddle budget that every
agent shares.

Fixed one-minute windows counted in the shared cache, keyed by user id, kind and window start
(the same scheme as the link limits in links/limits.py): every app process sharing Redis sees
one count. A cache outage lets reads through: the shared Paddle budget still holds.
"""

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import counters
from .dependencies import CACHE_ERRORS, log_skipped

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# Wall-clock time, as every process must agree on the window (a test may fix it).
clock: Callable[[], float] = time.time
_SETTINGS = {"search": "SEARCHES_PER_MINUTE", "view": "CUSTOMER_VIEWS_PER_MINUTE"}


@dataclass(frozen=True)
class ReadLimited:
    kind: str  # "search" | "view"
    limit: int
    resets_at: datetime

    def retry_after(self) -> int:
        return max(1, math.ceil(self.resets_at.timestamp() - clock()))


def count_read(user_id: object, kind: str, *, now: float | None = None) -> ReadLimited | None:
    """Count one read of `kind` by this user; a ReadLimited if it is over the limit (0: no limit)."""
    limit = int(getattr(settings, _SETTINGS[kind]))
    if limit <= 0:
        return None
    now = clock() if now is None else now
    start = int(now) - int(now) % WINDOW_SECONDS
    key = f"read-limit:{kind}:{user_id}:{start}"
    try:
        count = counters.count(key, WINDOW_SECONDS + 60)
    except CACHE_ERRORS as exc:
        log_skipped("cache", "the per-agent read limits", exc)  # reads go on without the cache
        return None
    if count <= limit:
        return None
    return ReadLimited(kind=kind, limit=limit, resets_at=datetime.fromtimestamp(start + WINDOW_SECONDS, UTC))


def limited_response(request: HttpRequest, refusal: ReadLimited) -> HttpResponse:
    """429 with the time the agent may read again; a fragment for htmx's live search."""
    htmx = bool(getattr(request, "htmx", False))
    template = "partials/_read_limited.html" if htmx else "customers/read_limited.html"
    context = {"refusal": refusal, "resets_at": refusal.resets_at, "retry_after": refusal.retry_after()}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refusal.retry_after())
    return response


def read_limited(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: count the signed-in user's read of `kind`, answering 429 past the limit.

    Goes below the access decorators, so only permitted readers are counted.
    """
    if kind not in _SETTINGS:
        raise ValueError(f"unknown read kind {kind!r}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if kind == "search" and not request.GET.get("q", "").strip():
                return view(request, *args, **kwargs)  # the empty search page asks Paddle nothing
            refusal = count_read(request.user.pk, kind)
            if refusal is not None:
                return limited_response(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

"""The console's own services (the cache, the database): what counts as one being down, and
a log of features skipped while it is, at most once a minute per process.

The policy (README, "When our own services fail"): reads go on without the cache (the Paddle
budget is skipped, and logged here, not per request); link creation fails closed with
`DependencyDown`; without the database every page answers 503 (`DatabaseUnavailableMiddleware`
and `handler500` in views/unavailable.py).
"""

import logging
import threading
import time

import redis.exceptions
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# What the cache backends raise when their server is down, refusing or too slow (redis-py's
# ConnectionError and TimeoutError derive from RedisError, not from the built-ins).
CACHE_ERRORS: tuple[type[Exception], ...] = (redis.exceptions.RedisError, ConnectionError, TimeoutError)
# What Django raises when the database cannot be reached, drops the connection, or cancels a
# statement past `statement_timeout` (psycopg's QueryCanceled maps to OperationalError).
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

SKIP_LOG_SECONDS = 60.0
_last_logged: dict[str, float] = {}
_last_skipped: dict[str, float] = {}  # every skip, logged or not
_lock = threading.Lock()


def log_skipped(service: str, feature: str, exc: BaseException) -> None:
    """Warn that `feature` went on without `service`, at most once a minute per process and feature."""
    now = time.monotonic()
    key = f"{service}:{feature}"
    with _lock:
        _last_skipped[key] = now
        last = _last_logged.get(key)
        if last is not None and now - last < SKIP_LOG_SECONDS:
            return
        _last_logged[key] = now
    # The exception's class only: a cache error's text may name a host, never a secret, but a
    # traceback per minute adds nothing to "Redis is down".
    logger.warning(
        "%s unavailable (%s): %s skipped; logged at most once a minute",
        service,
        type(exc).__name__,
        feature,
    )


def skipped_within(service: str, feature: str, seconds: float) -> bool:
    """Whether this process went on without `service` for `feature` in the last `seconds`."""
    with _lock:
        last = _last_skipped.get(f"{service}:{feature}")
    return last is not None and time.monotonic() - last < seconds


def forget_skips() -> None:
    """Forget what was logged (tests), so the next skip of each feature is logged again."""
    with _lock:
        _last_logged.clear()
        _last_skipped.clear()

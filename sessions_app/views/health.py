"""`/healthz`: can this process reach its database, its cache and Paddle, and is the Paddle key accepted?

Each is reported on its own; all three are required (without the cache no link can be counted,
so none is created), so any one down answers 503. Never a 500: every check catches its failure.

Anyone (a load balancer, over plain HTTP) gets the verdict only. The details (the key's
validity, latencies, Paddle's request ids) need HEALTHZ_TOKEN in the X-Healthz-Token header or a
signed-in manager.
"""

import hmac
import logging
import re
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..dependencies import CACHE_ERRORS
from ..paddle.config import get_probe_client
from ..paddle.errors import PaddleAuthError, PaddleError, PaddleRateLimited
from ..permissions import has_role_permission
from ..roles import VIEW_KILL_SWITCH

logger = logging.getLogger(__name__)

# A load balancer polls every few seconds from every node: one Paddle probe per this many
# seconds for all processes together, so health checks cannot eat the Paddle budget.
PADDLE_RESULT_SECONDS = 10
PADDLE_CACHE_KEY = "healthz:paddle"
CACHE_PROBE_KEY = "healthz:cache:"
CACHE_PROBE_SECONDS = 10
_CODE_RE = re.compile(r"^[a-z0-9_]{1,64}$")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and Paddle all answer and the key is accepted, else 503."""
    database = check_database()
    cache_check = check_cache()
    paddle = cached_paddle_check(cache_up=cache_check["ok"])
    ok = database["ok"] and cache_check["ok"] and paddle["ok"]
    if not ok:
        logger.warning(
            "Health check failing: database ok=%s, cache ok=%s, paddle error=%s",
            database["ok"],
            cache_check["ok"],
            paddle["error"],
        )
    body: dict[str, Any] = {"status": "ok" if ok else "fail"}
    if may_see_details(request):
        body.update(database=database, cache=cache_check, paddle=paddle)
    return JsonResponse(body, status=200 if ok else 503)


def may_see_details(request: HttpRequest) -> bool:
    """The right X-Healthz-Token (compared in constant time), or a signed-in manager."""
    expected = settings.HEALTHZ_TOKEN
    given = request.META.get("HTTP_X_HEALTHZ_TOKEN", "")
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    return has_role_permission(request.user, VIEW_KILL_SWITCH)


def check_database() -> dict[str, Any]:
    """A trivial query on the default database."""
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: database query failed", exc_info=True)
        return {"ok": False, "ms": _ms_since(started)}
    return {"ok": True, "ms": _ms_since(started)}


def check_cache() -> dict[str, Any]:
    """A write and a read back of a key of this probe's own (a Redis that answers reads only is down)."""
    started = time.monotonic()
    key, value = CACHE_PROBE_KEY + uuid.uuid4().hex, uuid.uuid4().hex
    try:
        cache.set(key, value, CACHE_PROBE_SECONDS)
        ok = cache.get(key) == value
        cache.delete(key)
    except CACHE_ERRORS as exc:
        logger.warning("Health check: cache unavailable (%s)", type(exc).__name__)
        ok = False
    return {"ok": ok, "ms": _ms_since(started)}


def cached_paddle_check(*, cache_up: bool) -> dict[str, Any]:
    """Paddle's result as cached across processes; probed afresh (not cached) while the cache is down."""
    if not cache_up:
        return check_paddle()
    try:
        paddle: dict[str, Any] | None = cache.get(PADDLE_CACHE_KEY)
        if paddle is None:
            paddle = check_paddle()
            cache.set(PADDLE_CACHE_KEY, paddle, PADDLE_RESULT_SECONDS)
    except CACHE_ERRORS:  # went down since check_cache
        paddle = check_paddle()
    return paddle


def check_paddle() -> dict[str, Any]:
    """One cheap authenticated Paddle call; a 403 means Paddle answered but refused our key.

    Busy is not down: a 429 (or our own budget running out) keeps `ok`, since failing it would
    pull every node out of the load balancer at once while Paddle is merely rate-limiting us.
    """
    started = time.monotonic()
    key_valid: bool | None = None
    request_id: str | None = None
    error: str | None = None
    busy = False
    try:
        request_id = get_probe_client().check_key() or None
        key_valid = True
    except PaddleAuthError as exc:
        key_valid, error, request_id = False, _code(exc), exc.request_id or None
    except PaddleError as exc:
        error, request_id = _code(exc), exc.request_id or None
        busy = isinstance(exc, PaddleRateLimited)
    return {
        "ok": error is None or busy,
        "key_valid": key_valid,
        "ms": _ms_since(started),
        "request_id": request_id,
        "error": error,
    }


def _code(exc: PaddleError) -> str:
    """Only a code name leaves the process: never Paddle's detail text."""
    return exc.code if _CODE_RE.match(exc.code or "") else "error"


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)

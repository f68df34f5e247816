"""`/healthz`: can this process reach its database and Paddle, and is the Paddle key accepted?

Anyone (a load balancer, over plain HTTP) gets the verdict only. The details (the key's
validity, latencies, Paddle's request ids) need HEALTHZ_TOKEN in the X-Healthz-Token header or a
signed-in manager.
"""

import hmac
import logging
import re
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..paddle import budget
from ..paddle.client import PaddleClient
from ..paddle.config import BASE_URLS
from ..paddle.errors import PaddleAuthError, PaddleError, PaddleRateLimited
from ..permissions import has_role_permission
from ..roles import VIEW_LINK_SWITCH

logger = logging.getLogger(__name__)

# A load balancer polls every few seconds from every node: one Paddle probe per this many
# seconds for all processes together, so health checks cannot eat the Paddle budget.
PADDLE_RESULT_SECONDS = 10
PADDLE_CACHE_KEY = "healthz:paddle"
# Short enough that a hung Paddle cannot hold a worker thread past a balancer's own timeout.
PROBE_TIMEOUT = 2.0
PROBE_DEADLINE = 3.0
_CODE_RE = re.compile(r"^[a-z0-9_]{1,64}$")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and Paddle both answer and the key is accepted, else 503."""
    database = check_database()
    paddle = cache.get(PADDLE_CACHE_KEY)
    if paddle is None:
        paddle = check_paddle()
        cache.set(PADDLE_CACHE_KEY, paddle, PADDLE_RESULT_SECONDS)
    ok = database["ok"] and paddle["ok"]
    if not ok:
        logger.warning(
            "Health check failing: database ok=%s, paddle error=%s", database["ok"], paddle["error"]
        )
    body: dict[str, Any] = {"status": "ok" if ok else "fail"}
    if may_see_details(request):
        body.update(database=database, paddle=paddle)
    return JsonResponse(body, status=200 if ok else 503)


def may_see_details(request: HttpRequest) -> bool:
    """The right X-Healthz-Token (compared in constant time), or a signed-in manager."""
    expected = settings.HEALTHZ_TOKEN
    given = request.META.get("HTTP_X_HEALTHZ_TOKEN", "")
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    return has_role_permission(request.user, VIEW_LINK_SWITCH)


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
        request_id = _probe_client(settings.PADDLE_API_KEY, _base_url()).check_key() or None
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


def _base_url() -> str:
    return settings.PADDLE_API_BASE_URL or BASE_URLS[settings.PADDLE_ENVIRONMENT]


@lru_cache(maxsize=4)
def _probe_client(api_key: str, base_url: str) -> PaddleClient:
    """The app's client settings, with short timeouts and without waiting on Retry-After."""
    return PaddleClient(
        api_key=api_key,
        base_url=base_url,
        connect_timeout=PROBE_TIMEOUT,
        read_timeout=PROBE_TIMEOUT,
        deadline=PROBE_DEADLINE,
        max_retry_after=0,
        throttle=budget.take,
    )


def _code(exc: PaddleError) -> str:
    """Only a code name leaves the process: never Paddle's detail text."""
    return exc.code if _CODE_RE.match(exc.code or "") else "error"


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)

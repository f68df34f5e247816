"""A per-IP throttle on anonymous sign-in POSTs, in the shared cache, answered with HTTP 429.

It runs before authentication (and so before axes and the audit log): whatever a client sends,
it reaches the password check, and the audit log, at most SIGN_IN_POSTS_PER_MINUTE times a minute.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .. import counters
from ..client_ip import client_ip
from ..dependencies import CACHE_ERRORS, log_skipped
from .signals import keyed_hash

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def allow_sign_in_post(request: HttpRequest) -> int:
    """0 if this address may post the sign-in form now; otherwise the seconds until it may."""
    limit = settings.SIGN_IN_POSTS_PER_MINUTE
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    ip = client_ip(request) or "-"
    key = f"signin-throttle:{keyed_hash(ip)[:32]}:{window}"
    try:
        count = counters.count(key, WINDOW_SECONDS * 2)
    except CACHE_ERRORS as exc:
        # Sign-in goes on without the cache (its lockout is in the database); README's policy.
        log_skipped("cache", "the sign-in throttle", exc)
        return 0
    if count <= limit:
        return 0
    if count == limit + 1:
        logger.warning("sign-in throttled for one address until the next minute (%s posts)", limit)
    return max(int((window + 1) * WINDOW_SECONDS - now) + 1, 1)


class SignInThrottleMiddleware:
    """Refuse an anonymous sign-in POST beyond the per-IP rate with 429 and Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.login_path = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            self.login_path = self.login_path or reverse("login")
            if request.path == self.login_path:
                wait = allow_sign_in_post(request)
                if wait:
                    response = render(request, "registration/throttled.html", {"seconds": wait}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
        return self.get_response(request)

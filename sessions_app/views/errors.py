"""Error pages for Paddle failures: a clear message, Paddle's request id, never a 500."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..paddle.errors import PaddleAuthError, PaddleError, PaddleNotFound, PaddleRateLimited, PaddleRejected

# The client's codes for "Paddle did not answer in time" (ours) and Paddle's own 504.
_TIMEOUT_CODES = frozenset({"timeout", "deadline_exceeded", "gateway_timeout"})


def paddle_error_response(request: HttpRequest, exc: PaddleError, *, fragment: bool = False) -> HttpResponse:
    """The page (or, for htmx, the fragment) explaining a failed Paddle call."""
    retry_after: int | None = None
    if isinstance(exc, PaddleNotFound):
        status, title = 404, "Not found in Paddle"
        message = "Paddle does not know this customer or subscription."
    elif isinstance(exc, PaddleRateLimited):
        retry_after = max(1, math.ceil(exc.retry_after or 1))
        status, title = 503, "Paddle is busy"
        message = f"Too many requests to Paddle right now: try again in {retry_after} s."
    elif isinstance(exc, PaddleAuthError):
        status, title = 502, "Paddle refused the console's key"
        message = "The console's Paddle key was refused. Nothing was changed; tell an administrator."
    elif isinstance(exc, PaddleRejected):
        status, title = 502, "Paddle refused the request"
        message = f"Paddle refused the request: {exc.detail}"
    elif exc.code in _TIMEOUT_CODES:
        status, title = 504, "Paddle did not answer in time"
        message = "Paddle did not answer in time. Try again in a moment."
    else:
        status, title = 502, "Paddle is unavailable"
        message = "Paddle could not be reached or answered badly. Try again in a moment."
    if fragment:
        template = "partials/_paddle_error.html"
    else:
        template = "404.html" if isinstance(exc, PaddleNotFound) else "paddle_error.html"
    context = {"title": title, "message": message, "error": exc, "status": status}
    response = render(request, template, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response

"""Error pages for Paddle failures: a clear message, Paddle's code and request id, never a 500."""

import math
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..paddle.errors import PaddleAuthError, PaddleError, PaddleNotFound, PaddleRateLimited, PaddleRejected


@dataclass(frozen=True)
class PaddleProblem:
    """A failed Paddle call in plain words: a title, what happened and what to do, then the details.

    `code` and `request_id` are what support (or Paddle) needs to trace it; they go in a details
    line, never in the headline. The same words serve the full page, the htmx fragment and the
    confirm page's banner (views/portal.py), so they cannot drift apart.
    """

    status: int
    title: str
    message: str
    code: str
    request_id: str
    retry_after: int | None = None


def describe(exc: PaddleError) -> PaddleProblem:
    """What to tell the agent about `exc`."""
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
    elif exc.timed_out:
        status, title = 504, "Paddle did not answer in time"
        message = "Paddle did not answer in time. Try again in a moment."
    else:
        status, title = 502, "Paddle is unavailable"
        message = "Paddle could not be reached or answered badly. Try again in a moment."
    return PaddleProblem(
        status=status,
        title=title,
        message=message,
        code=exc.error_code,
        request_id=exc.request_id,
        retry_after=retry_after,
    )


def paddle_error_response(request: HttpRequest, exc: PaddleError, *, fragment: bool = False) -> HttpResponse:
    """The page (or, for htmx, the fragment) explaining a failed Paddle call."""
    problem = describe(exc)
    if fragment:
        template = "partials/_paddle_error.html"
    else:
        template = "404.html" if isinstance(exc, PaddleNotFound) else "paddle_error.html"
    context = {
        "problem": problem,
        "title": problem.title,
        "message": problem.message,
        "error": exc,
        # The fragment has no heading of its own, so it names the problem; the page's h1 does.
        "show_title": fragment,
    }
    response = render(request, template, context, status=problem.status)
    if problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    return response

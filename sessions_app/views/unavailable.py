"""When the database is down or restarting: a plain 503 page on every route, never a 500.

`DatabaseUnavailableMiddleware` catches a database error raised by a view; `server_error`
(handler500) recognizes one raised anywhere else (the session store, the login lockout) and
answers the same 503. The page is rendered without a request, so it needs no session, user or
database to render.
"""

import logging
import sys

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from ..dependencies import DATABASE_ERRORS
from ..middleware import GetResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def database_unavailable_response() -> HttpResponse:
    """503 with a plain page that names the database and says to retry."""
    response = HttpResponse(render_to_string("503_database.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_error(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, is the database being unreachable."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503, logged as a warning without a traceback."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_error(exception):
            return None
        logger.warning("Database unavailable (%s): answered 503", type(exception).__name__)
        return database_unavailable_response()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database error anywhere becomes the 503 page; anything else the plain 500 page."""
    if is_database_error(sys.exc_info()[1]):
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)

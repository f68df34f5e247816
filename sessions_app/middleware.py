"""Per-request context for logs: a request id, the user and the path (never the query string)."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal_admin.logging import path_var, request_id_var, user_var


class RequestIdMiddleware:
    """Tags every log line of a request with a request id, echoed as `X-Request-Id`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        tokens = (request_id_var.set(request_id), path_var.set(request.path), user_var.set("-"))
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_var.set(user.get_username())
            response["X-Request-Id"] = request_id
            return response
        finally:
            request_id_var.reset(tokens[0])
            path_var.reset(tokens[1])
            user_var.reset(tokens[2])

"""Per-request context for logs: a request id, the user and the path (never the query string)."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal_admin.logging import path_var, request_id_var, user_var

GetResponse = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Tags every log line of a request with a request id, echoed as `X-Request-Id`."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        id_token, path_token = request_id_var.set(request_id), path_var.set(request.path)
        try:
            response = self.get_response(request)
            response["X-Request-Id"] = request_id
            return response
        finally:
            request_id_var.reset(id_token)
            path_var.reset(path_token)


class RequestUserMiddleware:
    """Names the signed-in user on log lines; sits right after AuthenticationMiddleware."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        token = user_var.set(user.get_username() if user.is_authenticated else "-")
        try:
            return self.get_response(request)
        finally:
            user_var.reset(token)

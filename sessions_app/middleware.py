"""Per-request context for logs (a request id, the user and the path, never the query string), and
forwarded headers believed only from trusted proxies."""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from portal_admin.logging import path_var, request_id_var, user_var

from .client_ip import peer_is_trusted_proxy

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


# Headers only a proxy of ours may set: the scheme (SECURE_PROXY_SSL_HEADER) and the forwarded
# addresses. gunicorn believes them only from TRUSTED_PROXIES (forwarded_allow_ips) but still
# passes them on to the app, so the app drops them itself.
_FORWARDED_META = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
)


class UntrustedForwardedHeadersMiddleware:
    """Removes X-Forwarded-* (and the client-IP header) from requests not sent by TRUSTED_PROXIES."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not peer_is_trusted_proxy(request):
            for name in (*_FORWARDED_META, settings.TRUSTED_PROXY_IP_HEADER):
                if name:
                    request.META.pop(name, None)
        return self.get_response(request)

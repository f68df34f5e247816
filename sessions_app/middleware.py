"""Per-request context for logs (a request id, the user and the path, never the query string),
forwarded headers believed only from trusted proxies, and htmx's way to sign in again."""

import uuid
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

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


class HtmxSignInRedirectMiddleware:
    """An htmx request whose session has expired gets `HX-Redirect` to sign in, not a swapped-in page.

    `login_required` answers a redirect to the sign-in page; htmx would follow it and swap the
    whole sign-in page into a fragment. The browser goes to the sign-in page instead, with the
    page the person was on (htmx's `HX-Current-URL`) as `next`.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login_path or request.user.is_authenticated:
            return response
        current = urlsplit(request.htmx.current_url or "")  # type: ignore[attr-defined]
        if current.netloc not in ("", request.get_host()):
            current = urlsplit(request.get_full_path())
        next_path = current.path + (f"?{current.query}" if current.query else "")
        redirect = HttpResponseClientRedirect(f"{login_path}?{urlencode({'next': next_path})}")
        patch_vary_headers(redirect, ["HX-Request"])
        return redirect

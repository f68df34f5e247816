"""The emailed link's page, `/r/<token>/`: the one route reachable without signing in.

GET shows one button and changes nothing (mail scanners follow links); POST asks the link
service to redeem the token and shows the customer their links once. Every failure a customer
could probe (used, expired, unknown, malformed) is the same page with the same status.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from csp.decorators import csp
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..context import context_of
from ..links import delivery, handover, service
from ..links.refusals import LinkNoLongerWorks, LinkRefusal, RedemptionRateLimited
from ..paddle.errors import PaddleError

# No script, no frame, no other origin: the page is one form and, after it, a list of links.
STRICT_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}


def _strict(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return cast(Callable[..., HttpResponse], csp(STRICT_CSP)(wrapped))


@require_http_methods(["GET", "HEAD", "POST"])
@_strict
@never_cache
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the button (nothing changes). POST: the links, created once for this token."""
    if request.method == "POST":
        # The links page's headers on the answer to the POST only: under no-referrer the GET page's
        # form would post `Origin: null`, which the CSRF check refuses (see portal_link_headers).
        response = _redeem(request, token)
        response["Pragma"] = "no-cache"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if not delivery.redemption_allowed(context_of(request).client_ip):
        return _refused(request, RedemptionRateLimited())
    if delivery.usable(token) is None:
        return _refused(request, LinkNoLongerWorks())
    return render(request, "redeem/open.html", {"company": settings.COMPANY_NAME})


def _redeem(request: HttpRequest, token: str) -> HttpResponse:
    try:
        issued = service.redeem(context=context_of(request), token=token)
    except LinkRefusal as refusal:
        return _refused(request, refusal)
    except PaddleError:
        return _refused(request, None)
    context = {
        "company": settings.COMPANY_NAME,
        "issued": issued,
        "overview": handover.overview_action(issued.session),
        "groups": handover.link_groups(issued),
    }
    return render(request, "redeem/links.html", context)


def _refused(request: HttpRequest, refusal: LinkRefusal | None) -> HttpResponse:
    """The customer learns only: no longer works, try later, or ask support; never which rule said no."""
    response = _refusal_page(request, refusal)
    # Django logs every 4xx with its path ("Gone: /r/<token>/"); the path is the credential.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _refusal_page(request: HttpRequest, refusal: LinkRefusal | None) -> HttpResponse:
    if isinstance(refusal, RedemptionRateLimited):
        context = {"company": settings.COMPANY_NAME, "message": refusal.message}
        response = render(request, "redeem/refused.html", context, status=429)
        response["Retry-After"] = "60"
        return response
    if refusal is None or not isinstance(refusal, LinkNoLongerWorks):
        message = "We could not open your billing portal just now. Please try again later or ask support."
        return render(
            request, "redeem/refused.html", {"company": settings.COMPANY_NAME, "message": message}, status=503
        )
    context = {"company": settings.COMPANY_NAME, "message": refusal.message}
    return render(request, "redeem/refused.html", context, status=LinkNoLongerWorks.status)

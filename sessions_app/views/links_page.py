"""The one-time links page: the links grouped as the agent ticked them, and the reply to paste.

Shared by creating links directly and by completing an approval. The page holds the links and
the composed message (which holds them too): `no-store`, `no-referrer`, and nothing else keeps them.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from ..links import handover, reply
from ..links.service import IssuedLinks
from .request_types import ConsoleRequest


def links_page(request: ConsoleRequest, issued: IssuedLinks) -> HttpResponse:
    """Render the links once, never cached and never sent on as a Referer."""
    groups = handover.link_groups(issued)
    overview = handover.overview_action(issued.session)
    user = request.user
    message = reply.compose(
        reply.current().text,
        customer_name=issued.customer.name,
        agent_name=user.first_name or user.get_username(),
        overview=overview,
        groups=groups,
    )
    context = {
        "issued": issued,
        "customer": issued.customer,
        "overview": overview,
        "groups": groups,
        "message": message,
        "visible_seconds": settings.PORTAL_LINKS_VISIBLE_SECONDS,
    }
    response = render(request, "portal/links.html", context)
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response

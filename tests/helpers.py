"""Steps of the agent's journey shared by test packages: confirm, create, read the links page."""

import re
from collections.abc import Sequence

from django.test import Client

from sessions_app.paddle.emulator import Emulator, RecordedRequest

TOKEN_RE = re.compile(r'name="confirmation_token" value="([^"]+)"')
PORTAL_LINK_RE = re.compile(r'href="(https?://[^"]*/portal/[^"]*)"')


def paddle_posts(emulator: Emulator) -> list[RecordedRequest]:
    return [r for r in emulator.requests if r.method == "POST"]


def confirm(client: Client, customer_id: str, subscription_ids: Sequence[str]) -> str:
    """Post the customer page's ticks to the confirm page; the one-time token it hands out."""
    response = client.post(
        f"/customers/{customer_id}/portal-session/confirm/", {"subscription_ids": list(subscription_ids)}
    )
    assert response.status_code == 200, response.content
    match = TOKEN_RE.search(response.content.decode())
    assert match is not None
    return match.group(1)


def create(
    client: Client,
    customer_id: str,
    subscription_ids: Sequence[str],
    *,
    token: str,
    reason: str = "TICKET-42",
) -> object:
    return client.post(
        f"/customers/{customer_id}/portal-session/",
        {"subscription_ids": list(subscription_ids), "reason": reason, "confirmation_token": token},
    )


def portal_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in PORTAL_LINK_RE.findall(html)]

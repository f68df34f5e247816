"""Portal links and the small page that plays Paddle's customer portal for them.

Tokens are random, remembered in memory with their expiry, and checked when the page is
opened, so a demo click works and an old link shows "expired".
"""

import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from html import escape
from typing import cast
from urllib.parse import urlencode

from .envelopes import Response
from .ids import fresh_id, now_timestamp

SUBSCRIPTION_ACTIONS = {
    "cancel_subscription": "Cancel subscription",
    "update_subscription_payment_method": "Update payment method for subscription",
    "view_subscription": "Subscription",
}
_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
]


class TokenStore:
    """`pga_` tokens and the customer each one signs in, until it expires."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, customer_id: str) -> str:
        token = "pga_" + secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            if len(self._tokens) > 10_000:  # keeps memory flat under benchmarks
                self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (customer_id, now + self.ttl_seconds)
        return token

    def customer_for(self, token: str) -> str | None:
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]


def link(
    base_url: str, portal_id: str, action: str, token: str | None, subscription_id: str | None = None
) -> str:
    params = [("action", action)]
    if subscription_id:
        params.append(("subscription_id", subscription_id))
    if token:
        params.append(("token", token))
    return f"{base_url}/portal/{portal_id}?{urlencode(params)}"


def session_data(
    base_url: str, portal_id: str, customer_id: str, subscription_ids: Sequence[str], token: str
) -> dict[str, object]:
    """The `data` of a created portal session, shaped like Paddle's 201 body."""
    return {
        "id": fresh_id("cpls"),
        "customer_id": customer_id,
        "urls": {
            "general": {"overview": link(base_url, portal_id, "overview", token)},
            "subscriptions": [
                {
                    "id": sid,
                    **{
                        action: link(base_url, portal_id, action, token, sid)
                        for action in SUBSCRIPTION_ACTIONS
                    },
                }
                for sid in subscription_ids
            ],
        },
        "created_at": now_timestamp(),
    }


def management_urls(
    base_url: str, portal_id: str, subscription: Mapping[str, object], token: str | None
) -> dict[str, object]:
    """A subscription's `management_urls`: token-bearing when the key may write portal sessions."""
    sid = str(subscription["id"])
    manual = subscription["collection_mode"] == "manual"
    return {
        "update_payment_method": None
        if manual
        else link(base_url, portal_id, "update_subscription_payment_method", token, sid),
        "cancel": link(base_url, portal_id, "cancel_subscription", token, sid),
        "view_subscription": link(base_url, portal_id, "view_subscription", token, sid),
    }


def _page(status: int, title: str, body: str) -> Response:
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{escape(title)} · Customer portal (emulated)</title>"
        "<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"
        ".note{background:#fff7d6;padding:.5rem 1rem}</style>"
        "<p><small>Paddle customer portal · local emulator</small></p>"
        f"<h1>{escape(title)}</h1>{body}</html>"
    )
    return Response(status, list(_PAGE_HEADERS), html.encode())


def expired_page() -> Response:
    return _page(403, "This link has expired", "<p>Ask the support team for a new link.</p>")


def portal_page(
    *,
    customer: Mapping[str, object],
    subscriptions: Sequence[Mapping[str, object]],
    action: str,
    subscription_id: str,
) -> Response:
    """The page a portal link opens, for a customer whose token was valid."""
    who = escape(str(customer["name"] or customer["email"]))
    signed_in = f"<p>Signed in as <strong class=customer>{who}</strong></p>"
    owned = {str(s["id"]): s for s in subscriptions}
    if action == "overview":
        return _overview(signed_in, subscriptions, note="")
    if action not in SUBSCRIPTION_ACTIONS or subscription_id not in owned:
        return _page(400, "This link is not valid", signed_in + "<p>Unknown action or subscription.</p>")
    subscription = owned[subscription_id]
    status = subscription["status"]
    if status in ("paused", "canceled"):
        # Paddle opens the overview for paused and canceled subscriptions.
        return _overview(signed_in, subscriptions, note=f"Subscription {subscription_id} is {status}.")
    if action == "update_subscription_payment_method" and subscription["collection_mode"] == "manual":
        return _overview(signed_in, subscriptions, note=f"Subscription {subscription_id} is paid by invoice.")
    return _page(
        200,
        f"{SUBSCRIPTION_ACTIONS[action]} {subscription_id}",
        signed_in
        + f"<p data-action={action}>{escape(SUBSCRIPTION_ACTIONS[action])} "
        + f"<code>{subscription_id}</code> ({escape(_products(subscription))}, {status}).</p>"
        + "<p><button disabled>Confirm</button> (the emulator changes nothing)</p>",
    )


def _products(subscription: Mapping[str, object]) -> str:
    items = cast(Sequence[Mapping[str, Mapping[str, object]]], subscription["items"])
    return ", ".join(str(i["product"]["name"]) for i in items)


def _overview(signed_in: str, subscriptions: Sequence[Mapping[str, object]], *, note: str) -> Response:
    rows = "".join(
        f"<li><code>{s['id']}</code> {escape(_products(s))}: {s['status']}</li>" for s in subscriptions
    )
    note_html = f"<p class=note>{escape(note)} This link opens the overview.</p>" if note else ""
    return _page(
        200,
        "Overview",
        signed_in + note_html + f"<p data-action=overview>Your subscriptions:</p><ul>{rows}</ul>",
    )

"""The page portal links open: it plays Paddle's customer portal, so a demo click works."""

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from paddle_emulator import Emulator
from tests.support.paddle import Api


def links_for(api: Api, example: str, statuses: tuple[str, ...] = ()) -> dict[str, Any]:
    customer = api.emulator.examples()[example]
    ids = [s["id"] for s in api.emulator.subscriptions_of(customer) if s["status"] in statuses]
    response = api.post(f"/customers/{customer}/portal-sessions", json={"subscription_ids": ids})
    assert response.status_code == 201
    urls: dict[str, Any] = response.json()["data"]["urls"]
    return urls


def open_link(url: str) -> requests.Response:
    """As the customer's browser would: no API key."""
    return requests.get(url, timeout=5)


def test_the_overview_link_shows_the_customer_and_their_subscriptions(api: Api, emulator: Emulator) -> None:
    page = open_link(links_for(api, "all_statuses")["general"]["overview"])
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Avery Quinn" in page.text
    assert "data-action=overview" in page.text
    for subscription in emulator.subscriptions_of(emulator.examples()["all_statuses"]):
        assert subscription["id"] in page.text


def test_the_page_is_never_cached_nor_leaks_its_url_as_referrer(api: Api) -> None:
    page = open_link(links_for(api, "no_subscriptions")["general"]["overview"])
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("action", "heading"),
    [
        ("cancel_subscription", "Cancel subscription"),
        ("update_subscription_payment_method", "Update payment method for subscription"),
        ("view_subscription", "Subscription"),
    ],
)
def test_a_subscription_link_opens_its_action(api: Api, action: str, heading: str) -> None:
    links = links_for(api, "all_statuses", ("trialing",))["subscriptions"][0]
    page = open_link(links[action])
    assert page.status_code == 200
    assert f"<h1>{heading} {links['id']}</h1>" in page.text
    assert f"data-action={action}" in page.text


@pytest.mark.parametrize("status", ["paused", "canceled"])
def test_links_of_paused_or_canceled_subscriptions_open_the_overview(api: Api, status: str) -> None:
    links = links_for(api, "all_statuses", (status,))["subscriptions"][0]
    page = open_link(links["cancel_subscription"])
    assert page.status_code == 200
    assert "data-action=overview" in page.text
    assert f"Subscription {links['id']} is {status}." in page.text


def test_the_payment_method_link_of_an_invoiced_subscription_opens_the_overview(api: Api) -> None:
    links = links_for(api, "manual_collection", ("active",))["subscriptions"][0]
    page = open_link(links["update_subscription_payment_method"])
    assert "data-action=overview" in page.text
    assert "data-action=cancel_subscription" in open_link(links["cancel_subscription"]).text


def test_the_customer_name_is_escaped(api: Api) -> None:
    page = open_link(links_for(api, "html_name")["general"]["overview"])
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Mallory" in page.text


def test_non_ascii_names_survive(api: Api) -> None:
    assert "山田 太郎" in open_link(links_for(api, "cjk_name")["general"]["overview"]).text
    assert "Zoë Łukasiewicz" in open_link(links_for(api, "non_ascii")["general"]["overview"]).text


def test_a_customer_without_a_name_is_shown_by_email(api: Api, emulator: Emulator) -> None:
    email = emulator.customer(emulator.examples()["null_name"])["email"]
    assert email in open_link(links_for(api, "null_name")["general"]["overview"]).text


def replace_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return parts._replace(query="&".join(f"{k}={v}" for k, v in query.items())).geturl()


@pytest.mark.parametrize(
    "changes",
    [{"action": "delete_everything"}, {"subscription_id": "sub_" + "0" * 26}, {"action": "overview_please"}],
)
def test_a_wrong_action_or_subscription_is_not_valid(api: Api, changes: dict[str, str]) -> None:
    url = links_for(api, "all_statuses", ("active",))["subscriptions"][0]["cancel_subscription"]
    page = open_link(replace_query(url, **changes))
    assert page.status_code == 400
    assert "This link is not valid" in page.text


def test_another_customers_subscription_is_not_valid_with_this_token(api: Api, emulator: Emulator) -> None:
    url = links_for(api, "all_statuses", ("active",))["subscriptions"][0]["cancel_subscription"]
    foreign = emulator.subscriptions_of(emulator.examples()["html_name"])[0]["id"]
    assert open_link(replace_query(url, subscription_id=foreign)).status_code == 400


@pytest.mark.parametrize("token", ["pga_forged", ""])
def test_an_unknown_token_shows_the_expired_page(api: Api, token: str) -> None:
    page = open_link(replace_query(links_for(api, "all_statuses")["general"]["overview"], token=token))
    assert page.status_code == 403
    assert "This link has expired" in page.text
    assert "Avery" not in page.text


def test_a_token_only_opens_its_own_customers_portal(api: Api, emulator: Emulator) -> None:
    mine = links_for(api, "all_statuses")["general"]["overview"]
    theirs = links_for(api, "html_name")["general"]["overview"]
    token = parse_qs(urlsplit(mine).query)["token"][0]
    assert open_link(replace_query(theirs, token=token)).status_code == 403


def test_links_expire_after_the_token_ttl(make_api: Any) -> None:
    short = make_api(token_ttl_seconds=0.2)
    overview = links_for(short, "all_statuses")["general"]["overview"]
    assert open_link(overview).status_code == 200
    time.sleep(0.25)
    page = open_link(overview)
    assert page.status_code == 403
    assert "This link has expired" in page.text


def test_subscription_management_urls_carry_working_tokens(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["all_statuses"]
    subscriptions = api.get("/subscriptions", params={"customer_id": customer, "status": "active"}).json()[
        "data"
    ]
    automatic = next(s for s in subscriptions if s["collection_mode"] == "automatic")
    urls = automatic["management_urls"]
    assert "token=pga_" in urls["cancel"]
    assert open_link(urls["cancel"]).status_code == 200
    assert "data-action=update_subscription_payment_method" in open_link(urls["update_payment_method"]).text
    manual = next(s for s in subscriptions if s["collection_mode"] == "manual")
    assert manual["management_urls"]["update_payment_method"] is None


def test_without_portal_permission_management_urls_carry_no_token(make_api: Any) -> None:
    reader = make_api(permissions=frozenset({"customer.read", "subscription.read"}))
    subscription = reader.get("/subscriptions", params={"per_page": 1}).json()["data"][0]
    assert "token=" not in subscription["management_urls"]["cancel"]
    assert open_link(subscription["management_urls"]["cancel"]).status_code == 403


def test_the_portal_page_needs_no_api_key_and_is_not_rate_limited(make_api: Any) -> None:
    tight = make_api(rate_limit_per_minute=2)
    overview = links_for(tight, "no_subscriptions")["general"]["overview"]
    assert all(open_link(overview).status_code == 200 for _ in range(5))
    assert tight.emulator.requests[-1].path.endswith("/portal-sessions")

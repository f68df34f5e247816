"""The one-time links page as a hand-over: groups in the agent's order, labelled so they can be told
apart, only the links that work for each status, copy buttons named for their link, and the
message for the customer with exactly the page's links."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.links.handover import groups_of
from sessions_app.paddle.types import BillingCycle, Subscription, SubscriptionItem, SubscriptionLinks
from tests.support import links_page
from tests.support.journey import confirm, confirm_page, create, portal_links, token_of

pytestmark = [pytest.mark.django_db]

# What each kind of subscription offers, by the links' visible text.
FULL = ["Update payment method", "Cancel subscription", "View subscription"]
OVERVIEW_ONLY = ["Open the subscription"]
INVOICED = ["Cancel subscription", "View subscription"]


def _links_page(client: Client, customer_id: str, subscription_ids: list[str]) -> str:
    token = confirm(client, customer_id, subscription_ids)
    response = create(client, customer_id, subscription_ids, token=token)
    assert response.status_code == 200, response.content
    return response.content.decode()


def _all(emulator: Emulator, customer_id: str) -> list[dict[str, Any]]:
    return emulator.subscriptions_of(customer_id)


def _expected_amount(subscription: dict[str, Any]) -> str:
    """The recurring total, worked out from Paddle's JSON independently of the app's code."""
    currency = subscription["currency_code"]
    total = sum(
        Decimal(item["price"]["unit_price"]["amount"]) * item["quantity"]
        for item in subscription["items"]
        if item["price"].get("billing_cycle") and item["price"]["unit_price"]["currency_code"] == currency
    )
    amount = f"{total:,.0f}" if currency in ("JPY", "KRW") else f"{total / 100:,.2f}"
    cycle = subscription["billing_cycle"]
    per = cycle["interval"] if cycle["frequency"] == 1 else f"{cycle['frequency']} {cycle['interval']}s"
    return f"{currency} {amount} / {per}"


def test_groups_keep_the_order_of_the_confirm_page(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    ids = [s["id"] for s in _all(emulator, customer_id)][::-1]  # not Paddle's order
    confirm_html = confirm_page(agent_client, customer_id, ids).content.decode()
    shown_on_confirm = sorted(ids, key=confirm_html.index)
    token = token_of(confirm_page(agent_client, customer_id, ids))
    page = create(agent_client, customer_id, ids, token=token).content.decode()
    order_on_links_page = [g.facts.split()[-1] for g in links_page.groups(page)]
    assert order_on_links_page == shown_on_confirm == ids


def test_the_confirm_page_announces_as_many_links_as_the_links_page_offers(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    ids = [s["id"] for s in _all(emulator, customer_id)]  # every status, and one paid by invoice
    page = confirm_page(agent_client, customer_id, ids)
    announced = re.search(r"1 portal session with (\d+) links", page.content.decode())
    assert announced is not None
    created = create(agent_client, customer_id, ids, token=token_of(page)).content.decode()
    assert int(announced.group(1)) == len(portal_links(created)) < 1 + 3 * len(ids)


def test_each_group_is_labelled_by_product_plan_amount_and_status_with_the_id_secondary(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    subscriptions = _all(emulator, customer_id)
    page = _links_page(agent_client, customer_id, [s["id"] for s in subscriptions])
    groups = links_page.groups(page)
    assert len(groups) == len(subscriptions)
    for subscription, group in zip(subscriptions, groups, strict=True):
        first = subscription["items"][0]
        assert group.heading.startswith(first["product"]["name"])
        assert (first["price"].get("name") or first["price"]["description"]) in group.heading
        status = subscription["status"].replace("_", " ")
        assert group.facts == f"{_expected_amount(subscription)} {status} {subscription['id']}"
        assert subscription["id"] not in group.heading  # the id is secondary, not the heading


@pytest.mark.parametrize(
    ("status", "manual", "offered", "note"),
    [
        ("active", False, FULL, ""),
        ("trialing", False, FULL, ""),
        ("past_due", False, FULL, ""),
        (
            "paused",
            False,
            OVERVIEW_ONLY,
            "It is paused: Paddle's cancel and payment-method links open its overview page",
        ),
        (
            "canceled",
            False,
            OVERVIEW_ONLY,
            "It is canceled: Paddle's cancel and payment-method links open its overview page",
        ),
        ("active", True, INVOICED, "Paid by invoice: Paddle's payment-method link opens the overview page"),
    ],
)
def test_only_the_links_that_work_for_the_status_are_offered(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    status: str,
    manual: bool,
    offered: list[str],
    note: str,
) -> None:
    [subscription] = [
        s
        for s in _all(emulator, customer_id)
        if s["status"] == status and (s["collection_mode"] == "manual") == manual
    ]
    page = _links_page(agent_client, customer_id, [subscription["id"]])
    [group] = links_page.groups(page)
    assert [text for text, _ in group.links] == offered
    assert all(f"subscription_id={subscription['id']}" in href for _, href in group.links)
    assert group.note.startswith(note)
    if offered != FULL:
        assert "Cancel subscription" not in group.note
        message = links_page.message(page)
        assert ("Update the payment method" in message) is False
    assert portal_links(page) == [
        links_page.urls_in(links_page.message(page))[0],
        *(h for _, h in group.links),
    ]


def test_every_copy_button_is_named_for_its_link_and_subscription(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    page = _links_page(agent_client, customer_id, [s["id"] for s in _all(emulator, customer_id)])
    labels = links_page.copy_labels(page)
    assert len(labels) == len(set(labels)) == len(portal_links(page))
    for group in links_page.groups(page):
        product = group.heading.split(" · ")[0]
        for (text, _), label in zip(group.links, group.copy_labels, strict=True):
            assert label.startswith(f"Copy link: {text}, {product}")


def _subscription(subscription_id: str, status: str = "active") -> Subscription:
    cycle = BillingCycle("month", 1)
    item = SubscriptionItem("Lighthouse Starter", "Monthly", 1, "3000", "USD", cycle)
    return Subscription(
        subscription_id, "ctm_x", status, "USD", "automatic", cycle, None, None, None, None, None, (item,)
    )


def test_two_subscriptions_of_the_same_product_and_plan_are_told_apart() -> None:
    def links(subscription_id: str) -> SubscriptionLinks:
        return SubscriptionLinks(subscription_id, "https://p/c", "https://p/u", "https://p/v")

    twins = groups_of([(_subscription("sub_a"), links("sub_a")), (_subscription("sub_b"), links("sub_b"))])
    other = groups_of(
        [(_subscription("sub_a"), links("sub_a")), (_subscription("sub_b", "past_due"), links("sub_b"))]
    )
    assert [g.label for g in twins] == [
        "Lighthouse Starter · Monthly (USD 30.00 / month, active) sub_a",
        "Lighthouse Starter · Monthly (USD 30.00 / month, active) sub_b",
    ]
    assert [g.customer_label for g in twins] == [
        "Lighthouse Starter (USD 30.00 / month, active), subscription sub_a",
        "Lighthouse Starter (USD 30.00 / month, active), subscription sub_b",
    ]
    # Told apart by their status already: no id needed.
    assert [g.label for g in other] == [
        "Lighthouse Starter · Monthly (USD 30.00 / month, active)",
        "Lighthouse Starter · Monthly (USD 30.00 / month, past due)",
    ]


def test_the_message_holds_exactly_the_pages_links_each_under_its_subscription(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    subscriptions = _all(emulator, customer_id)
    page = _links_page(agent_client, customer_id, [s["id"] for s in subscriptions])
    message = links_page.message(page)
    assert links_page.urls_in(message) == portal_links(page)
    assert message.startswith("Hi Avery Quinn,\n")
    assert "temporary" in message
    assert "ask us for new ones" in message
    assert "never ask you for your password" in message
    blocks = message.split("\n\n")
    for subscription, group in zip(subscriptions, links_page.groups(page), strict=True):
        [block] = [b for b in blocks if f"subscription_id={subscription['id']}" in b]
        heading = block.splitlines()[0]
        assert heading.startswith(group.heading.split(" · ")[0])
        assert f"{_expected_amount(subscription)}, {subscription['status'].replace('_', ' ')})" in heading
        assert links_page.urls_in(block) == [href for _, href in group.links]


def test_the_message_and_links_of_a_customer_without_subscriptions(
    agent_client: Client, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["no_subscriptions"]
    page = _links_page(agent_client, customer_id, [])
    assert links_page.groups(page) == []
    assert links_page.urls_in(links_page.message(page)) == portal_links(page)
    assert len(portal_links(page)) == 1


def test_a_name_with_markup_comes_out_as_typed_in_the_message(
    agent_client: Client, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["html_name"]
    ids = [s["id"] for s in _all(emulator, customer_id)]
    page = _links_page(agent_client, customer_id, ids)
    assert "<script>alert(1)" not in page
    assert links_page.message(page).startswith("Hi <script>alert(1)</script> Mallory,\n")


def test_the_page_counts_down_to_hiding_the_links(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Any
) -> None:
    settings.PORTAL_LINKS_VISIBLE_SECONDS = 90
    page = _links_page(agent_client, customer_id, [])
    assert 'data-visible-seconds="90"' in page
    assert '<p class="countdown" id="links-countdown" hidden>' in page  # shown by the script
    assert 'id="links-announcer" class="visually-hidden" role="status" aria-live="polite"' in page
    assert page.count('aria-live="polite"') == 1  # one live region for "Copied" and the countdown
    assert "this page hides them after 90 seconds." in page


def test_the_page_says_in_minutes_when_it_hides_the_links(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Any
) -> None:
    settings.PORTAL_LINKS_VISIBLE_SECONDS = 600
    assert "this page hides them after 10 minutes." in _links_page(agent_client, customer_id, [])

"""The "update my card" ticket, end to end in Chromium at 1280 and 390 px, with axe on every page:
search -> the customer shows the expired card on file and the past-due payment -> tick the past-due
subscription -> confirm -> create -> "Copy message" -> the clipboard holds the reply with exactly
the links on the page, which are exactly the ones Paddle (the emulator) created."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator, portal
from tests.support import links_page
from tests.support.accessibility import horizontal_overflow, wcag_violations
from tests.support.browser import clipboard, sign_in
from tests.support.journey import paddle_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "#portal-links a[href*='/portal/']"
# A card-update ticket's subscription links, in the order the links page lists them.
CARD_ACTIONS = ("update_subscription_payment_method", "cancel_subscription", "view_subscription")


def assert_accessible(page: Page, state: str) -> None:
    """axe finds no WCAG 2.2 A/AA violation and the page does not scroll sideways."""
    page.wait_for_load_state()
    assert wcag_violations(page) == [], state
    assert horizontal_overflow(page) == 0, state


def links_paddle_created(emulator: Emulator, customer_id: str, token: str, subscription_id: str) -> list[str]:
    """The overview and the subscription's links of the portal session whose token is `token`, as
    Paddle's 201 body held them (the emulator's link format, its base URL as the console calls it)."""
    portal_id = emulator.data.portal_ids[customer_id]
    base = settings.PADDLE_API_BASE_URL
    return [portal.link(base, portal_id, "overview", token)] + [
        portal.link(base, portal_id, action, token, subscription_id) for action in CARD_ACTIONS
    ]


def test_a_card_ticket_from_search_to_the_message_on_the_clipboard(
    sized_context: BrowserContext, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    base, customer_id = live_server.url, emulator.examples()["all_statuses"]
    customer = emulator.customer(customer_id)
    past_due = next(s for s in emulator.subscriptions_of(customer_id) if s["status"] == "past_due")
    assert past_due["collection_mode"] == "automatic"  # paid by card: its payment link is offered
    card = next(m for m in emulator.payment_methods_of(customer_id) if m["card"]["type"] == "mastercard")
    page = sized_context.new_page()
    page.set_default_timeout(5000)

    sign_in(page, base)
    assert_accessible(page, "search, empty")
    page.locator("#q").press_sequentially("Avery Qu", delay=30)
    result = page.locator(f"#customer-results a[href='/customers/{customer_id}/']")
    expect(result).to_have_text(customer["name"])
    assert_accessible(page, "search, results")
    result.click()
    page.wait_for_url(f"{base}/customers/{customer_id}/")

    # What the ticket needs, near the top: the card on file (expired) and the past-due payment.
    expired = page.locator(".payment-method-expired")
    expect(expired).to_have_count(1)
    expect(expired).to_contain_text("Mastercard")
    expect(expired.locator(".mono")).to_have_text(card["card"]["last4"])
    expect(expired.locator(".badge-card-expired")).to_have_text("⚠ EXPIRED")
    unpaid = page.locator(".customer-payment", has=page.locator(".badge-past_due"))
    expect(unpaid).to_have_count(1)
    expect(unpaid).to_contain_text("Past due: unpaid")
    expect(unpaid).to_contain_text(past_due["id"])  # which subscription it is for
    expect(unpaid).to_contain_text("expired")  # why it failed: the card expired
    row = page.locator("tr.subscription-past_due")
    expect(row.locator(".status-badge")).to_contain_text("past due", ignore_case=True)
    assert_accessible(page, "customer")

    page.check(f"#tick-{past_due['id']}")
    expect(page.locator("#tick-count")).to_contain_text("1")
    page.locator("#action-bar").get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text(f"Create portal links for {customer['name']}?")
    assert_accessible(page, "confirm")
    page.fill("#reason", "TICKET-CARD-77: customer wants to update their card")
    expect(page.locator("#email-on-file")).to_have_text(customer["email"])
    page.fill("#requester_email", customer["email"])
    page.check("input[name=delivery][value=show]")
    page.click("text=Create links")
    expect(page.locator("h1")).to_have_text(f"Portal links for {customer['name']}")
    assert_accessible(page, "links")

    # Paddle was asked once, for that subscription alone.
    posts = paddle_posts(emulator)
    assert [(p.path, p.body) for p in posts] == [
        (f"/customers/{customer_id}/portal-sessions", {"subscription_ids": [past_due["id"]]})
    ]
    hrefs = page.locator(PORTAL_LINKS).evaluate_all("links => links.map(link => link.href)")
    token = parse_qs(urlsplit(hrefs[0]).query)["token"][0]
    assert emulator.tokens.customer_for(token) == customer_id  # a live session of this customer
    assert hrefs == links_paddle_created(emulator, customer_id, token, past_due["id"])

    page.click("#copy-message")
    expect(page.locator("#links-announcer")).to_have_text("Copied the message for the customer.")
    message = clipboard(page)
    assert links_page.urls_in(message) == hrefs
    assert message.startswith(f"Hi {customer['name']},\n")
    assert "Update the payment method" in message
    assert "never ask you for your password" in message
    assert_accessible(page, "links, message copied")

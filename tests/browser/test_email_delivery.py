"""The emailed link, end to end: agent → SMTP server → the customer's fresh browser → Paddle's portal."""

import pytest
import requests
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent, RedemptionToken
from tests.support.browser import sign_in
from tests.support.journey import paddle_posts
from tests.support.mail import Mailbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "a[href*='/portal/']"


def test_a_matching_requester_gets_an_email_whose_link_opens_the_portal_once(
    page: Page,
    browser: Browser,
    live_server: object,
    emulator: Emulator,
    browser_agent: User,
    mailbox: Mailbox,
    settings: Settings,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    settings.PUBLIC_BASE_URL = base
    customer_id = emulator.examples()["all_statuses"]
    email = emulator.customer(customer_id)["email"]

    sign_in(page, base)
    page.goto(f"{base}/customers/{customer_id}/")
    page.locator("input[name=subscription_ids]").first.check()
    page.click("text=Continue")
    page.fill("#reason", "TICKET-77")
    page.fill("#requester_email", email.upper())
    expect(page.locator("input[name=delivery][value=email]")).to_be_checked()  # the default
    page.click("text=Create links")
    expect(page.locator("#emailed")).to_contain_text(f"Sent to {email[0]}•••@")
    expect(page.locator("#emailed")).to_contain_text("expires tomorrow")
    expect(page.locator(PORTAL_LINKS)).to_have_count(0)

    [message] = mailbox.messages
    assert message.rcpt_tos == (email,)
    url = message.redemption_url
    assert url.startswith(f"{base}/r/")
    assert paddle_posts(emulator) == []

    # A mail scanner follows the link first: a plain GET changes nothing.
    scanner = requests.get(url, timeout=10)
    assert scanner.status_code == 200
    assert "Open your billing portal" in scanner.text
    assert RedemptionToken.objects.get().used_at is None
    assert paddle_posts(emulator) == []

    customer = browser.new_context()  # no console session
    try:
        first, second = customer.new_page(), customer.new_page()
        for tab in (first, second):
            tab.set_default_timeout(5000)
            tab.goto(url)
            expect(tab.locator("button")).to_have_text("Open your billing portal")
        rows = AuditEvent.objects.count()
        assert paddle_posts(emulator) == []
        assert AuditEvent.objects.count() == rows

        first.click("button")
        expect(first.locator("h1")).to_have_text("Your billing portal")
        links = first.locator(PORTAL_LINKS)
        expect(links).to_have_count(1 + 3)
        assert len(paddle_posts(emulator)) == 1

        first.click("#link-overview")
        first.wait_for_load_state()
        expect(first.locator(".customer")).to_have_text("Avery Quinn")

        second.click("button")  # the second POST of the same link
        expect(second.locator("body")).to_contain_text("This link no longer works. Please ask support again.")
        assert len(paddle_posts(emulator)) == 1
    finally:
        customer.close()

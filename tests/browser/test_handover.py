"""Handing the links over, in Chromium at 1280 and 390 px: "Copy message" puts the reply with exactly
the page's links on the clipboard, each copy button copies its own link, "Copied" is announced
once through the live region and resets, and the countdown to hiding the links runs and is
announced at one minute and ten seconds left, not every second."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from tests.support import links_page
from tests.support.browser import clipboard, sign_in
from tests.support.journey import expected_links

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "#portal-links a[href*='/portal/']"


def create_all_links(page: Page, base: str, customer_id: str) -> None:
    """Sign in, tick every subscription, confirm and create: the links page."""
    sign_in(page, base)
    page.goto(f"{base}/customers/{customer_id}/")
    boxes = page.locator("input[name=subscription_ids]")
    if boxes.count() == 0:
        page.click("text=Continue with the overview link only")
    else:
        for index in range(boxes.count()):
            boxes.nth(index).check()
        page.click("text=Continue")
    page.fill("#reason", "TICKET-CARD")
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")
    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links for")


def test_copy_message_puts_the_reply_with_exactly_the_pages_links_on_the_clipboard(
    sized_context: BrowserContext, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    page = sized_context.new_page()
    page.set_default_timeout(5000)
    customer_id = emulator.examples()["all_statuses"]
    create_all_links(page, live_server.url, customer_id)
    ids = [s["id"] for s in emulator.subscriptions_of(customer_id)]
    expect(page.locator(PORTAL_LINKS)).to_have_count(expected_links(emulator, customer_id, ids))
    hrefs = page.locator(PORTAL_LINKS).evaluate_all("links => links.map(link => link.href)")

    announcer = page.locator("#links-announcer")
    page.click("#copy-message")
    expect(announcer).to_have_text("Copied the message for the customer.")
    expect(page.locator("#copy-message")).to_have_text("Copied")
    message = clipboard(page)
    assert links_page.urls_in(message) == hrefs
    assert message.startswith("Hi Avery Quinn,\n")
    assert "If one no longer opens" in message
    assert "never ask you for your password" in message
    assert message == page.locator("#reply-message").input_value()

    # A link's own button: its link alone, announced with its name; the other button resets.
    button = page.locator("button[data-copy=link-1-payment]")
    facts = page.locator(".group-facts").first
    amount, status = facts.locator(".amount").inner_text(), facts.locator(".badge").inner_text()
    label = f"{page.locator('#group-1').inner_text()} ({amount}, {status})"
    expect(button).to_have_accessible_name(f"Copy link: Update payment method, {label}")
    button.click()
    expect(announcer).to_have_text(f"Copied link: Update payment method, {label}.")
    assert clipboard(page) == page.locator("#link-1-payment").get_attribute("href")
    expect(button).to_have_text("Copied")
    expect(page.locator("#copy-message")).to_have_text("Copy message")
    expect(page.locator("button:text-is('Copied')")).to_have_count(1)
    expect(button).to_have_text("Copy link", timeout=5000)  # the state resets by itself
    expect(page.locator("button:text-is('Copied')")).to_have_count(0)

    # The countdown runs (it is text, not a live region: screen readers hear it only at set times).
    countdown = page.locator("#links-countdown-time")
    expect(page.locator("#links-countdown")).to_be_visible()
    first = countdown.inner_text()
    page.wait_for_timeout(2100)
    assert _seconds(countdown.inner_text()) < _seconds(first) <= 600
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _seconds(shown: str) -> int:
    """ "9:58" -> 598; "45 s" -> 45."""
    if ":" in shown:
        minutes, seconds = shown.split(":")
        return int(minutes) * 60 + int(seconds)
    return int(shown.removesuffix(" s"))


# Every text the live region is given, in order (a screen reader would say each one).
RECORD_ANNOUNCEMENTS = """() => {
  window.announced = [];
  const region = document.getElementById("links-announcer");
  new MutationObserver(() => { if (region.textContent) window.announced.push(region.textContent); })
    .observe(region, { childList: true, characterData: true, subtree: true });
}"""


def test_the_countdown_is_announced_at_one_minute_and_ten_seconds_then_the_links_go(
    page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    page.clock.install()
    create_all_links(page, live_server.url, emulator.examples()["no_subscriptions"])
    announcer = page.locator("#links-announcer")
    countdown = page.locator("#links-countdown-time")
    expect(countdown).to_have_text("10:00")
    page.evaluate(RECORD_ANNOUNCEMENTS)
    page.clock.run_for("08:00")
    expect(countdown).to_have_text("2:00")
    expect(announcer).to_have_text("")  # nothing said in the first eight minutes
    page.clock.run_for("01:00")
    expect(countdown).to_have_text("1:00")
    expect(announcer).to_have_text("1 minute left before the links are hidden.")
    page.clock.run_for("00:49")
    expect(countdown).to_have_text("11 s")
    expect(announcer).to_have_text("1 minute left before the links are hidden.")  # not every second
    page.clock.run_for("00:01")
    expect(announcer).to_have_text("10 seconds left before the links are hidden.")
    page.clock.run_for("00:10")
    assert page.evaluate("window.announced") == [
        "1 minute left before the links are hidden.",
        "10 seconds left before the links are hidden.",
    ]
    expect(page.locator(PORTAL_LINKS)).to_have_count(0)
    expect(page.locator("#reply-message")).to_have_count(0)  # the message held the links too
    expect(page.locator("#links-hidden")).to_be_visible()


def test_without_javascript_the_message_is_there_to_copy_by_hand(
    browser: Browser, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        create_all_links(page, live_server.url, emulator.examples()["html_name"])
        expect(page.locator("#copy-message")).to_be_hidden()
        expect(page.locator("#links-countdown")).to_be_hidden()  # nothing would count it down
        page.click("text=Show the message")
        message = page.locator("#reply-message")
        expect(message).to_be_visible()
        hrefs = page.locator(PORTAL_LINKS).evaluate_all("links => links.map(link => link.href)")
        assert links_page.urls_in(message.input_value()) == hrefs
        assert message.input_value().startswith("Hi <script>alert(1)</script> Mallory,\n")
    finally:
        context.close()

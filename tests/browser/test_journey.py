"""The support agent's journey, end to end, in Debian's Chromium."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from tests.support.browser import sign_in
from tests.support.journey import expected_links, paddle_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "a[href*='/portal/']"


def fail_on_dialog(page: Page) -> None:
    def fail(dialog: Dialog) -> None:
        dialog.dismiss()
        pytest.fail(f"a script ran: dialog {dialog.message!r}")

    page.on("dialog", fail)


def fill_confirm(page: Page, reason: str) -> None:
    """The confirm page: a reason, the email on file as the requester (a match), links shown."""
    page.fill("#reason", reason)
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")


def create_overview_link(page: Page, base_url: str, customer_id: str) -> None:
    """Sign in and create a customer's overview link through the pages; it is shown."""
    sign_in(page, base_url)
    page.goto(f"{base_url}/customers/{customer_id}/")
    page.click("text=Continue with the overview link only")
    fill_confirm(page, "TICKET-5")
    page.click("text=Create links")
    expect(page.locator(PORTAL_LINKS)).to_have_count(1)


def test_an_agent_signs_in_searches_ticks_confirms_and_gets_links_once(
    page: Page, context: BrowserContext, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    base = live_server.url
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)

    # Live search: results arrive while typing, without a page load; the URL follows the query.
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#q").press_sequentially("Avery Qu", delay=40)
    result = page.locator(f"#customer-results a[href='/customers/{customer_id}/']")
    expect(result).to_have_text("Avery Quinn")
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_url(re.compile(r"/customers/\?q=Avery"))

    result.click()
    page.wait_for_url(f"{base}/customers/{customer_id}/")
    tick_boxes = page.locator("input[name=subscription_ids]")
    ticked = [str(tick_boxes.nth(0).get_attribute("value")), str(tick_boxes.nth(1).get_attribute("value"))]
    tick_boxes.nth(0).check()
    tick_boxes.nth(1).check()
    page.click("text=Continue")

    expect(page.locator("h1")).to_contain_text("Create portal links for Avery Quinn?")
    fill_confirm(page, "TICKET-4711")
    page.click("text=Create links")

    expect(page.locator("h1")).to_contain_text("Portal links for Avery Quinn")
    links = page.locator(PORTAL_LINKS)
    expect(links).to_have_count(expected_links(emulator, customer_id, ticked))
    for subscription_id in ticked:
        expect(page.locator(f"{PORTAL_LINKS}[href*='{subscription_id}']")).not_to_have_count(0)
    expect(page.locator("button[data-copy]").first).to_be_visible()
    # No form: under the page's no-referrer policy its post would carry `Origin: null` (a CSRF 403).
    expect(page.locator("form")).to_have_count(0)

    # The overview link opens the (emulated) customer portal, signed in as the customer.
    with context.expect_page() as portal_info:
        page.click("text=Open the customer's portal")
    portal = portal_info.value
    portal.wait_for_load_state()
    expect(portal.locator(".customer")).to_have_text("Avery Quinn")
    expect(portal.locator("[data-action=overview]")).to_be_visible()
    portal.close()

    # Reloading re-posts the spent confirmation: nothing new is created or shown; the agent is
    # back on the confirm page, told why.
    page.reload()
    expect(page.locator("#confirm-banner h2")).to_have_text("This confirmation was already used")
    expect(page.locator("#confirm-banner")).to_contain_text("nothing new was created")
    expect(page.locator(PORTAL_LINKS)).to_have_count(0)
    assert len(paddle_posts(emulator)) == 1


def test_back_and_forward_do_not_bring_the_links_back(
    page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    base = live_server.url
    create_overview_link(page, base, emulator.examples()["no_subscriptions"])

    page.click("text=Back to the customer")
    page.wait_for_url(re.compile(r"/customers/ctm_"))
    # Chromium keeps no copy of a no-store POST result: going back is a cache miss, not the links.
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()
    expect(page.locator(PORTAL_LINKS)).to_have_count(0)


def test_the_links_disappear_from_the_page_after_the_visible_time(
    page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User, settings: Settings
) -> None:
    settings.PORTAL_LINKS_VISIBLE_SECONDS = 1
    base = live_server.url
    create_overview_link(page, base, emulator.examples()["no_subscriptions"])
    expect(page.locator(PORTAL_LINKS)).to_have_count(0, timeout=3000)
    expect(page.locator("#links-hidden")).to_be_visible()


def test_live_search_explains_a_malformed_id_without_asking_paddle(
    page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    sign_in(page, live_server.url)
    page.locator("#q").press_sequentially("ctm_123", delay=20)
    expect(page.locator("#customer-results")).to_contain_text("looks like a Paddle id but is not one")
    assert emulator.requests == []


def test_the_plain_forms_work_without_javascript(
    browser: Browser, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    base = live_server.url
    customer_id = emulator.examples()["all_statuses"]
    email = emulator.customer(customer_id)["email"]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        sign_in(page, base)
        page.fill("#q", email)
        page.click("button:text('Search')")
        page.wait_for_url(f"{base}/customers/{customer_id}/")  # an exact email opens its customer
        page.locator("input[name=subscription_ids]").first.check()
        page.click("text=Continue")
        fill_confirm(page, "TICKET-2")
        page.click("text=Create links")
        expect(page.locator(PORTAL_LINKS)).to_have_count(4)
        expect(page.locator("button[data-copy]").first).to_be_hidden()  # copying needs the script
    finally:
        context.close()


def test_a_customer_name_with_html_is_shown_as_text_never_run(
    page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    base = live_server.url
    customer_id = emulator.examples()["html_name"]
    name = emulator.customer(customer_id)["name"]
    fail_on_dialog(page)
    sign_in(page, base)
    page.locator("#q").press_sequentially("Mallory", delay=20)
    expect(page.locator("#customer-results")).to_contain_text(name)
    page.goto(f"{base}/customers/{customer_id}/")
    expect(page.locator("h1")).to_have_text(name)
    page.locator("input[name=subscription_ids]").first.check()
    page.click("text=Continue")
    expect(page.locator("h1")).to_have_text(f"Create portal links for {name}?")
    reason = "<script>alert(2)</script> TICKET-3"
    fill_confirm(page, reason)
    page.click("text=Create links")
    expect(page.locator("h1")).to_have_text(f"Portal links for {name}")
    # The agent's own reason, with markup, in the audit log's list and on the event's page.
    page.goto(f"{base}/audit/?action=portal_session.created")
    expect(page.locator(".audit-table tbody td", has_text="TICKET-3")).to_have_text(reason)
    page.locator(".audit-table tbody a").first.click()
    expect(page.locator("dd", has_text="TICKET-3")).to_have_text(reason)

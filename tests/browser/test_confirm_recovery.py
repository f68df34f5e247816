"""Nothing lost on failure, in Chromium at 1280 and 390 px: a Paddle failure at creation and a wrong
step-up password both bring the agent back to the confirm page with the work kept and the problem
in a banner (axe-clean), Back never re-sends a form, and the retry shows the links.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, Request, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from tests.support.accessibility import horizontal_overflow, wcag_violations
from tests.support.browser import sign_in
from tests.support.journey import expected_links, paddle_posts
from tests.support.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "a[href*='/portal/']"
REASON = "ZD-4711 card update"


def _tick_two_and_fill(page: Page, base: str, customer_id: str) -> list[str]:
    """From the customer page: tick two subscriptions, continue, fill the confirm page (links shown)."""
    page.goto(f"{base}/customers/{customer_id}/")
    boxes = page.locator("input[name=subscription_ids]")
    ticked = [str(boxes.nth(i).get_attribute("value")) for i in range(2)]
    for i in range(2):
        boxes.nth(i).check()
    page.click("text=Continue")
    expect(page.locator("h1")).to_contain_text("Create portal links for")
    page.fill("#reason", REASON)
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")
    return ticked


def _assert_work_kept(page: Page, ticked: list[str]) -> None:
    hidden = page.locator("form.stack input[type=hidden][name=subscription_ids]")
    assert [hidden.nth(i).get_attribute("value") for i in range(hidden.count())] == ticked
    expect(page.locator("#reason")).to_have_value(REASON)
    expect(page.locator("#requester_email")).to_have_value(page.locator("#email-on-file").inner_text())
    expect(page.locator("input[name=delivery][value=show]")).to_be_checked()


def _assert_accessible(page: Page) -> None:
    assert wcag_violations(page) == []
    assert horizontal_overflow(page) == 0


def _back_is_a_plain_get(page: Page, ticked: list[str]) -> None:
    """Leave the page after a refusal, then press Back: it comes back as a GET, the work still there.

    Were it a POST's own response, Chromium would need the form again ("Confirm Form
    Resubmission"; headless, ERR_CACHE_MISS).
    """
    methods: list[str] = []

    def note(request: Request) -> None:
        if request.is_navigation_request():
            methods.append(request.method)

    page.click("a.button.secondary:text('Cancel')")  # to the customer page
    page.wait_for_url(re.compile(r"/customers/ctm_\w+/$"))
    page.on("request", note)
    page.go_back()
    page.wait_for_load_state()
    page.remove_listener("request", note)
    assert methods == ["GET"]
    expect(page).to_have_url(re.compile(r"/portal-session/confirm/\?"))
    _assert_work_kept(page, ticked)


def test_a_paddle_failure_at_creation_keeps_ticks_and_reason_and_the_retry_shows_the_links(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    page, base = sized_page, live_server.url
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)
    ticked = _tick_two_and_fill(page, base, customer_id)
    emulator.add_fault("/customers/*/portal-sessions", kind="error", method="POST", status=500, times=1)

    page.click("text=Create links")

    banner = page.locator("#confirm-banner[role=alert]")
    expect(banner).to_be_visible()
    expect(banner.locator("h2")).to_have_text("Paddle is unavailable")
    expect(banner).to_contain_text("Paddle could not be reached or answered badly. Try again in a moment.")
    expect(banner).to_contain_text("Paddle error code internal_error")
    expect(banner).to_contain_text("Paddle request id:")
    expect(page).to_have_url(re.compile(r"/portal-session/confirm/\?"))
    _assert_work_kept(page, ticked)
    _assert_accessible(page)

    _back_is_a_plain_get(page, ticked)

    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links for")
    expect(page.locator(PORTAL_LINKS)).to_have_count(expected_links(emulator, customer_id, ticked))
    assert len(paddle_posts(emulator)) == 2


def test_a_wrong_step_up_password_keeps_the_work_and_the_right_one_creates(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User, settings: Settings
) -> None:
    settings.STEP_UP_MINUTES = 0  # every creation asks for the password again
    page, base = sized_page, live_server.url
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)
    ticked = _tick_two_and_fill(page, base, customer_id)
    page.fill("input[name=password]", "not my password")

    page.click("text=Create links")

    banner = page.locator("#confirm-banner[role=alert]")
    expect(banner.locator("h2")).to_have_text("Password needed")
    expect(banner).to_contain_text("That password is not correct.")
    expect(banner).to_contain_text("Your ticks, reason and requester are kept below")
    _assert_work_kept(page, ticked)
    expect(page.locator("input[name=password]")).to_have_value("")
    _assert_accessible(page)
    assert paddle_posts(emulator) == []

    _back_is_a_plain_get(page, ticked)

    page.fill("input[name=password]", PASSWORD)
    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links for")
    expect(page.locator(PORTAL_LINKS)).to_have_count(expected_links(emulator, customer_id, ticked))

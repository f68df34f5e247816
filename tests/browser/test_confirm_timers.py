"""The confirm page's timers and the last two refusals that used to answer a POST with a page of
their own, in Chromium at 1280 and 390 px (axe-clean, no horizontal scroll):

- the confirmation counts down (static/js/countdown.js, on Playwright's fake clock), is announced
  at one minute left and when it has expired, and the reload it then offers keeps the work, edits
  made on the page included;
- a request that needs a manager's approval, and a creation refused while the cache is down, come
  back to the confirm page with a banner; Back from the next page is a plain GET.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from playwright.sync_api import Browser, Page, Request, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from tests.support.accessibility import horizontal_overflow, wcag_violations
from tests.support.browser import sign_in
from tests.support.journey import expected_links, paddle_posts
from tests.support.outages import DEAD_REDIS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PORTAL_LINKS = "a[href*='/portal/']"
REASON = "ZD-4711 card update"
MISMATCH = "someone.else@example.net"

# Every text the confirm page's live region is given, in order (a screen reader says each one).
RECORD_ANNOUNCEMENTS = """() => {
  window.announced = [];
  const region = document.getElementById("confirm-announcer");
  new MutationObserver(() => { if (region.textContent) window.announced.push(region.textContent); })
    .observe(region, { childList: true, characterData: true, subtree: true });
}"""


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


def _tick_two_and_fill(page: Page, base: str, customer_id: str, *, requester: str = "") -> list[str]:
    """From the customer page: tick two, continue, fill the reason and requester, choose "show"."""
    page.goto(f"{base}/customers/{customer_id}/")
    boxes = page.locator("input[name=subscription_ids]")
    ticked = [str(boxes.nth(i).get_attribute("value")) for i in range(2)]
    for i in range(2):
        boxes.nth(i).check()
    page.click("text=Continue")
    expect(page.locator("h1")).to_contain_text("Create portal links for")
    page.fill("#reason", REASON)
    page.fill("#requester_email", requester or page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")
    return ticked


def _ticked(page: Page) -> list[str]:
    hidden = page.locator("form.stack:not(#ask-approval) input[type=hidden][name=subscription_ids]")
    return [str(hidden.nth(i).get_attribute("value")) for i in range(hidden.count())]


def _assert_accessible(page: Page) -> None:
    assert wcag_violations(page) == []
    assert horizontal_overflow(page) == 0


def _assert_accessible_on_a_paused_clock(page: Page) -> None:
    """axe waits on timers: let the page's time run while it checks, then pause it again."""
    page.clock.resume()
    _assert_accessible(page)
    now: float = page.evaluate("Date.now()")
    page.clock.pause_at(datetime.fromtimestamp(now / 1000 + 1, UTC))


def _back_is_a_plain_get(page: Page) -> None:
    """Leave the page, press Back: it comes back as a GET (a POST's own response would need the
    form again: "Confirm Form Resubmission", headless ERR_CACHE_MISS)."""
    methods: list[str] = []

    def note(request: Request) -> None:
        if request.is_navigation_request():
            methods.append(request.method)

    page.click("a.button.secondary:text('Cancel')")
    page.wait_for_url(re.compile(r"/customers/ctm_\w+/$"))
    page.on("request", note)
    page.go_back()
    page.wait_for_load_state()
    page.remove_listener("request", note)
    assert methods == ["GET"]
    expect(page).to_have_url(re.compile(r"/portal-session/confirm/\?"))


def test_the_confirmation_counts_down_and_once_expired_reloads_with_the_work_kept(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    page, base = sized_page, live_server.url
    now = datetime.now(UTC)
    page.clock.install(time=now)
    page.clock.pause_at(now + timedelta(seconds=1))  # from here on, time moves only when told
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)
    ticked = _tick_two_and_fill(page, base, customer_id)
    expiry = page.locator("#confirmation-expiry")
    left = expiry.locator("[data-countdown-left]")
    expect(left).to_have_text("10:00")
    expect(expiry).to_contain_text(re.compile(r"valid until \d\d:\d\d UTC\s+\(10:00 left\)"))
    page.evaluate(RECORD_ANNOUNCEMENTS)

    page.clock.run_for("08:00")
    expect(left).to_have_text("2:00")
    page.clock.run_for("01:00")
    expect(left).to_have_text("1:00")
    page.clock.run_for(100)  # the live region is emptied, then given the words 50 ms later
    expect(page.locator("#confirm-announcer")).to_have_text("1 minute left to use this confirmation.")
    _assert_accessible_on_a_paused_clock(page)

    page.fill("#reason", f"{REASON}, edited")  # typed after the page loaded: kept all the same
    page.clock.run_for("01:00")
    page.clock.run_for(100)
    expired = page.locator("#confirmation-expired")
    expect(expired).to_be_visible()
    expect(expiry.locator("[data-countdown-shown]")).to_be_hidden()
    expect(page.locator("#confirm-announcer")).to_contain_text("This confirmation has expired")
    assert page.evaluate("window.announced") == [
        "1 minute left to use this confirmation.",
        "This confirmation has expired, so submitting it would create nothing. Reload the page for a "
        "new one: your ticks, reason, requester and delivery are kept.",
    ]
    _assert_accessible_on_a_paused_clock(page)

    page.click("#confirmation-reload")
    expect(page.locator("#confirmation-expired")).to_be_hidden()
    expect(page.locator("#confirmation-expiry [data-countdown-left]")).to_have_text("10:00")
    assert _ticked(page) == ticked
    expect(page.locator("#reason")).to_have_value(f"{REASON}, edited")
    expect(page.locator("#requester_email")).to_have_value(page.locator("#email-on-file").inner_text())
    expect(page.locator("input[name=delivery][value=show]")).to_be_checked()
    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links for")
    expect(page.locator(PORTAL_LINKS)).to_have_count(expected_links(emulator, customer_id, ticked))


def test_a_request_that_needs_a_manager_comes_back_to_the_confirm_page_and_back_is_a_get(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User
) -> None:
    page, base = sized_page, live_server.url
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)
    ticked = _tick_two_and_fill(page, base, customer_id, requester=MISMATCH)

    page.click("text=Create links")

    banner = page.locator("#confirm-banner[role=alert]")
    expect(banner.locator("h2")).to_have_text("A manager must approve this first")
    expect(banner.locator("#banner-rules li")).to_contain_text("does not match the email on file")
    expect(page).to_have_url(re.compile(r"/portal-session/confirm/\?"))
    assert _ticked(page) == ticked
    expect(page.locator("#reason")).to_have_value(REASON)
    expect(page.locator("#requester_email")).to_have_value(MISMATCH)
    expect(page.locator("#ask-approval button")).to_have_text("Ask a manager to approve")
    _assert_accessible(page)
    assert paddle_posts(emulator) == []

    _back_is_a_plain_get(page)
    assert _ticked(page) == ticked
    expect(page.locator("#reason")).to_have_value(REASON)
    expect(page.locator("#requester_email")).to_have_value(MISMATCH)


def test_creation_refused_while_the_cache_is_down_comes_back_to_the_confirm_page_and_back_is_a_get(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User, settings: Settings
) -> None:
    page, base = sized_page, live_server.url
    customer_id = emulator.examples()["all_statuses"]
    sign_in(page, base)
    ticked = _tick_two_and_fill(page, base, customer_id)
    settings.CACHES = DEAD_REDIS
    cache.close()

    page.click("text=Create links")

    banner = page.locator("#confirm-banner[role=alert]")
    expect(banner.locator("h2")).to_have_text("The console's cache is down")
    expect(banner).to_contain_text("cache service is unavailable")
    assert _ticked(page) == ticked
    expect(page.locator("#reason")).to_have_value(REASON)
    expect(page.locator("input[name=delivery][value=show]")).to_be_checked()
    _assert_accessible(page)
    assert paddle_posts(emulator) == []

    _back_is_a_plain_get(page)  # the customer page and the confirm page work without the cache


def test_a_step_up_proof_that_lapses_before_the_confirmation_is_counted_down_then_required(
    sized_page: Page, live_server: LiveServer, emulator: Emulator, browser_agent: User, settings: Settings
) -> None:
    settings.STEP_UP_MINUTES = 5  # the sign-in's proof lapses five minutes before the confirmation
    page, base = sized_page, live_server.url
    now = datetime.now(UTC)
    page.clock.install(time=now)
    page.clock.pause_at(now + timedelta(seconds=1))
    sign_in(page, base)
    _tick_two_and_fill(page, base, emulator.examples()["all_statuses"])
    lapses = page.locator("#step-up-lapses")
    password = page.locator("input[name=password]")
    expect(lapses.locator("[data-countdown-left]")).to_have_text(re.compile(r"^(5:00|4:5\d)$"))
    expect(password).not_to_have_attribute("required", "")
    page.evaluate(RECORD_ANNOUNCEMENTS)

    page.clock.run_for("04:05")
    page.clock.run_for(100)
    expect(page.locator("#confirm-announcer")).to_have_text(
        "1 minute left before your password check lapses: enter your password to create links."
    )
    page.clock.run_for("01:00")
    page.clock.run_for(100)
    expect(page.locator("#step-up-lapsed")).to_be_visible()
    expect(lapses.locator("[data-countdown-shown]")).to_be_hidden()
    expect(password).to_have_attribute("required", "")
    expect(page.locator("#confirm-announcer")).to_have_text(
        "Your last password check has lapsed: enter your password to create links."
    )
    expect(page.locator("#confirmation-expired")).to_be_hidden()  # the confirmation still holds
    _assert_accessible_on_a_paused_clock(page)

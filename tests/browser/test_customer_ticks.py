"""The customer page's tick boxes and the search's shortcuts in Chromium, at 1280 and 390 px: the
count, select all eligible, clear, the 25 limit before submit, the action bar that stays in view,
a `sub_` search that opens the customer with that subscription ticked, and the 300 ms progress bar."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, FloatRect, Page, expect
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOXES = "input[name=subscription_ids]"


def checked_count(page: Page) -> int:
    return int(page.locator(f"{BOXES}:checked").count())


def test_the_count_select_all_eligible_and_clear(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    customer_id = emulator.examples()["all_statuses"]
    subscriptions = emulator.subscriptions_of(customer_id)
    total = len(subscriptions)
    eligible = {s["id"] for s in subscriptions if s["status"] not in ("paused", "canceled")}
    page.goto(f"{live_server.url}/customers/{customer_id}/")
    count = page.locator("#tick-count")
    expect(count).to_have_text(f"0 of {total} subscriptions ticked: Continue gives the overview link only.")
    expect(count).to_have_attribute("role", "status")

    page.locator(BOXES).first.check()
    expect(count).to_have_text(f"1 of {total} subscriptions ticked.")

    page.click("text=Select all eligible")
    ticked = set(page.locator(f"{BOXES}:checked").evaluate_all("boxes => boxes.map(b => b.value)"))
    first = subscriptions[0]["id"]
    assert ticked == eligible | {first}
    expect(count).to_have_text(f"{len(ticked)} of {total} subscriptions ticked.")

    page.click("button:has-text('Clear')")
    assert checked_count(page) == 0
    expect(count).to_contain_text(f"0 of {total}")


def test_the_25_limit_holds_back_the_other_boxes_and_says_to_split(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    many = emulator.examples()["many_subscriptions"]
    page.goto(f"{live_server.url}/customers/{many}/")
    limit = page.locator("#tick-limit")
    expect(limit).to_be_hidden()

    page.click("text=Select all eligible")

    assert checked_count(page) == 25
    expect(page.locator(f"{BOXES}:disabled")).to_have_count(2)
    expect(page.locator("#tick-count")).to_have_text("25 of 27 subscriptions ticked.")
    expect(limit).to_be_visible()
    expect(limit).to_have_text(
        "25 is Paddle's limit per batch: continue with these, then come back for the other 2."
    )

    page.locator(f"{BOXES}:checked").first.uncheck()
    expect(page.locator(f"{BOXES}:disabled")).to_have_count(0)
    expect(limit).to_be_hidden()
    page.locator(f"{BOXES}:not(:checked)").first.check()
    expect(page.locator(f"{BOXES}:disabled")).to_have_count(2)

    page.click("button.tick-continue")
    expect(page.locator("h1")).to_contain_text("Create portal links for")


def test_the_action_bar_stays_in_view_without_covering_the_last_row(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    many = emulator.examples()["many_subscriptions"]
    page.goto(f"{live_server.url}/customers/{many}/")
    bar = page.locator("#action-bar")
    height = page.viewport_size["height"] if page.viewport_size else 0

    def bar_box() -> FloatRect:
        box = bar.bounding_box()
        assert box is not None
        return box

    # Wherever the agent is in the subscriptions table (the billing sections above it may push its
    # start below the fold, where there is nothing to tick yet), the bar is on screen.
    table_top, table_height = page.evaluate(
        "(() => { const r = document.querySelector('table.subscriptions').getBoundingClientRect();"
        " return [r.top + window.scrollY, r.height]; })()"
    )
    for fraction in (0, 0.3, 0.6):
        page.evaluate(f"window.scrollTo(0, {table_top + table_height * fraction})")
        box = bar_box()
        assert box["y"] >= 0, (fraction, box)
        assert box["y"] + box["height"] <= height + 1, (fraction, box)
        assert box["height"] < height / 4, box  # a bar, not a wall
        expect(page.locator("button.tick-continue")).to_be_in_viewport()

    # At the end of the form the bar settles below the last row instead of covering it.
    last_row = page.locator("tr.subscription").last
    last_row.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    row = last_row.bounding_box()
    assert row is not None
    assert row["y"] + row["height"] <= bar_box()["y"] + 1

    # A tick box reached with the keyboard is scrolled clear of the bar (focus not obscured).
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(BOXES).nth(12).focus()
    focused = page.locator(BOXES).nth(12).bounding_box()
    assert focused is not None
    assert focused["y"] + focused["height"] <= bar_box()["y"]


def test_a_pasted_sub_id_and_enter_open_the_customer_with_it_marked_and_ticked(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    customer_id = emulator.examples()["all_statuses"]
    subscription_id = emulator.subscriptions_of(customer_id)[1]["id"]
    page.fill("#q", f"  {subscription_id.upper()} ")
    expect(page.locator("#customer-results")).to_contain_text("Press Enter or Search to open it.")
    page.press("#q", "Enter")

    page.wait_for_url(f"{live_server.url}/customers/{customer_id}/?subscription={subscription_id}")
    # The live search, then Enter's one (the form's), not a second one through htmx as well.
    assert AuditEvent.objects.filter(action="customer.search").count() == 2
    box = page.locator(f"#tick-{subscription_id}")
    expect(box).to_be_checked()
    assert checked_count(page) == 1
    expect(page.locator("#found-subscription")).to_contain_text("Found by your search")
    # The row says it too, and the tick box is described by the notice for a screen reader.
    row = page.locator("tr.subscription", has=box)
    expect(row.locator(".found-label")).to_have_text("Found by your search")
    expect(box).to_have_accessible_description(re.compile(rf"^Found by your search: {subscription_id}"))
    expect(page.locator("#tick-count")).to_contain_text("1 of")

    # Back returns to the search page (its results), not to a redirect forward again.
    page.go_back()
    expect(page.locator("h1")).to_have_text("Find a customer")


def test_live_search_never_navigates_while_typing_an_id(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    customer_id = emulator.examples()["all_statuses"]
    page.locator("#q").press_sequentially(customer_id, delay=10)
    expect(page.locator(f"#customer-results a[href='/customers/{customer_id}/']")).to_be_visible()
    expect(page.locator("#customer-results")).to_contain_text("Press Enter or Search to open it.")
    expect(page.locator("h1")).to_have_text("Find a customer")


def test_a_slow_live_search_shows_the_progress_bar_after_300_ms(agent_page: Page, emulator: Emulator) -> None:
    page = agent_page
    emulator.add_fault("/customers", kind="latency", latency_ms=1500)
    bar = page.locator("#progress-bar")
    expect(bar).to_be_hidden()
    page.fill("#q", "Avery")
    expect(bar).to_be_visible(timeout=1500)
    expect(page.locator("#progress-status")).to_have_text("Loading…")
    expect(page.locator("#customer-results")).to_contain_text("Avery", timeout=5000)
    expect(bar).to_be_hidden()
    expect(page.locator("#progress-status")).to_have_text("")


def test_the_progress_bar_does_not_move_for_reduced_motion(
    browser: Browser, live_server: LiveServer, browser_agent: User, emulator: Emulator
) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        sign_in(page, live_server.url)
        page.evaluate("document.getElementById('progress-bar').hidden = false")
        animation = page.evaluate(
            "getComputedStyle(document.getElementById('progress-bar'), '::before').animationName"
        )
        assert animation == "none"
    finally:
        context.close()


def test_a_slow_continue_says_working_on_its_button(
    agent_page: Page, live_server: LiveServer, emulator: Emulator
) -> None:
    page = agent_page
    customer_id = emulator.examples()["all_statuses"]
    page.goto(f"{live_server.url}/customers/{customer_id}/")
    emulator.add_fault("/customers/*", kind="latency", latency_ms=1500)  # the confirm page's fetch
    page.locator(BOXES).first.check()
    # The old page is gone once the answer arrives: it writes what its button said at 100 and
    # 700 ms into sessionStorage, which the next page of the same tab can read.
    page.evaluate(
        """() => {
          const button = document.querySelector("button.tick-continue");
          const said = () => button.textContent + "|" + button.getAttribute("aria-disabled");
          const note = (key) => sessionStorage.setItem(key, said());
          setTimeout(() => note("at100"), 100);
          setTimeout(() => note("at700"), 700);
          button.click();
          setTimeout(() => button.click(), 150); // an impatient second click sends nothing more
        }"""
    )
    expect(page.locator("h1")).to_contain_text("Create portal links for", timeout=8000)
    assert page.evaluate("sessionStorage.getItem('at100')") == "Continue|null"
    assert page.evaluate("sessionStorage.getItem('at700')") == "Working…|true"
    confirm_views = [e for e in AuditEvent.objects.filter(action="customer.view") if e.subscription_ids]
    assert len(confirm_views) == 1

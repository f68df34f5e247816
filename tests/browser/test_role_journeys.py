"""The manager's and the auditor's main work in the browser, at desktop and phone widths, with axe.

A manager switches link creation off from the console with a reason and a confirm step; an agent
then sees who, when and why, and cannot tick a subscription. An auditor signs in and lands on the
audit log, and nothing in the navigation leads to "Not allowed".
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from tests.support.accessibility import horizontal_overflow, wcag_violations
from tests.support.browser import SCREENS
from tests.support.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_usable(page: Page) -> None:
    """No WCAG 2.2 A/AA violation, and no sideways scroll at this width."""
    assert wcag_violations(page) == []
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", list(SCREENS))
def test_a_manager_switches_links_off_with_a_reason_and_an_agent_sees_it_and_cannot_tick(
    signed_in_page: Callable[[str, str], Page],
    live_server: LiveServer,
    emulator: Emulator,
    roles: None,
    width: str,
) -> None:
    make_user("manager", role="Support manager")
    make_user("agent", role="Support agent")
    base, customer_id = live_server.url, emulator.examples()["all_statuses"]

    manager = signed_in_page("manager", width)
    manager.get_by_role("link", name="Controls").click()
    expect(manager.locator("h1")).to_have_text("Link creation")
    manager.check("input[name=enabled][value=off]")
    manager.get_by_role("button", name="Continue").click()
    expect(manager.locator("#reason-error")).to_be_visible()  # the reason is required
    manager.fill("#id_reason", "INC-77: suspected account takeover wave")
    manager.get_by_role("button", name="Continue").click()
    expect(manager.locator("h1")).to_have_text("Switch link creation off?")
    assert_usable(manager)
    manager.get_by_role("button", name="Yes, switch off").click()
    expect(manager.locator("#switch-state")).to_contain_text("switched off by manager")
    expect(manager.locator("#switch-state")).to_contain_text("INC-77: suspected account takeover wave")
    assert_usable(manager)

    agent = signed_in_page("agent", width)
    agent.goto(f"{base}/customers/{customer_id}/")
    notice = agent.locator("#kill-switch-notice")
    expect(notice).to_contain_text("switched off by manager")
    expect(notice).to_contain_text("INC-77: suspected account takeover wave")
    boxes = agent.locator("input[name=subscription_ids]")
    assert boxes.count() > 0
    for index in range(boxes.count()):
        expect(boxes.nth(index)).to_be_disabled()
    expect(agent.get_by_role("button", name="Continue")).to_be_disabled()
    assert_usable(agent)


@pytest.mark.parametrize("width", list(SCREENS))
def test_an_auditor_signs_in_and_lands_on_the_audit_log(
    signed_in_page: Callable[[str, str], Page], live_server: LiveServer, roles: None, width: str
) -> None:
    make_user("auditor", role="Auditor")
    base = live_server.url

    auditor = signed_in_page("auditor", width)
    expect(auditor).to_have_url(f"{base}/audit/")
    expect(auditor.locator("h1")).to_contain_text("Audit log")
    assert_usable(auditor)

    # Every way back to the start, and every navigation item, stays on pages the auditor may use.
    auditor.locator(".brand").click()
    expect(auditor).to_have_url(f"{base}/audit/")
    for name in auditor.locator("nav.nav a").all_inner_texts():
        auditor.locator("nav.nav").get_by_role("link", name=name).click()
        expect(auditor.locator("h1")).not_to_have_text("Not allowed")
        auditor.go_back()

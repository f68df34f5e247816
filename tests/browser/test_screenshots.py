"""The README's screenshots at 1280 and 390 px, written to the folder SCREENSHOTS names.

`SCREENSHOTS=docs/screenshots pytest tests/browser/test_screenshots.py`; skipped without it.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch
from tests.support.personas import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS to a folder to refresh them"
    ),
]

WIDTHS = {"": (1280, 800), "-390": (390, 844)}


@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_take_the_readmes_screenshots(
    browser: Browser, live_server: LiveServer, emulator: Emulator, suffix: str
) -> None:
    folder = Path(os.environ["SCREENSHOTS"])
    call_command("bootstrap_roles", stdout=io.StringIO())
    make_user("agent", role="Support agent")
    manager = make_user("manager", role="Support manager")
    base, customer_id = live_server.url, emulator.examples()["all_statuses"]
    width, height = WIDTHS[suffix]

    def shot(name: str) -> None:
        page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)

    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/customers/{customer_id}/")
    shot("3-customer")
    boxes = page.locator("input[name=subscription_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Continue")
    page.fill("#reason", "TICKET-4711")
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")
    shot("4-confirm")
    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links for")
    shot("5-links")

    kill_switch.set_link_creation(
        context=RequestContext(actor=manager), enabled=False, reason="Paddle incident INC-42"
    )
    page.goto(f"{base}/customers/{customer_id}/")
    shot("10-switched-off")
    boss = browser.new_context(viewport={"width": width, "height": height}).new_page()
    boss.goto(f"{base}/accounts/login/")
    boss.fill("#id_username", "manager")
    boss.fill("#id_password", PASSWORD)
    boss.click("button[type=submit]")
    boss.goto(f"{base}/controls/links/")
    boss.screenshot(path=folder / f"11-controls{suffix}.png", full_page=True)

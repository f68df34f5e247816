"""The README's screenshots, every step at 1280 and 390 px, written to the folder SCREENSHOTS names.

`SCREENSHOTS=docs/screenshots pytest tests/browser/test_screenshots.py -n 0`; skipped without it.
A step's file is `<name>.png` at 1280 px and `<name>-390.png` at 390 px (README.md links both).
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch
from sessions_app.models import AuditEvent
from tests.support.mail import Mailbox
from tests.support.personas import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS to a folder to refresh them"
    ),
]

WIDTHS = {"": (1280, 800), "-390": (390, 844)}
# Every step the README's table links, in the order they are taken.
STEPS = (
    "1-sign-in",
    "2-search",
    "2-search-recent",
    "3-customer",
    "4-confirm",
    "4-confirm-paddle-failure",
    "5-links",
    "6-portal",
    "7-replayed",
    "5-emailed",
    "10-switched-off",
    "11-controls",
    "11-reply-message",
    "12-approval-asked",
    "12-approvals",
    "8-audit",
    "9-audit-event",
)


def fill_confirm(page: Page, *, delivery: str = "show") -> None:
    """The confirm page: a reason, the email on file as the requester, the delivery, the password."""
    page.fill("#reason", "TICKET-4711: customer wants to update their card")
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check(f"input[name=delivery][value={delivery}]")
    if page.locator("#id_password").count():
        page.fill("#id_password", PASSWORD)


@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_take_the_readmes_screenshots(
    browser: Browser,
    live_server: LiveServer,
    emulator: Emulator,
    settings: Settings,
    mailbox: Mailbox,
    suffix: str,
) -> None:
    # The password check lapses before a confirmation does: the confirm page shows its field.
    settings.STEP_UP_MINUTES = 5
    folder = Path(os.environ["SCREENSHOTS"])
    taken: list[str] = []
    call_command("bootstrap_roles", stdout=io.StringIO())
    make_user("agent", role="Support agent")
    manager = make_user("manager", role="Support manager")
    base, customer_id = live_server.url, emulator.examples()["all_statuses"]
    subscriptions = emulator.subscriptions_of(customer_id)
    past_due = next(s["id"] for s in subscriptions if s["status"] == "past_due")
    active = next(s["id"] for s in subscriptions if s["status"] == "active")
    width, height = WIDTHS[suffix]
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        return page

    def sign_in(page: Page, username: str) -> None:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state()
        page.screenshot(
            path=folder / f"{name}{suffix}.png", full_page=True, animations="disabled", caret="hide"
        )
        taken.append(name)

    try:
        agent = new_page()
        agent.goto(f"{base}/accounts/login/")
        shot(agent, "1-sign-in")
        sign_in(agent, "agent")
        agent.goto(f"{base}/customers/?q=Avery")
        shot(agent, "2-search")

        # The ticket's customer as a `sub_` search finds it: the past-due subscription marked and
        # ticked, the expired card and the past-due payment near the top; one more ticked by hand.
        agent.goto(f"{base}/customers/{customer_id}/?subscription={past_due}")
        expect(agent.locator("#found-subscription")).to_be_visible()
        agent.check(f"#tick-{active}")
        shot(agent, "3-customer")
        agent.goto(f"{base}/customers/")
        expect(agent.locator("#recent-heading")).to_be_visible()
        shot(agent, "2-search-recent")

        agent.goto(f"{base}/customers/{customer_id}/?subscription={past_due}")
        agent.locator("#action-bar").get_by_role("button", name="Continue").click()
        fill_confirm(agent)
        expect(agent.locator("#step-up-lapses")).to_be_visible()
        shot(agent, "4-confirm")
        emulator.add_fault("/customers/*/portal-sessions", kind="error", method="POST", status=500, times=1)
        agent.get_by_role("button", name="Create links").click()
        expect(agent.locator("#confirm-banner h2")).to_have_text("Paddle is unavailable")
        shot(agent, "4-confirm-paddle-failure")
        fill_confirm(agent)
        agent.get_by_role("button", name="Create links").click()
        expect(agent.locator("h1")).to_contain_text("Portal links for")
        agent.click("text=Show the message")
        expect(agent.locator("#links-countdown")).to_be_visible()
        shot(agent, "5-links")
        with agent.context.expect_page() as opened:
            agent.click("text=Open the customer's portal")
        portal = opened.value
        portal.set_viewport_size({"width": width, "height": height})
        expect(portal.locator(".customer")).to_be_visible()
        shot(portal, "6-portal")
        portal.close()
        agent.reload()  # re-posts the spent confirmation
        expect(agent.locator("#confirm-banner h2")).to_have_text("This confirmation was already used")
        shot(agent, "7-replayed")
        fill_confirm(agent, delivery="email")
        agent.get_by_role("button", name="Create links").click()
        expect(agent.locator("h1")).to_contain_text("Link emailed to")
        shot(agent, "5-emailed")

        kill_switch.set_link_creation(
            context=RequestContext(actor=manager), enabled=False, reason="Paddle incident INC-42"
        )
        agent.goto(f"{base}/customers/{customer_id}/")
        shot(agent, "10-switched-off")
        boss = new_page()
        sign_in(boss, "manager")
        boss.goto(f"{base}/controls/links/")
        shot(boss, "11-controls")
        boss.goto(f"{base}/controls/message/")
        boss.click("button:text('Preview')")
        expect(boss.locator("#message-preview")).to_be_visible()
        shot(boss, "11-reply-message")
        kill_switch.set_link_creation(
            context=RequestContext(actor=manager), enabled=True, reason="INC-42 resolved"
        )

        # Four eyes: a VIP customer's links wait for a manager.
        vip = emulator.examples()["vip"]
        agent.goto(f"{base}/customers/{vip}/")
        agent.locator("input[name=subscription_ids]").first.check()
        agent.locator("#action-bar").get_by_role("button", name="Continue").click()
        fill_confirm(agent)
        agent.click("#ask-approval-button")
        expect(agent.locator("#approval-status")).to_have_text("pending")
        shot(agent, "12-approval-asked")
        boss.goto(f"{base}/approvals/")
        shot(boss, "12-approvals")

        boss.goto(f"{base}/audit/")
        shot(boss, "8-audit")
        created = AuditEvent.objects.filter(action="portal_session.created").order_by("seq").first()
        assert created is not None
        boss.goto(f"{base}/audit/{created.seq}/")
        shot(boss, "9-audit-event")
    finally:
        for context in contexts:
            context.close()
    assert tuple(sorted(taken)) == tuple(sorted(STEPS))

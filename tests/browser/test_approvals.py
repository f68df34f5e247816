"""Four eyes in two real browsers: an agent asks, a manager approves, the agent gets the links once."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from paddle_emulator import Emulator
from sessions_app.models import ApprovalRequest, AuditEvent
from tests.support.browser import sign_in
from tests.support.journey import paddle_posts
from tests.support.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_LINKS = "a[href*='/portal/']"


def test_an_agent_asks_a_manager_approves_with_a_note_and_the_agent_completes_with_the_story_audited(
    page: Page, browser: Browser, live_server: object, emulator: Emulator, browser_agent: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    make_user("manager", role="Support manager")
    customer_id = emulator.examples()["vip"]
    email = emulator.customer(customer_id)["email"]

    # The agent: a VIP customer's confirm page offers only to ask a manager.
    sign_in(page, base)
    page.goto(f"{base}/customers/{customer_id}/")
    page.locator("input[name=subscription_ids]").first.check()
    page.click("text=Continue")
    expect(page.locator("#approval-rules")).to_contain_text("high-value")
    expect(page.locator("text=Create links")).to_have_count(0)
    page.fill("#reason", "TICKET-VIP-1")
    page.fill("#requester_email", email)
    page.check("input[name=delivery][value=show]")
    page.click("#ask-approval-button")
    expect(page.locator("#approval-status")).to_have_text("pending")
    request_url = page.url
    assert paddle_posts(emulator) == []

    # The manager, in a browser of their own: the badge, the request, a decision with a note.
    manager_context = browser.new_context()
    try:
        manager = manager_context.new_page()
        manager.set_default_timeout(5000)
        sign_in(manager, base, username="manager")
        expect(manager.locator("#approvals-badge")).to_have_text("1")
        manager.click("#nav-approvals")
        manager.click("text=Open #")
        expect(manager.locator("#approval-rules")).to_contain_text("high-value")
        expect(manager.locator("#link-history")).to_be_visible()
        manager.fill("#note", "VIP confirmed on the phone")
        manager.click("button[value=approve]")
        expect(manager.locator("#no-pending")).to_be_visible()
        expect(manager.locator("#approvals-badge")).to_have_count(0)

        # The agent completes within the use window and gets the links once.
        page.goto(request_url)
        expect(page.locator("#approval-status")).to_have_text("approved")
        expect(page.locator("#decision-note")).to_have_text("VIP confirmed on the phone")
        page.click("text=Create and show the links")
        expect(page.locator(PORTAL_LINKS)).to_have_count(1 + 3)
        assert len(paddle_posts(emulator)) == 1
        assert ApprovalRequest.objects.get().status == "used"

        # The audit event page tells the whole story, in order.
        requested = AuditEvent.objects.get(action="approval.requested")
        manager.goto(f"{base}/audit/{requested.seq}/")
        story = manager.locator("#related-events")
        expect(story).to_contain_text("approval request #")
        actions = story.locator("td.mono").all_inner_texts()
        assert [a for a in actions if a.startswith(("approval.", "portal_session."))] == [
            "approval.approved",
            "approval.used",
            "portal_session.requested",
            "portal_session.created",
        ]
    finally:
        manager_context.close()

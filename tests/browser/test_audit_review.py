"""A manager answers "which agents created links for Initech Procurement in the last 7 days, and why?"."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from sessions_app import audit
from sessions_app.context import RequestContext
from tests.support.browser import sign_in
from tests.support.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INITECH = "ctm_01h8441jn5pcwrfhwh78jqt8hk"
GLOBEX = "ctm_01h8441jn5pcwrfhwh78jqt8zz"


@pytest.fixture
def browser_manager(transactional_db: None) -> User:
    call_command("bootstrap_roles", stdout=io.StringIO())
    return make_user("manager", role="Support manager")


def seed() -> None:
    """Three agents' link attempts, written through audit.record with the customer's name."""
    agents = {name: make_user(name, role="Support agent") for name in ("alice", "bob", "carol")}
    for name, customer_id, customer_name, reason, action, outcome in [
        ("alice", INITECH, "Initech Procurement", "TICKET-101", "portal_session.created", "success"),
        ("bob", INITECH, "Initech Procurement", "TICKET-202", "portal_session.created", "success"),
        ("bob", INITECH, "", "TICKET-203", "portal_session.requested", "denied"),
        ("carol", GLOBEX, "Globex", "TICKET-303", "portal_session.created", "success"),
    ]:
        audit.record(
            action=action,
            outcome=outcome,
            context=RequestContext(actor=agents[name]),
            customer_id=customer_id,
            customer_name=customer_name,
            subscription_ids=["sub_01h8441jn5pcwrfhwh78jqt8aa"],
            reason=reason,
        )


def test_a_manager_finds_who_sent_links_for_a_customer_by_name_and_a_bad_filter_says_why(
    page: Page, live_server: object, browser_manager: User
) -> None:
    assert not settings.DEBUG  # production's error handling, as the issue reported it
    base = live_server.url  # type: ignore[attr-defined]
    seed()
    sign_in(page, base, username="manager")
    page.goto(f"{base}/audit/")
    page.fill("#id_customer", "initech procurement")
    page.check("#id_links")
    page.fill("#id_from", str((timezone.now() - timedelta(days=6)).date()))
    page.click("button:text('Filter')")
    rows = page.locator("#audit-results tbody tr")
    expect(rows).to_have_count(3)
    text = page.locator("#audit-results").inner_text()
    for expected in ("alice", "TICKET-101", "bob", "TICKET-202", "TICKET-203", "Initech Procurement"):
        assert expected in text
    assert "carol" not in text
    assert "TICKET-303" not in text

    # A bad filter: the message beside the field, and no list (not the old one, not an unfiltered one).
    page.fill("#id_customer", "x")
    page.click("button:text('Filter')")
    expect(page.locator("#id_customer-error")).to_contain_text("at least 2 letters")
    expect(page.locator("#audit-results tbody tr")).to_have_count(0)
    assert "TICKET-101" not in page.locator("#audit-body").inner_text()

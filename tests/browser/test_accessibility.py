"""Every console page and state, at 1280, 390 and 1920 px: zero WCAG 2.2 A/AA violations by axe-core,
no horizontal scroll at any width, and the layout that makes each width usable: the customer page's
Continue in view with the subscriptions at every width, and on a wide screen a content column that
keeps a readable measure instead of stretching across 1920 px.

One walk per width collects every problem before asserting, so a failure lists them all.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch
from sessions_app.models import AuditEvent
from tests.support.accessibility import horizontal_overflow, wcag_violations
from tests.support.mail import Mailbox
from tests.support.personas import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844), "wide": (1920, 1080)}
# The content column's widest (`.page` in app.css): lines and tables stay readable on a wide screen.
MAX_CONTENT_WIDTH = 1100
WIDE = 1920

# Where an element is in the viewport, in CSS pixels.
BOX = "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }"  # noqa: E501


class Walk:
    """Opens pages in one viewport and writes down what axe (and, on a phone, the width) finds."""

    def __init__(self, browser: Browser, base: str, size: tuple[int, int]) -> None:
        self.browser, self.base = browser, base
        self.width, self.height = size
        self.problems: dict[str, list[str]] = {}
        self.states: list[str] = []
        self.contexts: list[BrowserContext] = []

    def new_page(self) -> Page:
        context = self.browser.new_context(viewport={"width": self.width, "height": self.height})
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        return page

    def close(self) -> None:
        """Close every browser it opened, so no keep-alive connection outlives the test's database."""
        for context in self.contexts:
            context.close()

    def sign_in(self, username: str) -> Page:
        page = self.new_page()
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    def check(self, page: Page, state: str) -> None:
        page.wait_for_load_state()
        self.states.append(state)
        found = wcag_violations(page)
        if overflow := horizontal_overflow(page):
            found.append(f"scrolls sideways by {overflow} px")
        found += self.layout_problems(page)
        if found:
            self.problems[state] = found
            print(f"{self.width}px {state}:", *found, sep="\n  ")

    def layout_problems(self, page: Page) -> list[str]:
        """The content column keeps its measure and stays centred (on a wide screen it does not
        stretch); on the customer page, Continue is in view with the subscriptions: on a wide
        screen as the page opens, on smaller ones once the table is scrolled to."""
        found: list[str] = []
        if not page.locator("main.page").count():
            return found  # Django's admin: its own full-width layout
        main = page.locator("main.page").evaluate(BOX)
        if main["right"] - main["left"] > MAX_CONTENT_WIDTH + 1:
            found.append(f"the content column is {main['right'] - main['left']:.0f} px wide")
        if abs(main["left"] - (self.width - main["right"])) > 2:
            found.append(
                f"the content column is off centre ({main['left']:.0f} px left, {main['right']:.0f} right)"
            )
        if page.locator(".action-bar .tick-continue").count():
            if self.width < WIDE:
                page.locator("table.subscriptions tbody tr").first.scroll_into_view_if_needed()
            bar = page.locator(".action-bar .tick-continue").evaluate(BOX)
            table = page.locator("table.subscriptions").evaluate(BOX)
            if bar["top"] < 0 or bar["bottom"] > self.height:
                found.append(
                    f"Continue is out of view (top {bar['top']:.0f} px in a {self.height} px screen)"
                )
            if table["top"] >= self.height or table["bottom"] <= 0:
                found.append("the subscriptions are not in view with Continue")
        return found


def confirm_two(page: Page, base: str, customer_id: str) -> None:
    page.goto(f"{base}/customers/{customer_id}/")
    boxes = page.locator("input[name=subscription_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Continue")
    expect(page.locator("h1")).to_contain_text("Create portal links for")


def fill_and_create(page: Page) -> None:
    page.fill("#reason", "TICKET-4711")
    page.fill("#requester_email", page.locator("#email-on-file").inner_text())
    page.check("input[name=delivery][value=show]")
    page.click("text=Create links")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_and_state_passes_axe_and_fits_the_screen(
    browser: Browser,
    live_server: LiveServer,
    emulator: Emulator,
    settings: Settings,
    width: str,
    request: pytest.FixtureRequest,
    mailbox: Mailbox,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    settings.APPROVAL_ON_QUOTA = False  # the confirm page with the limit's banner is one of the states
    call_command("bootstrap_roles", stdout=io.StringIO())
    make_user("agent", role="Support agent")
    manager = make_user("manager", role="Support manager")
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    base, customer_id = live_server.url, emulator.examples()["all_statuses"]
    walk = Walk(browser, base, WIDTHS[width])
    request.addfinalizer(walk.close)

    anonymous = walk.new_page()
    anonymous.goto(f"{base}/accounts/login/")
    walk.check(anonymous, "sign in")

    agent = walk.sign_in("agent")
    walk.check(agent, "search, empty")
    agent.goto(f"{base}/customers/?q=Avery")
    walk.check(agent, "search, results")
    agent.goto(f"{base}/customers/?q=ctm_123")
    walk.check(agent, "search, error")
    agent.goto(f"{base}/customers/{customer_id}/")
    walk.check(agent, "customer")  # with an EXPIRED card and a past-due payment
    emulator.add_fault("/transactions", kind="error", status=500, times=4)  # every retry fails
    agent.goto(f"{base}/customers/{customer_id}/")
    expect(agent.locator("body")).to_contain_text("Couldn't load failed or past-due payments")
    walk.check(agent, "customer, payments not loaded")
    agent.goto(f"{base}/customers/")
    expect(agent.locator("#recent-heading")).to_be_visible()
    walk.check(agent, "search, recent customers")
    agent.goto(f"{base}/customers/?q=example")
    expect(agent.locator("#results-capped")).to_be_visible()
    walk.check(agent, "search, capped, with subscription counts")
    found = emulator.subscriptions_of(customer_id)[2]["id"]
    agent.goto(f"{base}/customers/{customer_id}/?subscription={found}")
    expect(agent.locator("#found-subscription")).to_be_visible()
    walk.check(agent, "customer, found by a sub_ search, ticked")
    agent.goto(f"{base}/customers/{emulator.examples()['many_subscriptions']}/")
    agent.click("text=Select all eligible")
    expect(agent.locator("#tick-limit")).to_be_visible()
    walk.check(agent, "customer, 25 ticked: the limit in the action bar")
    confirm_two(agent, base, customer_id)
    walk.check(agent, "confirm")
    fill_and_create(agent)
    expect(agent.locator("h1")).to_contain_text("Portal links for")
    walk.check(agent, "links")
    agent.click("text=Show the message")
    expect(agent.locator("#reply-message")).to_be_visible()
    walk.check(agent, "links, message shown")
    agent.reload()  # re-posts the spent confirmation: back to the confirm page, with a banner
    expect(agent.locator("#confirm-banner h2")).to_have_text("This confirmation was already used")
    walk.check(agent, "confirm, banner (replay)")
    confirm_two(agent, base, customer_id)
    fill_and_create(agent)
    expect(agent.locator("#confirm-banner h2")).to_have_text("Link limit reached")
    walk.check(agent, "confirm, banner (rate-limited)")
    settings.PORTAL_SESSIONS_PER_HOUR = 30
    emulator.add_fault("/customers/*/portal-sessions", kind="error", method="POST", status=500, times=1)
    confirm_two(agent, base, customer_id)
    fill_and_create(agent)
    expect(agent.locator("#confirm-banner h2")).to_have_text("Paddle is unavailable")
    walk.check(agent, "confirm, banner (Paddle failure)")
    confirm_two(agent, base, customer_id)
    agent.fill("#reason", "TICKET-4712")
    agent.fill("#requester_email", agent.locator("#email-on-file").inner_text())
    agent.check("input[name=delivery][value=email]")
    agent.click("text=Create links")
    expect(agent.locator("h1")).to_contain_text("Link emailed to")
    walk.check(agent, "link emailed")
    confirm_two(agent, base, customer_id)
    kill_switch.set_link_creation(context=RequestContext(actor=manager), enabled=False, reason="INC-42")
    fill_and_create(agent)
    expect(agent.locator("h1")).to_have_text("Link creation is switched off")
    walk.check(agent, "switched off")
    agent.goto(f"{base}/customers/{customer_id}/")
    walk.check(agent, "customer, switched off")
    agent.goto(f"{base}/audit/")
    walk.check(agent, "audit list, own events")

    boss = walk.sign_in("manager")
    walk.check(boss, "manager's start")
    boss.goto(f"{base}/audit/")
    walk.check(boss, "audit list")
    boss.goto(f"{base}/audit/{AuditEvent.objects.order_by('seq')[0].seq}/")
    walk.check(boss, "audit event")
    boss.goto(f"{base}/approvals/")
    walk.check(boss, "approvals to decide")
    agent.goto(f"{base}/approvals/mine/")
    walk.check(agent, "my approval requests")
    boss.goto(f"{base}/controls/links/")
    walk.check(boss, "kill switch")
    boss.click("text=Continue")
    walk.check(boss, "kill switch, reason missing")
    boss.fill("#id_reason", "incident over")
    boss.click("text=Continue")
    expect(boss.locator("h1")).to_have_text("Switch link creation on?")
    walk.check(boss, "kill switch, confirm step")
    boss.goto(f"{base}/controls/message/")
    walk.check(boss, "reply message")
    boss.fill("#id_text", "Hi {name}")
    boss.click("button:text('Save')")
    expect(boss.locator("#message-problems")).to_be_visible()
    walk.check(boss, "reply message, refused")
    boss.fill("#id_text", "Hi {customer_name},\n\n{links}")
    boss.click("button:text('Preview')")
    expect(boss.locator("#message-preview")).to_contain_text("Hi Avery Quinn,")
    walk.check(boss, "reply message, preview")

    root = walk.sign_in("root")
    expect(root).to_have_url(f"{base}/admin/")
    walk.check(root, "admin index")

    assert walk.problems == {}
    assert len(walk.states) == 32

"""The SSO journey in Debian's Chromium, through the real provider: sign in, step up, sign out."""

import copy
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.accounts import step_up
from tests.support.oidc_provider.fixture import Provider
from tests.support.sso import PROVIDER_PASSWORD, Person, last_event

pytestmark = [pytest.mark.browser]


def sign_in_at_provider(page: Page, person: Person) -> None:
    page.fill("#id_username", person.username)
    page.fill("#id_password", PROVIDER_PASSWORD)
    page.click("#idp-sign-in")


def test_an_agent_signs_in_steps_up_and_signs_out_at_the_provider(
    page: Page, console: str, person: Person, sso: Provider, settings: Settings
) -> None:
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(sso.origin)  # settings.py does this from the endpoints
    settings.CONTENT_SECURITY_POLICY = policy

    page.goto(f"{console}/customers/")
    page.click("#sso-sign-in")
    page.wait_for_url(f"{sso.origin}/accounts/login/**")
    sign_in_at_provider(page, person)
    page.wait_for_url(f"{console}/customers/")
    expect(page.locator(".who")).to_have_text(person.username)

    page.goto(f"{console}/oidc/step-up/?next=/customers/%3Fq%3DAvery")
    page.wait_for_url(f"{sso.origin}/accounts/login/**")  # prompt=login: the password again
    sign_in_at_provider(page, person)
    page.wait_for_url(f"{console}/customers/?q=Avery")
    assert last_event("auth.step_up").details == {"method": "oidc", "sub": person.sub}

    page.click("text=Sign out")
    page.wait_for_url(f"{console}/accounts/login/")
    expect(page.locator("#sso-sign-in")).to_be_visible()
    page.goto(sso.origin)
    expect(page.locator("body")).to_contain_text("signed in: anonymous")


def test_an_agent_creates_links_after_a_step_up_at_the_provider_and_keeps_the_ticks(
    page: Page, console: str, person: Person, sso: Provider, settings: Settings, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["all_statuses"]
    subscription_id = emulator.subscriptions_of(customer_id)[0]["id"]
    email_on_file = emulator.customer(customer_id)["email"]
    page.goto(f"{console}/customers/")
    page.click("#sso-sign-in")
    page.wait_for_url(f"{sso.origin}/accounts/login/**")
    sign_in_at_provider(page, person)
    page.wait_for_url(f"{console}/customers/")
    age_step_up(page, minutes=settings.STEP_UP_MINUTES + 1)

    page.goto(f"{console}/customers/{customer_id}/")
    page.check(f"#tick-{subscription_id}")
    page.click("text=Continue")
    expect(page.locator("#step-up-at-provider")).to_be_visible()
    page.click("#step-up-at-provider")
    page.wait_for_url(f"{sso.origin}/accounts/login/**")  # prove it again at the provider
    sign_in_at_provider(page, person)
    page.wait_for_url(f"{console}/customers/{customer_id}/portal-session/confirm/**")
    expect(page.locator(f'input[name="subscription_ids"][value="{subscription_id}"]')).to_have_count(1)
    expect(page.locator("#step-up-at-provider")).to_have_count(0)  # the proof is fresh now

    page.fill("#reason", "TICKET-77")
    page.fill("#requester_email", email_on_file)
    page.check('input[name="delivery"][value="show"]')
    page.click("text=Create links")
    expect(page.locator("h1")).to_contain_text("Portal links")
    assert last_event("portal_session.created").subscription_ids == [subscription_id]
    assert last_event("auth.step_up").details == {"method": "oidc", "sub": person.sub}


def age_step_up(page: Page, *, minutes: int) -> None:
    """Move this browser's last identity proof `minutes` into the past (the session is server-side)."""
    engine = import_module(django_settings.SESSION_ENGINE)
    cookie = next(c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    session = engine.SessionStore(session_key=cookie["value"])
    session[step_up.SESSION_KEY] -= minutes * 60
    session.save()

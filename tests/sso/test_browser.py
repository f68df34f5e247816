"""The SSO journey in Debian's Chromium, through the real provider: sign in, step up, sign out."""

import copy

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from tests.support.oidc_provider.fixture import Provider

from .conftest import PROVIDER_PASSWORD, Person, last_event

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

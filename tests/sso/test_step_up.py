"""Step-up through the provider: prompt=login and max_age, and only a fresh auth_time counts."""

import time
from urllib.parse import parse_qs, urlsplit

import requests
from django.contrib.sessions.models import Session
from pytest_django import Settings

from sessions_app.accounts.step_up import SESSION_KEY
from tests.support.forged_tokens import ForgedTokens
from tests.support.oidc_provider.fixture import Provider
from tests.support.sso import Person, last_event

from .test_bad_input import forge, valid_claims


def step_up_proved_at(person: Person) -> int | None:
    key = person.browser.cookies.get("sessionid")
    proved: int | None = Session.objects.get(session_key=key).get_decoded().get(SESSION_KEY)
    return proved


def test_a_step_up_asks_the_provider_for_the_password_again_and_returns_to_the_page(
    console: str, person: Person, settings: Settings
) -> None:
    settings.STEP_UP_MINUTES = 5
    person.sign_in(console)
    signed_in_at = step_up_proved_at(person)
    time.sleep(1.1)  # auth_time has a resolution of a second

    to_provider = person.browser.get(
        f"{console}/oidc/step-up/", params={"next": "/customers/?q=Avery"}, allow_redirects=False, timeout=10
    )
    params = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert params["max_age"] == ["300"]
    assert params["prompt"] == ["login"]
    form = person.browser.get(to_provider.headers["Location"], timeout=10)
    back = person.submit_provider_form(form)  # prompt=login: the form again, although signed in there

    assert urlsplit(back.url).path == "/customers/"
    assert urlsplit(back.url).query == "q=Avery"
    proved_at = step_up_proved_at(person)
    assert signed_in_at is not None
    assert proved_at is not None
    assert proved_at > signed_in_at
    step_up = last_event("auth.step_up")
    assert step_up.outcome == "success"
    assert step_up.details == {"method": "oidc", "sub": person.sub}


def test_a_step_up_only_returns_to_a_path_on_this_site(console: str, person: Person) -> None:
    person.sign_in(console)
    person.browser.get(f"{console}/oidc/step-up/", params={"next": "https://evil.example/"}, timeout=10)
    form = person.browser.get(f"{console}/oidc/step-up/", params={"next": "//evil.example/"}, timeout=10)
    back = person.submit_provider_form(form)
    assert back.url == f"{console}/customers/"


def test_a_step_up_answered_with_an_old_authentication_is_refused_and_offers_to_try_again(
    console: str, person: Person, sso: Provider, forged: ForgedTokens, settings: Settings
) -> None:
    person.sign_in(console)
    before = step_up_proved_at(person)
    forge(settings, forged)
    to_provider = person.browser.get(
        f"{console}/oidc/step-up/", params={"next": "/customers/"}, allow_redirects=False, timeout=10
    )
    params = {k: v[0] for k, v in parse_qs(urlsplit(to_provider.headers["Location"]).query).items()}
    forged.claims = {**valid_claims(sso, person, params["nonce"]), "auth_time": int(time.time()) - 3600}

    refused = person.browser.get(f"{console}/oidc/callback/?code=x&state={params['state']}", timeout=10)

    assert refused.status_code == 400
    assert "<code>step_up_stale</code>" in refused.text
    assert 'href="/oidc/step-up/?next=%2Fcustomers%2F"' in refused.text
    denied = last_event("auth.step_up")
    assert denied.outcome == "denied"
    assert denied.error_code == "step_up_stale"
    assert person.is_signed_in(console)  # still signed in, only not proven again
    assert step_up_proved_at(person) == before


def test_the_step_up_page_needs_a_signed_in_user(console: str, sso: Provider) -> None:
    response = requests.get(f"{console}/oidc/step-up/", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")

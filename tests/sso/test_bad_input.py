"""Every bad answer from (or pretending to be) the provider: refused, clear page, audited, no session."""

import time
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from pytest_django import Settings

from sessions_app.models import AuditEvent, OIDCIdentity
from tests.support.forged_tokens import ForgedTokens
from tests.support.oidc_provider.fixture import Provider
from tests.support.sso import Person, last_event


def assert_refused(console: str, person: Person, response: requests.Response, code: str) -> None:
    """A clear page with a fresh sign-in link, `auth.login_failed` with the code, and no session."""
    assert response.status_code in (400, 403)
    assert 'href="/oidc/authenticate/"' in response.text
    assert f"<code>{code}</code>" in response.text
    failed = last_event("auth.login_failed")
    assert failed.error_code == code
    assert failed.details == {"method": "oidc"}
    assert not person.is_signed_in(console)
    assert not AuditEvent.objects.filter(action="auth.login", seq__gt=failed.seq).exists()


def forge(settings: Settings, forged: ForgedTokens, *, own_keys: bool = True) -> None:
    """Point the console's token (and userinfo, and with `own_keys` JWKS) endpoints at the forger."""
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{forged.origin}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{forged.origin}/userinfo"
    if own_keys:
        settings.OIDC_OP_JWKS_ENDPOINT = f"{forged.origin}/jwks"


def valid_claims(sso: Provider, person: Person, nonce: str) -> dict[str, object]:
    return {
        "iss": sso.issuer,
        "aud": sso.client_id,
        "sub": person.sub,
        "nonce": nonce,
        "email": person.email,
        "email_verified": True,
        "groups": ["support-managers"],
    }


def test_a_callback_without_state_is_refused(console: str, person: Person) -> None:
    person.start_sign_in(console)
    response = person.browser.get(f"{console}/oidc/callback/?code=abc", timeout=10)
    assert_refused(console, person, response, "state_missing")


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(console: str, person: Person) -> None:
    person.start_sign_in(console)
    response = person.browser.get(f"{console}/oidc/callback/?code=abc&state=forged", timeout=10)
    assert_refused(console, person, response, "state_unknown")


def test_a_replayed_callback_is_refused(console: str, person: Person) -> None:
    landing = person.sign_in(console)
    callback = next(hop.url for hop in landing.history if "/oidc/callback/" in hop.url)
    person.sign_out(console)

    response = person.browser.get(callback, timeout=10)

    assert_refused(console, person, response, "state_unknown")


def test_a_replayed_code_under_a_fresh_state_is_refused_by_the_provider(console: str, person: Person) -> None:
    landing = person.sign_in(console)
    callback = next(hop for hop in landing.history if "/oidc/callback/" in hop.url)
    code = urlsplit(callback.url).query.split("code=")[1].split("&")[0]
    person.sign_out(console)
    state = person.start_sign_in(console)["state"]

    response = person.browser.get(
        f"{console}/oidc/callback/", params={"code": code, "state": state}, timeout=10
    )

    assert_refused(console, person, response, "code_rejected")


def test_an_id_token_signed_by_another_key_is_refused(
    console: str, person: Person, sso: Provider, forged: ForgedTokens, settings: Settings
) -> None:
    forge(settings, forged, own_keys=False)  # the console still trusts only the provider's keys
    provider_kid = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=10).json()["keys"][0]["kid"]
    forged.kid = provider_kid
    params = person.start_sign_in(console)
    forged.claims = valid_claims(sso, person, params["nonce"])

    response = person.browser.get(f"{console}/oidc/callback/?code=x&state={params['state']}", timeout=10)

    assert_refused(console, person, response, "signature_invalid")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "token_expired"),
        ({"aud": "another-application"}, "audience_invalid"),
        ({"iss": "http://127.0.0.1:9/o"}, "issuer_invalid"),
        ({"nonce": "from-another-sign-in"}, "nonce_invalid"),
    ],
)
def test_a_token_that_is_expired_or_for_another_audience_issuer_or_sign_in_is_refused(
    console: str,
    person: Person,
    sso: Provider,
    forged: ForgedTokens,
    settings: Settings,
    change: dict[str, object],
    code: str,
) -> None:
    forge(settings, forged)
    params = person.start_sign_in(console)
    forged.claims = {**valid_claims(sso, person, params["nonce"]), **change}

    response = person.browser.get(f"{console}/oidc/callback/?code=x&state={params['state']}", timeout=10)

    assert_refused(console, person, response, code)


def test_an_unverified_email_is_refused(console: str, person: Person) -> None:
    person.set_groups(["support-agents"], email_verified=False)
    response = person.sign_in(console)
    assert_refused(console, person, response, "email_unverified")
    assert not User.objects.filter(email=person.email).exists()


def test_a_new_sub_for_a_known_email_is_refused_not_merged(console: str, person: Person) -> None:
    person.sign_in(console)
    first_sub = person.sub
    person.sign_out(console)
    person.set_groups(["support-managers"], recreate=True)  # a new account at the provider, same email
    assert person.sub != first_sub

    response = person.sign_in(console)

    assert response.status_code == 403
    assert "<code>sub_changed</code>" in response.text
    assert last_event("auth.login_failed").error_code == "sub_changed"
    assert not person.is_signed_in(console)
    assert list(OIDCIdentity.objects.values_list("sub", flat=True)) == [first_sub]
    assert not User.objects.get(email=person.email).groups.filter(name="Support manager").exists()


def test_a_user_deactivated_in_the_console_cannot_sign_in(console: str, person: Person) -> None:
    person.sign_in(console)
    person.sign_out(console)
    User.objects.filter(username=person.username).update(is_active=False)

    response = person.sign_in(console)

    assert response.status_code == 403
    assert last_event("auth.login_failed").error_code == "user_inactive"
    assert not person.is_signed_in(console)


def test_a_user_deactivated_at_the_provider_cannot_sign_in(console: str, person: Person) -> None:
    person.set_groups(["support-agents"], is_active=False)
    page = person.browser.get(f"{console}/oidc/authenticate/", timeout=10)
    response = person.submit_provider_form(page)
    assert "Wrong username or password" in response.text
    assert not person.is_signed_in(console)


def test_two_tabs_signing_in_at_once_both_end_signed_in(console: str, person: Person) -> None:
    def authorization_url() -> str:
        response = person.browser.get(f"{console}/oidc/authenticate/", allow_redirects=False, timeout=10)
        return str(response.headers["Location"])

    first_tab, second_tab = authorization_url(), authorization_url()

    second = person.submit_provider_form(person.browser.get(second_tab, timeout=10))
    first = person.browser.get(first_tab, timeout=10)  # the provider knows them by now: no form

    assert second.url == f"{console}/customers/"
    assert first.url == f"{console}/customers/"
    assert person.is_signed_in(console)


def test_a_tab_whose_sign_in_was_lost_is_offered_a_fresh_one_that_works(console: str, person: Person) -> None:
    stale_tab = person.browser.get(f"{console}/oidc/authenticate/", timeout=10)
    person.browser.cookies.clear(domain="localhost.local", path="/", name="sessionid")  # the session expired

    refused = person.submit_provider_form(stale_tab)
    assert_refused(console, person, refused, "state_unknown")

    retry = person.browser.get(f"{console}/oidc/authenticate/", timeout=10)  # the page's link
    assert retry.url == f"{console}/customers/"  # still signed in at the provider: no form again

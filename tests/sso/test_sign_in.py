"""Signing in through the real identity provider: landing, roles from groups, signing out there."""

from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import User

from sessions_app.models import OIDCIdentity
from tests.support.oidc_provider.fixture import Provider
from tests.support.sso import Person, last_event


def roles_of(username: str) -> list[str]:
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_an_agent_signs_in_at_the_provider_and_lands_on_the_customer_search_as_an_agent(
    console: str, person: Person
) -> None:
    landing = person.sign_in(console)

    assert landing.url == f"{console}/customers/"
    assert landing.status_code == 200
    assert roles_of(person.username) == ["Support agent"]
    identity = OIDCIdentity.objects.get(user__username=person.username)
    assert identity.sub == person.sub
    assert identity.last_auth_time is not None
    login = last_event("auth.login")
    assert login.actor_username == person.username
    assert login.details == {"method": "oidc", "sub": person.sub}
    roles = last_event("auth.roles_changed")
    assert roles.details["before"] == []
    assert roles.details["after"] == ["Support agent"]


def test_the_authorization_request_uses_pkce_s256_a_nonce_and_the_groups_scope(
    console: str, person: Person
) -> None:
    params = person.start_sign_in(console)

    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["nonce"]
    assert params["state"]
    assert "groups" in params["scope"].split()


def test_a_group_removed_at_the_provider_removes_the_role_at_the_next_sign_in(
    console: str, person: Person
) -> None:
    person.set_groups(["support-agents", "support-managers", "unrelated-team"])
    person.sign_in(console)
    assert roles_of(person.username) == ["Support agent", "Support manager"]
    person.sign_out(console)

    person.set_groups(["support-agents"])
    person.sign_in(console)

    assert roles_of(person.username) == ["Support agent"]
    change = last_event("auth.roles_changed")
    assert change.details["before"] == ["Support agent", "Support manager"]
    assert change.details["after"] == ["Support agent"]
    assert person.browser.get(f"{console}/audit/export.csv", timeout=10).status_code == 403


def test_someone_with_no_mapped_group_signs_in_without_a_role_and_is_told_to_ask_an_administrator(
    console: str, person: Person
) -> None:
    person.set_groups(["unrelated-team"])

    landing = person.sign_in(console)

    assert landing.status_code == 403
    assert "Ask an administrator" in landing.text
    assert roles_of(person.username) == []


def test_signing_out_signs_out_at_the_provider_with_the_id_token_as_hint(
    console: str, person: Person, sso: Provider
) -> None:
    person.sign_in(console)

    signed_out = person.sign_out(console)

    end_session = signed_out.history[0].headers["Location"]
    assert end_session.startswith(f"{sso.issuer}/logout/")
    assert parse_qs(urlsplit(end_session).query)["id_token_hint"][0].count(".") == 2
    assert signed_out.url == f"{console}/accounts/login/"
    assert "signed in: anonymous" in person.browser.get(sso.origin, timeout=10).text
    assert not person.is_signed_in(console)

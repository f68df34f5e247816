"""With SSO on, the password form is gone, except superusers' break-glass when it is allowed."""

import io

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings

from sessions_app.models import AuditEvent
from tests.support.oidc_provider.fixture import OFFLINE_SSO
from tests.support.personas import PASSWORD
from tests.support.sso import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_on(settings: Settings) -> None:
    apply(settings, OFFLINE_SSO)


def test_with_sso_on_the_sign_in_page_offers_only_the_provider(client: Client, sso_on: None) -> None:
    page = client.get("/accounts/login/?next=/audit/").content.decode()
    assert 'href="/oidc/authenticate/?next=%2Faudit%2F"' in page
    assert "Sign in with Test IdP" in page
    assert 'name="password"' not in page


def test_with_sso_on_a_posted_password_is_refused_and_audited(
    client: Client, sso_on: None, superuser: User
) -> None:
    response = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 403
    assert "Passwords are off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.error_code == "password_login_disabled"
    assert event.actor_username == "root"


def test_break_glass_lets_a_superuser_in_with_a_password_and_is_audited(
    client: Client, sso_on: None, settings: Settings, superuser: User
) -> None:
    settings.ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS = True
    assert 'name="password"' in client.get("/accounts/login/").content.decode()

    response = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(superuser.pk)
    assert AuditEvent.objects.get(action="auth.break_glass").actor == superuser
    assert AuditEvent.objects.get(action="auth.login").details == {"method": "password"}


def test_break_glass_refuses_anyone_but_a_superuser(
    client: Client, sso_on: None, settings: Settings, agent: User
) -> None:
    settings.ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS = True
    response = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 200
    assert "only for break-glass by superusers" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="auth.login_failed").error_code == "password_login_disabled"
    assert not AuditEvent.objects.filter(action="auth.break_glass").exists()


def test_break_glass_is_still_behind_the_lockout(
    client: Client, sso_on: None, settings: Settings, superuser: User
) -> None:
    settings.ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS = True
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "root", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_with_sso_off_the_password_form_works_as_before_and_records_the_method(
    client: Client, agent: User
) -> None:
    response = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.login").details == {"method": "password"}
    assert client.get("/oidc/authenticate/").status_code == 404


@pytest.mark.parametrize("sso", [False, True], ids=["sso off", "sso on"])
def test_an_expired_session_on_an_htmx_request_redirects_the_page_to_sign_in(
    client: Client, settings: Settings, sso: bool
) -> None:
    if sso:
        apply(settings, OFFLINE_SSO)
    response = client.get(
        "/customers/?q=Avery",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/customers/?q=Av"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fcustomers%2F%3Fq%3DAv"
    assert response.content == b""


def test_end_sessions_signs_a_user_out_everywhere_and_leaves_others_alone(agent: User, manager: User) -> None:
    browsers = [Client(), Client(), Client()]
    browsers[0].force_login(agent)
    browsers[1].force_login(agent)
    browsers[2].force_login(manager)
    out = io.StringIO()

    call_command("end_sessions", "agent", stdout=out)

    assert "Ended 2 session(s) of agent." in out.getvalue()
    assert [b.get("/customers/").status_code for b in browsers] == [302, 302, 200]
    assert Session.objects.count() == 1
    assert AuditEvent.objects.get(action="auth.sessions_ended").details == {"user": "agent", "sessions": 2}

"""Step 1: signing in, and sessions that end after 30 idle minutes."""

from contextlib import AbstractContextManager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_page_shows_a_form(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html


def test_an_agent_signs_in_and_lands_on_the_customer_search(client: Client, agent: User) -> None:
    response = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    assert client.get("/customers/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client: Client, agent: User) -> None:
    response = client.post("/accounts/login/", {"username": "agent", "password": "not the password"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode().lower()
    assert client.get("/customers/").status_code == 302


def test_signing_in_returns_to_the_page_asked_for(client: Client, agent: User) -> None:
    response = client.post(
        "/accounts/login/?next=/customers/",
        {"username": "agent", "password": PASSWORD, "next": "/customers/"},
    )
    assert response["Location"] == "/customers/"


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_session_lives_while_used_and_ends_after_30_idle_minutes(client: Client, agent: User) -> None:
    client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    start = timezone.now()

    def at(minutes: float) -> AbstractContextManager[object]:
        return mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes))

    with at(29):
        assert client.get("/customers/").status_code == 200  # each request starts 30 new minutes
    with at(58):
        assert client.get("/customers/").status_code == 200
    with at(58 + 31):
        response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_out_ends_the_session(client: Client, agent: User) -> None:
    client.force_login(agent)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/customers/").status_code == 302

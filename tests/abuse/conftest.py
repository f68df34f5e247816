"""Fixtures and steps for the abuse-control tests: a signed-in agent walking confirm → create."""

import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from sessions_app import stepup
from sessions_app.paddle.emulator import Emulator

TOKEN_RE = re.compile(r'name="confirmation_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Step-up checks hash passwords many times; the real hasher takes ~0.3 s per check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agent_client(client: Client, agent: User) -> Client:
    client.force_login(agent)
    return client


@pytest.fixture
def customer(emulator: Emulator) -> tuple[str, list[str]]:
    """The example customer with a subscription in every status, and one of its subscriptions."""
    customer_id = emulator.examples()["all_statuses"]
    return customer_id, [emulator.subscriptions_of(customer_id)[0]["id"]]


def confirm(client: Client, customer: tuple[str, list[str]]) -> HttpResponse:
    customer_id, subscription_ids = customer
    url = f"/customers/{customer_id}/portal-session/confirm/"
    return client.post(url, {"subscription_ids": subscription_ids})


def token_of(confirm_page: HttpResponse) -> str:
    assert confirm_page.status_code == 200, confirm_page.content
    match = TOKEN_RE.search(confirm_page.content.decode())
    assert match is not None
    return match.group(1)


def create(
    client: Client, customer: tuple[str, list[str]], token: str, *, password: str | None = None
) -> HttpResponse:
    customer_id, subscription_ids = customer
    data = {"subscription_ids": subscription_ids, "reason": "TICKET-7", "confirmation_token": token}
    if password is not None:
        data["password"] = password
    return client.post(f"/customers/{customer_id}/portal-session/", data)


def confirm_and_create(client: Client, customer: tuple[str, list[str]]) -> HttpResponse:
    return create(client, customer, token_of(confirm(client, customer)))


def age_step_up(client: Client, minutes: int) -> None:
    """Move the session's last password proof `minutes` into the past."""
    session = client.session
    session[stepup.SESSION_KEY] -= minutes * 60
    session.save()

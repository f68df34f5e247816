"""Anonymous `/healthz` says only ok or not; the details need the token or a signed-in manager."""

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-health-token"


@pytest.fixture(autouse=True)
def health_token(settings: Settings) -> None:
    settings.HEALTHZ_TOKEN = TOKEN


def test_an_anonymous_caller_gets_the_status_and_nothing_else(client: Client, emulator: Emulator) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "request_id" not in response.content.decode()


def test_an_anonymous_caller_sees_a_failure_as_503_without_why(client: Client, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="html", status=502)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}


@pytest.mark.parametrize("token", ["wrong", TOKEN[:-1], TOKEN + "x", ""])
def test_a_wrong_token_gets_the_status_only(emulator: Emulator, token: str) -> None:
    response = Client(HTTP_X_HEALTHZ_TOKEN=token).get("/healthz")

    assert response.json() == {"status": "ok"}


def test_the_token_gets_the_details(emulator: Emulator) -> None:
    body = Client(HTTP_X_HEALTHZ_TOKEN=TOKEN).get("/healthz").json()

    assert body["paddle"]["key_valid"] is True
    assert body["database"]["ok"] is True


def test_without_a_configured_token_an_empty_header_gets_nothing(
    emulator: Emulator, settings: Settings
) -> None:
    settings.HEALTHZ_TOKEN = ""

    assert Client(HTTP_X_HEALTHZ_TOKEN="").get("/healthz").json() == {"status": "ok"}


def test_a_signed_in_manager_gets_the_details_and_an_agent_does_not(
    manager_client: Client, agent_client: Client, emulator: Emulator
) -> None:
    assert "paddle" in manager_client.get("/healthz").json()
    assert agent_client.get("/healthz").json() == {"status": "ok"}

"""`/healthz`: database and Paddle reachability for a load balancer, never cached; details only
for HEALTHZ_TOKEN (these tests send it) or a manager (tests/ops/test_health_details.py)."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.views.health import PADDLE_CACHE_KEY

PROBE_TOKEN = "probe-token-for-the-tests"


@pytest.fixture
def client(settings: Settings) -> Client:
    """A monitoring probe that holds the health token."""
    settings.HEALTHZ_TOKEN = PROBE_TOKEN
    return Client(HTTP_X_HEALTHZ_TOKEN=PROBE_TOKEN)


WRONG_KEY = "pdl_sdbx_apikey_01wrong00000000000000000000_WrongWrongWrongWrongWr_Wrg"


def paddle_probes(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.path == "/customers")


def unreachable_database(execute: object, sql: str, params: object, many: bool, context: object) -> None:
    raise OperationalError("could not connect to server")


@pytest.mark.django_db
def test_healthy_when_database_and_paddle_answer(client: Client, emulator: Emulator) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["ms"] >= 0
    paddle = body["paddle"]
    assert (paddle["ok"], paddle["key_valid"], paddle["error"]) == (True, True, None)
    assert paddle["request_id"]
    assert paddle["ms"] >= 0


@pytest.mark.django_db
def test_a_key_paddle_refuses_is_reported_as_invalid_with_503(
    client: Client, emulator: Emulator, settings: Settings
) -> None:
    settings.PADDLE_API_KEY = WRONG_KEY

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["ok"] is True
    assert body["paddle"]["ok"] is False
    assert body["paddle"]["key_valid"] is False
    assert body["paddle"]["error"] == "invalid_token"


@pytest.mark.django_db
def test_paddle_answering_502_is_a_503_without_a_verdict_on_the_key(
    client: Client, emulator: Emulator
) -> None:
    emulator.add_fault("/customers", kind="html", status=502)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    paddle = response.json()["paddle"]
    assert paddle["ok"] is False
    assert paddle["key_valid"] is None
    assert paddle["error"] == "bad_gateway"


@pytest.mark.django_db
def test_an_unreachable_database_is_a_503(client: Client, emulator: Emulator) -> None:
    with connection.execute_wrapper(unreachable_database):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["ok"] is False
    assert body["paddle"]["ok"] is True


@pytest.mark.django_db
def test_only_code_names_leave_the_process(client: Client, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="error", status=500, code="internal_error")

    response = client.get(reverse("healthz"))

    paddle = response.json()["paddle"]
    assert set(paddle) == {"ok", "key_valid", "ms", "request_id", "error"}
    assert paddle["error"] == "internal_error"
    assert "detail" not in response.content.decode().lower()
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_polling_reuses_the_paddle_result_for_ten_seconds(client: Client, emulator: Emulator) -> None:
    for _ in range(5):
        assert client.get(reverse("healthz")).status_code == 200

    assert paddle_probes(emulator) == 1


@pytest.mark.django_db
def test_the_paddle_result_expires_so_a_recovery_shows(client: Client, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="html", status=502)
    assert client.get(reverse("healthz")).status_code == 503
    emulator.reset()
    cache.delete(PADDLE_CACHE_KEY)  # what ten seconds do

    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.django_db
def test_the_answer_is_never_cached_and_open_to_anyone(client: Client, emulator: Emulator) -> None:
    response = client.get(reverse("healthz"))

    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_get_and_head_are_the_only_methods(client: Client, emulator: Emulator) -> None:
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_paddle_rate_limiting_us_is_busy_not_down(client: Client, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="error", status=429, retry_after=30)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    paddle = response.json()["paddle"]
    assert (paddle["ok"], paddle["key_valid"], paddle["error"]) == (True, None, "too_many_requests")


@pytest.mark.django_db
def test_an_exhausted_request_budget_is_busy_not_down(
    client: Client, emulator: Emulator, settings: Settings
) -> None:
    settings.PADDLE_BUDGET_PER_MINUTE = 0
    settings.PADDLE_BUDGET_MAX_WAIT = 0

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["paddle"]["error"] == "budget_exhausted"
    assert paddle_probes(emulator) == 0


@pytest.mark.django_db
def test_a_plain_http_probe_is_not_redirected_to_https(
    client: Client, emulator: Emulator, settings: Settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301

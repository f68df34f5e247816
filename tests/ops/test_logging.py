"""Log lines: JSON with request context, and no portal link, token, key or searched email."""

import copy
import io
import json
import logging
import logging.config
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from paddle_emulator import Emulator

PORTAL_URL = "https://customer-portal.paddle.com/cpl_01hv8wpts6n6k4nqpm7yzq2e1a?action=overview&token=pga_eyJhbGciOi.J9x-y_Z"
EMULATOR_PORTAL_URL = (
    "http://127.0.0.1:8123/portal/cpl_01hv8wpts6n6k4nqpm7yzq2e1a?action=cancel&token=pga_abc"
)
MANAGEMENT_URL = (
    "https://sandbox-buyer-portal.paddle.com/subscriptions/sub_01hv8x29kz0t586xy6zn1a62ny/cancel?token=pga_x"
)
API_KEY = "pdl_live_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO"
EMAIL = "jo.customer@example.com"
SECRETS = ("pga_", "cpl_01", "customer-portal.paddle", "buyer-portal", API_KEY, EMAIL, "q6TGTJ")


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The real LOGGING config, in production's JSON format, writing to a buffer: its lines."""
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["stdout"]["formatter"] = "json"
    config["handlers"]["stdout"]["stream"] = stream
    logging.config.dictConfig(config)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logging.config.dictConfig(django_settings.LOGGING)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_a_line_is_one_json_object_with_the_agreed_fields(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    logging.getLogger("sessions_app.test").info("hello %s", "world")

    (line,) = log_lines()
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "sessions_app.test"
    assert {"time", "request_id", "user", "path"} <= set(line)
    assert line["request_id"] == "-"


@pytest.mark.parametrize(
    "secret",
    [
        PORTAL_URL,
        EMULATOR_PORTAL_URL,
        MANAGEMENT_URL,
        "sandbox-customer-portal.paddle.com/cpl_01hv8wpts6n6k4nqpm7yzq2e1a",
        f"Bearer {API_KEY}",
        API_KEY,
        "pga_onlythetoken",
    ],
)
def test_portal_links_tokens_and_keys_are_cut_from_messages_and_arguments(
    log_lines: Callable[[], list[dict[str, Any]]], secret: str
) -> None:
    log = logging.getLogger("sessions_app.test")
    log.warning("in the message: " + secret.replace("%", "%%"))
    log.warning("in an argument: %s", secret)
    log.warning("in a dict argument: %(url)s", {"url": secret})

    raw = json.dumps(log_lines())
    assert_clean(raw)
    assert raw.count("redacted") >= 3


@pytest.mark.parametrize("name", ["q", "email", "search"])
def test_emails_in_query_strings_are_cut(log_lines: Callable[[], list[dict[str, Any]]], name: str) -> None:
    logging.getLogger("sessions_app.test").info("GET /customers/?page=2&%s=%s", name, EMAIL)

    (line,) = log_lines()
    assert EMAIL not in line["message"]
    assert "page=2" in line["message"]


def test_an_email_inside_a_sign_in_redirect_is_cut(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    encoded = EMAIL.replace("@", "%40")
    logging.getLogger("sessions_app.test").info(
        '"GET /accounts/login/?next=/customers/%%3Fq%%3D%s HTTP/1.1" 200', encoded
    )

    (line,) = log_lines()
    assert encoded not in line["message"]
    assert EMAIL.split("@")[0] not in line["message"]


def test_a_huge_line_is_redacted_in_linear_time(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    started = time.monotonic()
    logging.getLogger("sessions_app.test").info(
        "%s %s %s", "x." * 100_000, "http://" + "a" * 100_000, PORTAL_URL
    )

    assert time.monotonic() - started < 1
    assert_clean(log_lines()[0]["message"])


def test_tracebacks_are_redacted_too(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    log = logging.getLogger("sessions_app.test")
    try:
        raise ValueError(f"Paddle said no for {EMULATOR_PORTAL_URL} and ?email={EMAIL}")
    except ValueError:
        log.exception("portal call failed")
    log.warning("where %s", PORTAL_URL, stack_info=True)

    lines = log_lines()
    assert "ValueError" in lines[0]["exception"]
    assert "stack" in lines[1]
    assert_clean(json.dumps(lines))


def test_runserver_request_lines_reach_the_filtered_handler(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    logging.getLogger("django.server").warning('"%s" %s %s', f"GET /customers/?q={EMAIL} HTTP/1.1", 404, 179)

    (line,) = log_lines()
    assert line["logger"] == "django.server"
    assert "/customers/?q=[redacted]" in line["message"]


@pytest.mark.django_db
def test_lines_logged_during_a_request_name_the_request_the_user_and_the_path(
    client: Client, emulator: Emulator, agent: User, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    emulator.add_fault("/customers", kind="html", status=502)  # makes /healthz log a warning
    client.force_login(agent)

    response = client.get(reverse("healthz"), {"q": EMAIL})

    assert response.status_code == 503
    warnings = [line for line in log_lines() if line["logger"] == "sessions_app.views.health"]
    assert warnings
    for line in warnings:
        assert line["request_id"] == response["X-Request-Id"]
        assert line["user"] == "agent"
        assert line["path"] == "/healthz"
    assert_clean(json.dumps(log_lines()))


@pytest.mark.django_db
def test_an_anonymous_request_is_logged_with_a_dash_for_the_user(
    client: Client, emulator: Emulator, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    emulator.add_fault("/customers", kind="html", status=502)

    client.get(reverse("healthz"))

    line = next(line for line in log_lines() if line["logger"] == "sessions_app.views.health")
    assert line["user"] == "-"
    assert len(line["request_id"]) == 32


@pytest.mark.django_db
def test_every_response_carries_its_request_id(client: Client, emulator: Emulator) -> None:
    first, second = client.get(reverse("healthz")), client.get(reverse("login"))

    assert first["X-Request-Id"] != second["X-Request-Id"]

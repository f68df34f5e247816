"""A production start-up refuses weak settings, naming the setting; acknowledged weakenings start,
but say so at every start and in `check --deploy`."""

import secrets
import subprocess

import pytest

from portal_admin.production_checks import entropy_bits
from tests.support.harness import PYTHON, ROOT
from tests.support.production import production_env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def refused(env: dict[str, str]) -> str:
    """Start-up's error output; the start-up must have failed."""
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured: Refusing to start" in result.stderr
    return result.stderr


def test_without_a_shared_cache_production_refuses_to_start_so_limits_cannot_multiply_by_workers() -> None:
    env = production_env()
    del env["CACHE_URL"]

    assert "CACHE_URL is not a shared cache" in refused(env)
    assert "CACHE_URL is not a shared cache" in refused(production_env(CACHE_URL="locmemcache://x"))


@pytest.mark.parametrize("variable", ["AUDIT_CHAIN_KEY", "DJANGO_SECRET_KEY"])
# The last: 16 random bytes as hex, a fixed example so that every xdist worker collects the same ids.
@pytest.mark.parametrize(
    "weak", ["x", "x" * 200, "correct horse battery staple " * 3, "b6d7a225323d4adcf18d27ba1ccbf260"]
)
def test_a_secret_with_less_than_32_bytes_of_entropy_is_refused(variable: str, weak: str) -> None:
    assert f"{variable} has about" in refused(production_env(**{variable: weak}))


def test_the_entropy_estimate_accepts_what_the_readme_tells_people_to_generate() -> None:
    assert entropy_bits(secrets.token_urlsafe(32)) >= 256
    assert entropy_bits(secrets.token_hex(32)) >= 256
    assert entropy_bits("a" * 1000) == 0


def test_an_http_paddle_base_url_is_refused_outside_loopback() -> None:
    env = production_env(
        PADDLE_ENVIRONMENT="sandbox",
        PADDLE_API_KEY="pdl_sdbx_apikey_01test000000000000000000000_TestTestTestTestTestTe_Tst",
        PADDLE_API_BASE_URL="http://sandbox-api.paddle.com",
    )

    assert "PADDLE_API_BASE_URL must be https://" in refused(env)


def test_a_live_key_is_refused_against_a_host_that_is_not_paddle() -> None:
    assert "is not Paddle" in refused(production_env(PADDLE_API_BASE_URL="https://paddle.example.net"))


@pytest.mark.parametrize(
    ("switch", "acknowledgement"),
    [("AXES_ENABLED", "AXES_DISABLED_I_UNDERSTAND"), ("STEP_UP_REQUIRED", "STEP_UP_DISABLED_I_UNDERSTAND")],
)
def test_switching_a_protection_off_needs_an_acknowledgement_and_is_reported_at_every_start(
    switch: str, acknowledgement: str
) -> None:
    assert f"{switch} is false" in refused(production_env(**{switch: "false"}))

    env = production_env(**{switch: "false", acknowledgement: "true"})
    allowed = manage(env, "check", "--deploy")
    server_start = subprocess.run(
        [PYTHON, "-c", "import portal_admin.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = allowed.stdout + allowed.stderr
    assert allowed.returncode == 0, output
    assert f"(sessions_app.{switch}) {switch} is false" in output  # the deploy check's warning
    assert server_start.returncode == 0, server_start.stderr
    assert f"Running weakened on purpose: {switch} is false" in server_start.stdout  # the start-up log
    strict = manage(
        production_env(**{switch: "false", acknowledgement: "true"}),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert strict.returncode != 0


def test_a_proxy_header_without_trusted_proxies_refuses_to_start() -> None:
    stderr = refused(production_env(TRUSTED_PROXY_IP_HEADER="HTTP_X_FORWARDED_FOR"))

    assert "TRUSTED_PROXIES is empty" in stderr


def test_forwarded_proto_without_trusted_proxies_refuses_to_start() -> None:
    assert "TRUSTED_PROXIES is empty" in refused(production_env(DJANGO_BEHIND_TLS_PROXY="true"))


def test_every_problem_is_named_at_once() -> None:
    env = production_env(AUDIT_CHAIN_KEY="x", AXES_ENABLED="false", STEP_UP_REQUIRED="false")
    del env["CACHE_URL"]

    stderr = refused(env)

    for setting in ("AUDIT_CHAIN_KEY", "AXES_ENABLED", "STEP_UP_REQUIRED", "CACHE_URL"):
        assert f"- {setting}" in stderr

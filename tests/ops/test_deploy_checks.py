"""Start-up in production: Django's deploy checks pass, and a missing secret stops start-up."""

import subprocess

import pytest

from tests.support.harness import PYTHON, ROOT


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_deploy_check_passes_without_a_single_warning(prod_env: dict[str, str]) -> None:
    result = manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL WARNING", "")


def test_reads_that_could_spend_half_the_paddle_budget_warn(prod_env: dict[str, str]) -> None:
    """A customer page costs four Paddle calls: 30 searches and 20 views a minute would be 140."""
    prod_env["CUSTOMER_VIEWS_PER_MINUTE"] = "20"

    output = manage(prod_env, "check", "--deploy").stderr

    assert "CUSTOMER_VIEWS_PER_MINUTE x 4 = 140 Paddle calls" in output


@pytest.mark.parametrize(
    "variable",
    ["DJANGO_SECRET_KEY", "AUDIT_CHAIN_KEY", "DJANGO_ALLOWED_HOSTS", "PADDLE_API_KEY", "PUBLIC_BASE_URL"],
)
def test_start_up_stops_with_a_message_naming_a_missing_variable(
    prod_env: dict[str, str], variable: str
) -> None:
    del prod_env[variable]

    result = manage(prod_env, "check")

    assert result.returncode != 0
    assert f"{variable} is not set" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_an_empty_variable_counts_as_missing(prod_env: dict[str, str]) -> None:
    prod_env["AUDIT_CHAIN_KEY"] = ""

    result = manage(prod_env, "check")

    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY is not set" in result.stderr

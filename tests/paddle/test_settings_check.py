import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIVE_KEY = "pdl_live_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO"
SANDBOX_KEY = "pdl_sdbx_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO"


def manage(*command: str, **paddle_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **paddle_env}
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("key", "environment", "message"),
    [
        (LIVE_KEY, "sandbox", "PADDLE_API_KEY is a production key"),
        (SANDBOX_KEY, "production", "PADDLE_API_KEY is a sandbox key"),
        (SANDBOX_KEY, "staging", "PADDLE_ENVIRONMENT must be one of sandbox, production"),
    ],
)
def test_start_up_refuses_a_key_of_the_other_environment(key: str, environment: str, message: str) -> None:
    result = manage("check", PADDLE_API_KEY=key, PADDLE_ENVIRONMENT=environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert key not in result.stderr  # the refusal names the prefix, never the key


def test_start_up_accepts_a_key_of_its_environment() -> None:
    show = "from django.conf import settings; print(settings.PADDLE_ENVIRONMENT)"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        PADDLE_API_KEY=LIVE_KEY,
        PADDLE_ENVIRONMENT="production",
        PADDLE_API_BASE_URL="",  # a live key goes to Paddle only, never the test run's emulator
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"

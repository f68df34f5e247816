"""Helpers for the operational tests: a production-shaped environment for subprocesses."""

import sys
from pathlib import Path

import pytest

from bench.harness import production_base_env

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LIVE_KEY = "pdl_live_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO"


def production_env(**overrides: str) -> dict[str, str]:
    """Only what a production process gets: DEBUG off, every secret set, secure defaults."""
    env = {
        **production_base_env(),
        "DJANGO_ALLOWED_HOSTS": "console.example.com,127.0.0.1",
        "PADDLE_API_KEY": LIVE_KEY,
        "PADDLE_ENVIRONMENT": "production",
        # Never connected to by the checks; a shared cache is required in production.
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    env.update(overrides)
    return env


@pytest.fixture
def prod_env() -> dict[str, str]:
    return production_env()

"""Fixtures of the operational tests: a production-shaped environment for subprocesses."""

import pytest

from tests.support.production import production_env


@pytest.fixture
def prod_env() -> dict[str, str]:
    return production_env()

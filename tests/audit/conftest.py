"""Fixtures of the audit tests."""

import pytest
from django.db import connection


@pytest.fixture
def postgres_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")

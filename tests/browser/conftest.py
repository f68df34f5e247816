"""One headless Debian Chromium per test session, driven by Playwright against `live_server`."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.support.personas import make_user


@pytest.fixture
def browser_agent(transactional_db: None) -> User:
    """An agent in a database that a transactional test may have flushed: roles are made again first."""
    call_command("bootstrap_roles", stdout=io.StringIO())
    return make_user("agent", role="Support agent")

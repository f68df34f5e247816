"""SSO fixtures: the real identity provider process, the console on `live_server`, a requests browser."""

import io
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.support.forged_tokens import ForgedTokens, serve_forged_tokens
from tests.support.oidc_provider.fixture import Provider, start_provider
from tests.support.sso import PROVIDER_PASSWORD, Person, apply


@pytest.fixture(scope="session")
def oidc_provider(live_server: LiveServer) -> Iterator[Provider]:
    yield from start_provider([live_server.url])


@pytest.fixture
def sso(settings: Settings, oidc_provider: Provider, transactional_db: None) -> Provider:
    """SSO on, pointing at the provider process; the roles exist (a transactional test flushed them)."""
    apply(settings, oidc_provider.console_settings())
    call_command("bootstrap_roles", stdout=io.StringIO())
    return oidc_provider


@pytest.fixture
def forged(sso: Provider) -> Iterator[ForgedTokens]:
    yield from serve_forged_tokens()


@pytest.fixture
def console(live_server: LiveServer) -> str:
    return str(live_server.url)


@pytest.fixture
def person(sso: Provider) -> "Person":
    """A provider user of their own (the provider's database lives for the whole session)."""
    username = f"pat-{uuid.uuid4().hex[:8]}"
    person = Person(username=username, email=f"{username}@example.com", provider=sso)
    person.sub = sso.put_user(username, PROVIDER_PASSWORD, email=person.email, groups=["support-agents"])
    return person

"""Fixtures for the emulator's own tests: plain `requests` against it over loopback."""

from collections.abc import Iterator
from typing import Any

import pytest

from paddle_emulator import Emulator, EmulatorServer, serve
from tests.support.paddle import Api
from tests.support.personas import TEST_API_KEY


@pytest.fixture
def api(emulator: Emulator, emulator_server: EmulatorServer) -> Iterator[Api]:
    """The session-wide emulator, reset, behind an authenticated client."""
    client = Api(emulator_server)
    yield client
    client.session.close()


@pytest.fixture
def examples(emulator: Emulator) -> dict[str, str]:
    return emulator.examples()


@pytest.fixture
def make_api() -> Iterator[Any]:
    """An emulator of its own, built with the given options (for permissions, TTLs, limits)."""
    servers: list[EmulatorServer] = []

    def make(**options: Any) -> Api:
        server = serve(Emulator(TEST_API_KEY, **options))
        servers.append(server)
        return Api(server)

    yield make
    for server in servers:
        server.stop()

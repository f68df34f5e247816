"""Fixtures for the emulator's own tests: plain `requests` against it over loopback."""

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from paddle_emulator import Emulator, EmulatorServer, serve
from tests.conftest import TEST_API_KEY


class Api:
    """A keep-alive `requests` session aimed at one emulator, with the test key by default."""

    def __init__(self, server: EmulatorServer, key: str | None = TEST_API_KEY) -> None:
        self.base_url = server.base_url
        self.emulator = server.emulator
        self.session = requests.Session()
        if key is not None:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=5, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, timeout=5, **kwargs)


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

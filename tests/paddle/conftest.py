"""Clients pointed at the shared emulator, and extra servers for tests that need their own."""

from collections.abc import Iterator
from typing import Any

import pytest

from paddle_emulator import Emulator, EmulatorServer, serve
from sessions_app.paddle.client import PaddleClient
from tests.support.paddle import StartServer, make_client


@pytest.fixture
def client(emulator: Emulator, emulator_server: EmulatorServer) -> Iterator[PaddleClient]:
    client = make_client(emulator_server.base_url)
    yield client
    client.close()


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Serves an Emulator of the test's own (special keys, permissions) or a `StubPaddle`."""
    servers: list[EmulatorServer] = []

    def start(app: Any) -> EmulatorServer:
        servers.append(serve(app, host="127.0.0.1", port=0))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()

"""Clients pointed at the shared emulator, and extra servers for tests that need their own."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from paddle_emulator import Emulator, EmulatorServer, serve
from sessions_app.paddle.client import PaddleClient
from tests.conftest import TEST_API_KEY


def make_client(base_url: str, **options: Any) -> PaddleClient:
    """A client with short timeouts, so failure tests stay fast."""
    settings = {"connect_timeout": 1.0, "read_timeout": 2.0, "deadline": 5.0, "max_retry_after": 2.0}
    return PaddleClient(api_key=TEST_API_KEY, base_url=base_url, **(settings | options))


@pytest.fixture
def client(emulator: Emulator, emulator_server: EmulatorServer) -> Iterator[PaddleClient]:
    client = make_client(emulator_server.base_url)
    yield client
    client.close()


@pytest.fixture
def start_server() -> Iterator[Callable[[Any], EmulatorServer]]:
    """Serves an Emulator of the test's own (special keys, permissions) or a `StubPaddle`."""
    servers: list[EmulatorServer] = []

    def start(app: Any) -> EmulatorServer:
        servers.append(serve(app, host="127.0.0.1", port=0))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


class StubPaddle:
    """A tiny WSGI app for answers the emulator does not give: replies are queued per path."""

    def __init__(self, replies: dict[str, list[tuple[int, dict[str, str], object]]]) -> None:
        self.replies = replies
        self.seen: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.seen.append(
            {
                "method": environ["REQUEST_METHOD"],
                "path": path,
                "query": environ.get("QUERY_STRING", ""),
                "content_type": environ.get("CONTENT_TYPE", ""),
                "headers": {k[5:].lower(): v for k, v in environ.items() if k.startswith("HTTP_")},
                "body": environ["wsgi.input"].read(length) if length else b"",
            }
        )
        status, headers, body = self.replies[path].pop(0)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        start_response(f"{status} Stub", [*headers.items(), ("Content-Length", str(len(payload)))])
        return [payload]

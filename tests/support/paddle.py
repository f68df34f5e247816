"""Talking to Paddle's stand-ins: a `requests` client for the emulator, the app's PaddleClient with
short timeouts, and `StubPaddle` for answers the emulator does not give."""

import json
from collections.abc import Callable
from typing import Any

import requests

from paddle_emulator import EmulatorServer
from sessions_app.paddle.client import PaddleClient
from tests.support.personas import TEST_API_KEY

# The `start_server` fixture: serves an Emulator of the test's own or a StubPaddle.
StartServer = Callable[[Any], EmulatorServer]


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


def make_client(base_url: str, **options: Any) -> PaddleClient:
    """A client with short timeouts, so failure tests stay fast."""
    settings = {"connect_timeout": 1.0, "read_timeout": 2.0, "deadline": 5.0, "max_retry_after": 2.0}
    return PaddleClient(api_key=TEST_API_KEY, base_url=base_url, **(settings | options))


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

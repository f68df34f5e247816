"""gunicorn.conf.py serves the app production-shaped: /healthz, WhiteNoise statics, a clean access log."""

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from paddle_emulator import Emulator, EmulatorServer
from tests.support.harness import PYTHON, ROOT
from tests.support.personas import TEST_API_KEY
from tests.support.production import production_env

EMAIL = "jo.customer@example.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            requests.get(f"{base_url}/healthz", timeout=5)
        except requests.RequestException:
            time.sleep(0.1)
        else:
            return
    raise AssertionError("gunicorn did not answer within 30 s")


@pytest.fixture
def gunicorn_server(
    tmp_path: Path, emulator_server: EmulatorServer, emulator: Emulator
) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_BEHIND_TLS_PROXY="true",
        TRUSTED_PROXIES="127.0.0.1",
        PADDLE_API_KEY=TEST_API_KEY,
        PADDLE_ENVIRONMENT="sandbox",
        PADDLE_API_BASE_URL=emulator_server.base_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = tmp_path / "gunicorn.out"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal_admin.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server)
        yield base_url, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_gunicorn_serves_health_and_long_cached_statics_and_logs_no_query_string(
    gunicorn_server: tuple[str, Path],
) -> None:
    base_url, tmp_path = gunicorn_server
    behind_proxy = {"X-Forwarded-Proto": "https"}

    health = requests.get(f"{base_url}/healthz", params={"q": EMAIL}, timeout=10)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    stylesheet = requests.get(
        f"{base_url}/static/{manifest['paths']['css/app.css']}", headers=behind_proxy, timeout=10
    )
    login = requests.get(f"{base_url}/accounts/login/", timeout=10, allow_redirects=False)

    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert stylesheet.status_code == 200
    assert "max-age=315360000" in stylesheet.headers["Cache-Control"]
    assert "immutable" in stylesheet.headers["Cache-Control"]
    assert login.status_code == 301  # plain HTTP is redirected to HTTPS; /healthz is exempt
    assert login.headers["Location"].startswith("https://")

    time.sleep(0.2)  # the access log line is written after the response
    log = (tmp_path / "gunicorn.out").read_text()
    access = [json.loads(line) for line in log.splitlines() if '"gunicorn.access"' in line]
    assert any('"GET /healthz" 200' in line["message"] for line in access)
    assert any(f"request_id={health.headers['X-Request-Id']}" in line["message"] for line in access)
    assert EMAIL not in log
    assert "q=" not in log

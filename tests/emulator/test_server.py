"""The HTTP server around the emulator: keep-alive, concurrency, and the manage.py command."""

import http.client
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from paddle_emulator import Emulator, serve
from tests.support.paddle import Api
from tests.support.personas import TEST_API_KEY

ROOT = Path(__file__).resolve().parents[2]


def test_one_connection_serves_many_requests(api: Api, emulator: Emulator) -> None:
    host, port = api.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    headers = {"Authorization": f"Bearer {TEST_API_KEY}"}
    for path in ("/customers?per_page=1", "/nowhere", f"/customers/{emulator.examples()['all_statuses']}"):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        assert response.getheader("Content-Length") == str(len(response.read()))
        assert not response.will_close
    first_socket = connection.sock
    connection.request("GET", "/subscriptions?per_page=1", headers=headers)
    connection.getresponse().read()
    assert connection.sock is first_socket
    connection.close()


def test_concurrent_requests_are_all_answered(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["all_statuses"]

    def call(n: int) -> int:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {TEST_API_KEY}"
            if n % 3 == 0:
                url = f"{api.base_url}/customers/{customer}/portal-sessions"
                return session.post(url, json={}, timeout=5).status_code
            return session.get(f"{api.base_url}/subscriptions?customer_id={customer}", timeout=5).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(call, range(60)))
    assert statuses.count(201) == 20
    assert statuses.count(200) == 40
    assert len(emulator.requests) == 60


def test_stopping_the_server_closes_open_connections() -> None:
    server = serve(Emulator(TEST_API_KEY))
    session = requests.Session()
    session.get(server.base_url + "/customers", timeout=5)
    server.stop()
    try:
        session.get(server.base_url + "/customers", timeout=2)
        raise AssertionError("the stopped server answered")
    except requests.ConnectionError:
        pass


@pytest.mark.parametrize(
    "command",
    [["manage.py", "paddle_emulator"], ["-m", "paddle_emulator"]],
    ids=["manage.py", "python -m"],
)
def test_the_command_prints_the_examples_and_serves_until_interrupted(command: list[str]) -> None:
    # A fresh checkout: nothing configured (DEBUG only for manage.py, which loads the settings).
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DJANGO_DEBUG": "true"}  # noqa: S108
    command = [sys.executable, *command, "--port", "0", "--seed", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output = _read_until(process, "Ctrl-C to stop.", timeout=30)
        serving, key = re.search(r"serving (http://\S+)", output), re.search(r"API key: (\S+)", output)
        assert serving is not None, output
        assert key is not None, output
        base_url, api_key = serving.group(1), key.group(1)
        examples = Emulator(api_key).examples()
        for customer_id in examples.values():
            assert customer_id in output
        assert "avery.quinn@example.com" in output
        response = requests.get(
            f"{base_url}/customers/{examples['all_statuses']}",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=5,
        )
        assert response.json()["data"]["name"] == "Avery Quinn"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _read_until(process: subprocess.Popen[bytes], marker: str, *, timeout: float) -> str:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    output, deadline = b"", time.monotonic() + timeout
    while marker.encode() not in output:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            raise AssertionError(f"no {marker!r} within {timeout}s; got:\n{output.decode()}")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise AssertionError(f"the command ended early:\n{output.decode()}")
        output += chunk
    return output.decode()

"""Real services a test stops and starts: its own redis-server, a TCP proxy in front of PostgreSQL,
an SMTP server; and the console process that uses them (tests/dependencies)."""

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.support import harness
from tests.support.mail import Mailbox, Received

START_TIMEOUT = 10.0

# A cache setting for in-process tests (Django's test client): a Redis nobody listens on.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


class RedisServer:
    """`redis-server` on a free loopback port, without persistence; stopped and started by tests."""

    def __init__(self, log_path: Path) -> None:
        self.port = harness.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.popen: subprocess.Popen[bytes] | None = None
        self.paused = False

    def start(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            return
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        with self.log_path.open("a") as log:
            self.popen = subprocess.Popen([*args, "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.resume()
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections, but nothing answers (a hung Redis)."""
        assert self.popen is not None
        os.kill(self.popen.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused and self.popen is not None:
            os.kill(self.popen.pid, signal.SIGCONT)
            self.paused = False

    def flush(self) -> None:
        redis.Redis.from_url(self.url, socket_timeout=1).flushdb()


class TcpProxy:
    """Forwards a loopback port to `target`. `close()` refuses new connections and cuts the open
    ones (PostgreSQL down or restarting); `hang()` cuts them and accepts new ones that never get
    an answer (a hung host); `open()` forwards again, on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = harness.free_port()
        self.hung = False
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        self.hung = False
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._cut()

    def hang(self) -> None:
        self.open()
        self.hung = True
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                self._sockets.add(client)
            if self.hung:
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.add(upstream)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


HEALTHZ_TOKEN = "dependencies-healthz-token-0123456789abcdef"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a fixed loopback port that the test stops and starts again."""

    def __init__(self) -> None:
        self.mailbox: Mailbox | None = Mailbox()
        self.port = self.mailbox.port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Nothing listens on the port any more: a connection is refused at once."""
        if self.mailbox is not None:
            self.mailbox.stop()
            self.mailbox = None

    def start(self) -> None:
        if self.mailbox is None:
            self.mailbox = Mailbox(port=self.port)

    def received(self) -> list[Received]:
        return self.mailbox.messages if self.mailbox is not None else []


@dataclass(frozen=True)
class Console:
    """The running console and the services the test controls."""

    url: str
    redis: RedisServer
    database: TcpProxy
    log_path: Path
    smtp: "SmtpServer"

    def log(self) -> str:
        return self.log_path.read_text()

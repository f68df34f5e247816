"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests and the demo."""

import email
import logging
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

# The server stands in for the customer's mail provider: its own DEBUG lines (which echo the
# message) are not the console's logs, so they stay out of the root logger the leak hunt reads.
logging.getLogger("mail.log").propagate = False

REDEMPTION_RE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_\-]+/")


@dataclass(frozen=True)
class Received:
    """One message as the server took it: the envelope and the raw bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, content_type: str) -> str:
        found = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert found is not None
        assert found.get_content_type() == content_type
        return str(found.get_content())

    @property
    def redemption_url(self) -> str:
        match = REDEMPTION_RE.search(self.part("text/plain"))
        assert match is not None
        return match.group(0)


class _Handler:
    def __init__(self, mailbox: "Mailbox") -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.mailbox.add(
            Received(str(envelope.mail_from), tuple(str(r) for r in envelope.rcpt_tos), bytes(content))
        )
        return "250 Message accepted for delivery"


class Mailbox:
    """The SMTP server's received messages; `stop()` ends the server."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self.host = host
        self.port = port or _free_port()
        self._controller = Controller(_Handler(self), hostname=host, port=self.port)
        self._controller.start()

    def add(self, received: Received) -> None:
        with self._lock:
            self._messages.append(received)

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def stop(self) -> None:
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

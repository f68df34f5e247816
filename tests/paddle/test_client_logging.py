"""Nothing secret reaches a log record, even with every logger (urllib3's too) at DEBUG.

The emulator's subscription bodies carry token-bearing `management_urls` (its key may write portal
sessions); like portal links they live under `/portal/cpl_…?…&token=pga_…`."""

import logging
import re
from collections.abc import Iterator

import pytest

from paddle_emulator import Emulator
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import PaddleError
from tests.support.paddle import make_client

from .test_client_retries import closed_port

EMAIL_RE = re.compile(r"[\w.+-]+(@|%40)[\w-]+\.[\w.]+")


class Capture(logging.Handler):
    """Formats records where they are emitted, before the root handler's redaction safety net
    rewrites them: this test is about what the client logs, not about that net."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[Capture]:
    capture = Capture()
    caplog.set_level(logging.DEBUG)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(capture)
    yield capture
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(capture)


LOGGERS = ("urllib3", "urllib3.connectionpool", "requests", "sessions_app", "tests")


def test_no_email_token_portal_or_management_url_is_logged(
    client: PaddleClient, emulator: Emulator, captured: Capture
) -> None:
    failures = logging.getLogger("tests.failures")
    customer_id = emulator.examples()["all_statuses"]
    email = emulator.customer(customer_id)["email"]
    subscription_ids = [s["id"] for s in emulator.subscriptions_of(customer_id)]

    client.find_customers(email)
    client.find_customers("avery")
    client.find_customers(customer_id)
    client.find_customers(subscription_ids[0])
    client.get_customer(customer_id)
    client.get_subscription(subscription_ids[0])
    subscriptions = client.list_subscriptions(customer_id, per_page=2)
    session = client.create_portal_session(customer_id, subscription_ids)
    client.check_key()
    emulator.add_fault("/customers", kind="error", status=429, retry_after=1, times=1)
    emulator.add_fault("/customers/*/portal-sessions", kind="error", status=500, times=1)
    emulator.add_fault("/subscriptions", kind="drop", times=1)
    client.find_customers(email)  # retried after the 429
    client.list_subscriptions(customer_id)  # retried after the dropped connection
    for failing in (
        lambda: client.create_portal_session(customer_id, subscription_ids),
        lambda: client.get_customer("ctm_" + "0" * 26),
        lambda: PaddleClient(api_key="wrong", base_url=client.base_url).find_customers(email),
        lambda: make_client(f"http://127.0.0.1:{closed_port()}").find_customers(email),
    ):
        try:
            failing()
        except PaddleError:
            failures.exception("a Paddle call failed")  # how app code would log it, with the traceback

    portal_urls = [session.overview_url] + [
        url
        for links in session.subscriptions
        for url in (links.cancel, links.update_payment_method, links.view)
        if url
    ]
    assert subscriptions
    assert any(r.name.startswith("urllib3") for r in captured.records)  # urllib3's DEBUG lines were captured
    assert any(r.name == "sessions_app.paddle.client" for r in captured.records)
    assert any(r.exc_info for r in captured.records)
    logged = "\n".join(captured.lines)
    assert "pga_" not in logged
    assert "/portal/" not in logged
    assert "token=" not in logged
    assert not EMAIL_RE.search(logged), EMAIL_RE.search(logged)
    assert "cpl_" not in logged  # the portal path of overview, deep and management links alike
    for url in portal_urls:
        assert url not in logged

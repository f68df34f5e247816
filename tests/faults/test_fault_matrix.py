"""Paddle failing in every way we know of, on every page that calls it: a clear page, never a 500.

Each cell of the matrix (page x fault) checks: a 502/503/504 with a human message, Paddle's
request id on the page when Paddle gave one, the failure in the audit log, no link on the page,
and the next request, with the fault gone, succeeding.
"""

import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import confirm, create
from tests.support.responses import ClientResponse

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Paddle could not be reached or answered badly"
TOO_SLOW = "Paddle did not answer in time"
# At the deadline the client either stops waiting (deadline_exceeded) or its last read times out.
TIMED_OUT = frozenset({"timeout", "deadline_exceeded"})


@dataclass(frozen=True)
class Fault:
    """An emulator fault (None: nothing listens on Paddle's port) and what the agent must see."""

    options: dict[str, object] | None
    status: int
    message: str
    error_codes: frozenset[str]
    paddle_request_id: bool  # whether Paddle's answer carried a request id to show
    headers: dict[str, str] = field(default_factory=dict)


FAULTS = {
    # Beyond the 0.3 s read timeout set below; a GET is retried until the 1 s deadline.
    "timeout": Fault({"kind": "latency", "latency_ms": 700}, 504, TOO_SLOW, TIMED_OUT, False),
    "connection-refused": Fault(None, 502, UNAVAILABLE, frozenset({"connection_failed"}), False),
    "dropped-connection": Fault({"kind": "drop"}, 502, UNAVAILABLE, frozenset({"connection_error"}), False),
    "500-json": Fault(
        {"kind": "error", "status": 500}, 502, UNAVAILABLE, frozenset({"internal_error"}), True
    ),
    "502-html": Fault({"kind": "html", "status": 502}, 502, UNAVAILABLE, frozenset({"bad_gateway"}), False),
    "522-empty": Fault({"kind": "empty", "status": 522}, 502, UNAVAILABLE, frozenset({"http_522"}), False),
    "429-retry-after": Fault(
        {"kind": "error", "status": 429, "retry_after": 30},
        503,
        "try again in 30 s",
        frozenset({"too_many_requests"}),
        True,
        headers={"Retry-After": "30"},
    ),
    "truncated-json": Fault({"kind": "truncated"}, 502, UNAVAILABLE, frozenset({"invalid_response"}), True),
    "wrong-shape": Fault({"kind": "wrong_shape"}, 502, UNAVAILABLE, frozenset({"invalid_response"}), True),
    # Ten pieces 0.2 s apart: each within the read timeout, the whole beyond the deadline.
    "slow-body": Fault({"kind": "slow_body", "latency_ms": 2000}, 504, TOO_SLOW, TIMED_OUT, False),
}

Send = Callable[[], ClientResponse]


@dataclass(frozen=True)
class Page:
    """How to reach the page's Paddle call, where a fault goes, and the audit actions it must leave."""

    prepare: Callable[[Client, str, list[str]], Send]  # steps before the fault; returns the request
    fault_path: str
    fault_method: str | None
    audit_actions: tuple[str, ...]
    sent_back: bool = False  # a failure sends the agent back to the confirm page, work kept


def _search(client: Client, customer_id: str, subscription_ids: list[str]) -> Send:
    return lambda: client.get("/customers/", {"q": "Avery"})


def _customer_page(client: Client, customer_id: str, subscription_ids: list[str]) -> Send:
    return lambda: client.get(f"/customers/{customer_id}/")


def _create_links(client: Client, customer_id: str, subscription_ids: list[str]) -> Send:
    token = confirm(client, customer_id, subscription_ids)
    return lambda: create(client, customer_id, subscription_ids, token=token)


PAGES = {
    "search": Page(_search, "*", None, ("customer.search",)),
    "customer": Page(_customer_page, "*", None, ("customer.view",)),
    # Only Paddle's POST fails, so the ownership check before it goes through.
    "create": Page(
        _create_links,
        "/customers/*/portal-sessions",
        "POST",
        ("portal_session.requested", "portal_session.failed"),
        sent_back=True,
    ),
}


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _audit_trail(page: Page, fault: Fault) -> list[AuditEvent]:
    actions = page.audit_actions
    if fault.options is None and page.fault_method == "POST":
        # Nothing listens at all, so the ownership check fails first: nothing was asked of Paddle.
        actions = ("portal_session.failed",)
    events = list(AuditEvent.objects.filter(action__in=page.audit_actions).order_by("seq"))
    assert [e.action for e in events] == list(actions)
    return events


@pytest.fixture
def fast_paddle(settings: Settings) -> None:
    settings.PADDLE_READ_TIMEOUT = 0.3
    settings.PADDLE_DEADLINE = 1.0


@pytest.mark.usefixtures("fast_paddle")
@pytest.mark.parametrize("fault_name", FAULTS)
@pytest.mark.parametrize("page_name", PAGES)
def test_paddle_fault_gives_clear_page(
    page_name: str,
    fault_name: str,
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    page, fault = PAGES[page_name], FAULTS[fault_name]
    send = page.prepare(agent_client, customer_id, subscription_ids)
    paddle_url = settings.PADDLE_API_BASE_URL
    if fault.options is None:
        settings.PADDLE_API_BASE_URL = _closed_port_url()
    else:
        emulator.add_fault(page.fault_path, method=page.fault_method, times=None, **fault.options)  # type: ignore[arg-type]

    response = send()

    if page.sent_back:
        # Back to the confirm page (a 303) with the work kept and the failure in its banner; with
        # nothing listening the confirm page itself cannot read Paddle, so it is the error page.
        assert response.status_code == 303
        response = agent_client.get(response["Location"])
        expected_status = fault.status if fault.options is None else 200
        assert response.status_code == expected_status
    else:
        assert response.status_code == fault.status
        for header, value in fault.headers.items():
            assert response[header] == value
    html = response.content.decode()
    assert fault.message in html
    assert "/portal/cpl_" not in html
    assert "pga_" not in html
    *earlier, failure = _audit_trail(page, fault)
    assert all(e.outcome == "success" for e in earlier)
    assert failure.outcome == "failure"
    assert failure.error_code in fault.error_codes
    if fault.paddle_request_id:
        assert failure.paddle_request_id
        assert f'Paddle request id: <span class="mono">{failure.paddle_request_id}</span>' in html
        assert f'Paddle error code <span class="mono">{failure.error_code}</span>' in html
    else:
        assert failure.paddle_request_id == ""

    settings.PADDLE_API_BASE_URL = paddle_url
    emulator.reset()
    assert page.prepare(agent_client, customer_id, subscription_ids)().status_code == 200

"""Portal links from Paddle are shown only when they are https:// on Paddle's portal hosts (or, with
the emulator as base URL, on the emulator itself); anything else is a failure, audited, no links."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from paddle_emulator import Emulator, EmulatorServer
from sessions_app.models import AuditEvent
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import PaddlePortalUrlRefused, PaddleUnavailable
from tests.support.journey import confirm, create, portal_links
from tests.support.paddle import StubPaddle, make_client

CUSTOMER = "ctm_" + "2" * 26
SUBSCRIPTION = "sub_" + "3" * 26


def portal_session(
    overview: str, cancel: str = "https://customer-portal.paddle.com/cpl_x?a=c"
) -> dict[str, Any]:
    links = {"id": SUBSCRIPTION, "cancel_subscription": cancel, "update_subscription_payment_method": cancel}
    return {
        "data": {
            "id": "cpls_" + "1" * 26,
            "customer_id": CUSTOMER,
            "urls": {"general": {"overview": overview}, "subscriptions": [links]},
            "created_at": "2026-01-01T00:00:00Z",
        },
        "meta": {"request_id": "r-1"},
    }


def client_answering(start_server: Callable[[Any], EmulatorServer], body: dict[str, Any]) -> PaddleClient:
    stub = StubPaddle({f"/customers/{CUSTOMER}/portal-sessions": [(201, {}, body)]})
    return make_client(start_server(stub).base_url)


@pytest.mark.parametrize(
    ("overview", "cancel"),
    [
        ("https://evil.example/cpl_x?token=pga_1", "https://customer-portal.paddle.com/cpl_x"),
        ("http://customer-portal.paddle.com/cpl_x", "https://customer-portal.paddle.com/cpl_x"),
        ("https://customer-portal.paddle.com.evil.example/cpl_x", "https://customer-portal.paddle.com/x"),
        ("https://customer-portal.paddle.com:8443/cpl_x", "https://customer-portal.paddle.com/x"),
    ],
)
def test_a_link_off_paddles_portal_is_refused(
    start_server: Callable[[Any], EmulatorServer], overview: str, cancel: str
) -> None:
    client = client_answering(start_server, portal_session(overview, cancel))

    with pytest.raises(PaddlePortalUrlRefused) as refused:
        client.create_portal_session(CUSTOMER, [SUBSCRIPTION])

    assert isinstance(refused.value, PaddleUnavailable)  # the services' `failed` path records it
    assert refused.value.code == "portal_url_refused"
    assert "evil" not in str(refused.value)
    assert "token" not in str(refused.value)


def test_links_on_paddles_portal_host_are_accepted(start_server: Callable[[Any], EmulatorServer]) -> None:
    client = client_answering(
        start_server, portal_session("https://customer-portal.paddle.com/cpl_x?token=t")
    )

    assert client.create_portal_session(CUSTOMER, [SUBSCRIPTION]).id == "cpls_" + "1" * 26


def test_the_portal_hosts_are_configurable(start_server: Callable[[Any], EmulatorServer]) -> None:
    body = portal_session("https://portal.example.org/cpl_x", "https://portal.example.org/c")
    stub = StubPaddle({f"/customers/{CUSTOMER}/portal-sessions": [(201, {}, body)]})
    client = make_client(start_server(stub).base_url, portal_hosts=["portal.example.org"])

    assert client.create_portal_session(CUSTOMER, [SUBSCRIPTION]).overview_url.startswith("https://portal.")


class ForeignPortal:
    """The emulator, but its portal links point at another host, as a compromised answer would."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ["PATH_INFO"].endswith("/portal-sessions"):
            return self.emulator(environ, start_response)
        host = f"http://{environ['HTTP_HOST']}".encode()
        answer: list[Any] = []
        body = b"".join(self.emulator(environ, lambda status, headers, *_: answer.extend((status, headers))))
        body = body.replace(host, b"https://evil.example")
        headers = [(k, v) for k, v in answer[1] if k.lower() != "content-length"]
        start_response(answer[0], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@pytest.mark.django_db
def test_a_foreign_portal_host_in_the_journey_is_a_failure_audited_with_no_links(
    agent: User,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    start_server: Callable[[Any], EmulatorServer],
    settings: Any,
) -> None:
    agent_client = Client()  # this package's `client` fixture is a PaddleClient
    agent_client.force_login(agent)
    token = confirm(agent_client, customer_id, subscription_ids)
    settings.PADDLE_API_BASE_URL = start_server(ForeignPortal(emulator)).base_url

    response = create(agent_client, customer_id, subscription_ids, token=token)

    assert response.status_code == 303  # back to the confirm page with the failure in its banner
    assert "evil.example" not in response["Location"]
    page = agent_client.get(response["Location"])
    assert "Paddle could not be reached or answered badly" in page.content.decode()
    assert portal_links(page.content.decode()) == []
    assert "evil.example" not in page.content.decode()
    failed = AuditEvent.objects.get(action="portal_session.failed")
    assert failed.error_code == "portal_url_refused"

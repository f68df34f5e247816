"""Paddle's failures become the typed error family, whatever the body looks like."""

import pytest

from paddle_emulator import Emulator, EmulatorServer
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import (
    PaddleAuthError,
    PaddleNotFound,
    PaddleRateLimited,
    PaddleRejected,
    PaddleUnavailable,
)
from tests.support.paddle import StartServer, StubPaddle, make_client
from tests.support.personas import TEST_API_KEY

UNKNOWN_CUSTOMER = "ctm_" + "0" * 26


def test_an_unknown_customer_is_not_found_with_paddles_code_and_request_id(client: PaddleClient) -> None:
    with pytest.raises(PaddleNotFound) as caught:
        client.get_customer(UNKNOWN_CUSTOMER)

    assert (caught.value.code, caught.value.status) == ("not_found", 404)
    assert len(caught.value.request_id) == 36
    assert caught.value.detail


@pytest.mark.parametrize(
    ("api_key", "code"),
    [
        ("pdl_sdbx_apikey_01wrong00000000000000000000_WrongWrongWrongWrongWr_Wrg", "invalid_token"),
        ("two words", "authentication_malformed"),
    ],
)
def test_a_wrong_or_malformed_key_is_an_auth_error(
    emulator_server: EmulatorServer, api_key: str, code: str, emulator: Emulator
) -> None:
    client = PaddleClient(api_key=api_key, base_url=emulator_server.base_url)

    with pytest.raises(PaddleAuthError) as caught:
        client.get_customer(emulator.examples()["all_statuses"])

    assert (caught.value.code, caught.value.status) == (code, 403)
    assert len(emulator.requests) == 1  # an auth failure is not retried


def test_a_key_without_portal_permission_is_forbidden_to_create_sessions(
    start_server: StartServer,
) -> None:
    emulator = Emulator(TEST_API_KEY, permissions=frozenset({"customer.read", "subscription.read"}))
    client = make_client(start_server(emulator).base_url)
    customer_id = emulator.examples()["all_statuses"]

    assert client.list_subscriptions(customer_id)
    with pytest.raises(PaddleAuthError) as caught:
        client.create_portal_session(customer_id, [])

    assert caught.value.code == "forbidden"


def test_another_customers_subscription_is_rejected_with_field_errors(
    client: PaddleClient, emulator: Emulator
) -> None:
    examples = emulator.examples()
    foreign = emulator.subscriptions_of(examples["all_statuses"])[0]["id"]

    with pytest.raises(PaddleRejected) as caught:
        client.create_portal_session(examples["manual_collection"], [foreign])

    assert (caught.value.code, caught.value.status) == ("invalid_field", 400)
    assert [e.field for e in caught.value.field_errors] == ["subscription_ids[0]"]


@pytest.mark.parametrize(("status", "code"), [(409, "conflict"), (415, "unsupported_media_type"), (422, "")])
def test_other_client_errors_are_rejections(
    client: PaddleClient, emulator: Emulator, status: int, code: str
) -> None:
    emulator.add_fault("/customers/*", kind="error", status=status, code=code or None)

    with pytest.raises(PaddleRejected) as caught:
        client.get_customer(emulator.examples()["all_statuses"])

    assert caught.value.status == status
    assert caught.value.code
    assert len(emulator.requests) == 1


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [("error", 500, "internal_error"), ("html", 502, "bad_gateway"), ("empty", 522, "http_522")],
)
def test_server_errors_are_unavailable_after_the_retries(
    client: PaddleClient, emulator: Emulator, kind: str, status: int, code: str
) -> None:
    emulator.add_fault("/customers/*", kind=kind, status=status)

    with pytest.raises(PaddleUnavailable) as caught:
        client.get_customer(emulator.examples()["all_statuses"])

    assert (caught.value.status, caught.value.code) == (status, code)
    assert len(emulator.requests) == 4


def test_a_rate_limit_longer_than_the_cap_is_raised_at_once(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*", kind="error", status=429, retry_after=30)

    with pytest.raises(PaddleRateLimited) as caught:
        client.get_customer(emulator.examples()["all_statuses"])

    assert (caught.value.retry_after, caught.value.code) == (30, "too_many_requests")
    assert len(emulator.requests) == 1


OPERATIONS = {
    "find by email": lambda c, e: c.find_customers(e.customer(e.examples()["all_statuses"])["email"]),
    "get customer": lambda c, e: c.get_customer(e.examples()["all_statuses"]),
    "list subscriptions": lambda c, e: c.list_subscriptions(e.examples()["all_statuses"]),
    "get subscription": lambda c, e: c.get_subscription(
        e.subscriptions_of(e.examples()["all_statuses"])[0]["id"]
    ),
    "create portal session": lambda c, e: c.create_portal_session(e.examples()["no_subscriptions"], []),
    "check key": lambda c, e: c.check_key(),
}


@pytest.mark.parametrize("kind", ["garbage", "truncated", "wrong_shape"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_unreadable_success_body_is_unavailable_never_a_crash(
    client: PaddleClient, emulator: Emulator, operation: str, kind: str
) -> None:
    emulator.add_fault("*", kind=kind)

    with pytest.raises(PaddleUnavailable) as caught:
        OPERATIONS[operation](client, emulator)

    assert caught.value.code == "invalid_response"
    assert caught.value.status in (200, 201)


def test_an_error_without_meta_takes_the_request_id_from_the_header(
    start_server: StartServer,
) -> None:
    body = {"error": {"code": "too_many_requests", "detail": "Slow down."}}  # as on Paddle's rate-limit page
    stub = StubPaddle({"/customers": [(429, {"Request-Id": "hdr-1", "Retry-After": "60"}, body)]})
    client = make_client(start_server(stub).base_url)

    with pytest.raises(PaddleRateLimited) as caught:
        client.check_key()

    assert (caught.value.request_id, caught.value.detail, caught.value.retry_after) == (
        "hdr-1",
        "Slow down.",
        60,
    )


def test_a_redirect_is_not_followed(start_server: StartServer) -> None:
    stub = StubPaddle({"/customers": [(302, {"Location": "http://127.0.0.1:9/customers"}, b"")]})
    client = make_client(start_server(stub).base_url)

    with pytest.raises(PaddleUnavailable) as caught:
        client.check_key()

    assert (caught.value.code, caught.value.status) == ("unexpected_status", 302)
    assert len(stub.seen) == 1

"""What the client refuses: bad ids before any request, answers that contradict the request,
and `next` links off our own host."""

from typing import Any

import pytest

from paddle_emulator import Emulator
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import PaddleUnavailable
from tests.support.paddle import StartServer, StubPaddle, make_client
from tests.support.personas import TEST_API_KEY

CUSTOMER_ID = "ctm_" + "1" * 26
SUBSCRIPTION_IDS = [f"sub_{n:026d}" for n in range(30)]

BAD_CALLS = {
    "traversal in a customer id": lambda c: c.get_customer("ctm_01h844p3h41s12zs5mn4axja51/../../x"),
    "query in a customer id": lambda c: c.list_subscriptions("ctm_01h844p3h41s12zs5mn4axja51?status=x"),
    "short subscription id": lambda c: c.get_subscription("sub_123"),
    "malformed id as a query": lambda c: c.find_customers("ctm_123"),
    "empty query": lambda c: c.find_customers("   "),
    "over-long query": lambda c: c.find_customers("x" * 101),
    "limit past the search cap": lambda c: c.find_customers("jo", limit=21),
    "portal for a bad customer id": lambda c: c.create_portal_session("ctm_X" + "1" * 25, []),
    "portal with a bad subscription id": lambda c: c.create_portal_session(CUSTOMER_ID, ["sub_1"]),
    "portal with a repeated id": lambda c: c.create_portal_session(CUSTOMER_ID, SUBSCRIPTION_IDS[:1] * 2),
    "portal with 26 subscriptions": lambda c: c.create_portal_session(CUSTOMER_ID, SUBSCRIPTION_IDS[:26]),
}


@pytest.mark.parametrize("call", BAD_CALLS)
def test_bad_input_is_refused_before_any_request(client: PaddleClient, emulator: Emulator, call: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each call has its own message)
        BAD_CALLS[call](client)

    assert emulator.requests == []


@pytest.mark.parametrize(
    ("api_key", "base_url"),
    [
        ("", "https://api.paddle.com"),
        ("pdl_key\r\nX-Injected: 1", "https://api.paddle.com"),
        (TEST_API_KEY, "api.paddle.com"),
        (TEST_API_KEY, "https://api.paddle.com/v1?x=1"),
        (TEST_API_KEY, "ftp://api.paddle.com"),
    ],
)
def test_a_client_needs_a_key_and_an_http_origin(api_key: str, base_url: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        PaddleClient(api_key=api_key, base_url=base_url)


def test_a_string_is_not_taken_for_a_list_of_subscription_ids(
    client: PaddleClient, emulator: Emulator
) -> None:
    with pytest.raises(TypeError):
        client.create_portal_session(CUSTOMER_ID, SUBSCRIPTION_IDS[0])

    assert emulator.requests == []


def test_twenty_five_subscriptions_are_allowed(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = emulator.examples()["many_subscriptions"]
    subscription_ids = [s["id"] for s in emulator.subscriptions_of(customer_id)][:25]

    session = client.create_portal_session(customer_id, subscription_ids)

    assert len(session.subscriptions) == 25


def test_a_session_missing_a_subscription_withholds_every_link(
    start_server: StartServer,
) -> None:
    # In this mode the emulator leaves another customer's subscription out of the links.
    emulator = Emulator(TEST_API_KEY, foreign_subscription_ids="ignore")
    client = make_client(start_server(emulator).base_url)
    examples = emulator.examples()
    own = emulator.subscriptions_of(examples["manual_collection"])[0]["id"]
    foreign = emulator.subscriptions_of(examples["all_statuses"])[0]["id"]

    with pytest.raises(PaddleUnavailable) as caught:
        client.create_portal_session(examples["manual_collection"], [own, foreign])

    assert (caught.value.code, caught.value.status) == ("subscription_mismatch", 201)
    assert caught.value.request_id
    assert "http" not in str(caught.value) + repr(caught.value)


def portal_body(customer_id: str, subscription_ids: list[str]) -> dict[str, Any]:
    link = "https://customer-portal.example/cpl_1?token=pga_secret"
    return {
        "data": {
            "id": "cpls_" + "9" * 26,
            "customer_id": customer_id,
            "urls": {
                "general": {"overview": link},
                "subscriptions": [
                    {"id": s, "cancel_subscription": link, "update_subscription_payment_method": link}
                    for s in subscription_ids
                ],
            },
            "created_at": "2026-01-01T00:00:00.123Z",
        },
        "meta": {"request_id": "r-1"},
    }


@pytest.mark.parametrize(
    ("answered_customer", "answered_subscriptions", "code"),
    [
        (CUSTOMER_ID, SUBSCRIPTION_IDS[:1] + SUBSCRIPTION_IDS[2:3], "subscription_mismatch"),  # another one
        (CUSTOMER_ID, SUBSCRIPTION_IDS[:2] + SUBSCRIPTION_IDS[:1], "subscription_mismatch"),  # one extra
        ("ctm_" + "2" * 26, SUBSCRIPTION_IDS[:2], "customer_mismatch"),
    ],
)
def test_a_session_that_contradicts_the_request_is_a_failure(
    start_server: StartServer,
    answered_customer: str,
    answered_subscriptions: list[str],
    code: str,
) -> None:
    path = f"/customers/{CUSTOMER_ID}/portal-sessions"
    stub = StubPaddle({path: [(201, {}, portal_body(answered_customer, answered_subscriptions))]})
    client = make_client(start_server(stub).base_url)

    with pytest.raises(PaddleUnavailable) as caught:
        client.create_portal_session(CUSTOMER_ID, SUBSCRIPTION_IDS[:2])

    assert caught.value.code == code
    assert "pga_" not in str(caught.value)


def subscription_page(subscription_id: str, *, next_url: str, has_more: bool) -> dict[str, Any]:
    subscription = {
        "id": subscription_id,
        "customer_id": CUSTOMER_ID,
        "status": "active",
        "currency_code": "EUR",
        "collection_mode": "automatic",
        "billing_cycle": {"interval": "month", "frequency": 1},
        "items": [],
    }
    meta = {"request_id": "r", "pagination": {"per_page": 1, "next": next_url, "has_more": has_more}}
    return {"data": [subscription], "meta": meta}


@pytest.mark.parametrize(
    "foreign_next",
    [
        "https://api.paddle.com/subscriptions?customer_id={c}&after={s}",
        "{base}@evil.example/subscriptions?customer_id={c}&after={s}",
        "{base}0/subscriptions?customer_id={c}&after={s}",
    ],
)
def test_a_next_link_off_our_host_is_not_followed(start_server: StartServer, foreign_next: str) -> None:
    stub = StubPaddle({"/subscriptions": []})
    server = start_server(stub)
    first, second = SUBSCRIPTION_IDS[:2]
    next_url = foreign_next.format(base=server.base_url, c=CUSTOMER_ID, s=first)
    stub.replies["/subscriptions"] = [
        (200, {}, subscription_page(first, next_url=next_url, has_more=True)),
        (200, {}, subscription_page(second, next_url=next_url, has_more=False)),
    ]

    subscriptions = make_client(server.base_url).list_subscriptions(CUSTOMER_ID, per_page=1)

    assert [s.id for s in subscriptions] == [first, second]
    assert [seen["query"] for seen in stub.seen] == [
        f"customer_id={CUSTOMER_ID}&per_page=1",
        f"customer_id={CUSTOMER_ID}&per_page=1&after={first}",
    ]


def test_a_listing_that_includes_another_customers_subscription_is_refused(
    start_server: StartServer,
) -> None:
    page = subscription_page(SUBSCRIPTION_IDS[0], next_url="", has_more=False)
    page["data"][0]["customer_id"] = "ctm_" + "2" * 26
    stub = StubPaddle({"/subscriptions": [(200, {}, page)]})

    with pytest.raises(PaddleUnavailable) as caught:
        make_client(start_server(stub).base_url).list_subscriptions(CUSTOMER_ID)

    assert caught.value.code == "customer_mismatch"

"""Every operation's happy path against the emulator's seed data, over loopback HTTP."""

import pytest

from paddle_emulator import Emulator
from sessions_app.paddle.client import PaddleClient
from tests.support.paddle import StartServer, StubPaddle, make_client
from tests.support.personas import TEST_API_KEY


def test_an_email_is_looked_up_exactly_among_active_and_archived_customers(
    client: PaddleClient, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["archived"]
    email = emulator.customer(customer_id)["email"]

    customers = client.find_customers(email)

    assert [c.id for c in customers] == [customer_id]
    assert customers[0].status == "archived"
    (request,) = emulator.requests
    assert (request.method, request.path) == ("GET", "/customers")
    assert request.query["email"] == email
    assert request.query["status"] == "active,archived"
    assert "search" not in request.query


def test_a_customer_id_is_fetched_directly(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]

    (customer,) = client.find_customers(f"  {customer_id} ")

    assert customer.id == customer_id
    assert customer.email == emulator.customer(customer_id)["email"]
    assert [r.path for r in emulator.requests] == [f"/customers/{customer_id}"]


def test_a_subscription_id_finds_its_customer(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]
    subscription_id = emulator.subscriptions_of(customer_id)[0]["id"]

    (customer,) = client.find_customers(subscription_id)

    assert customer.id == customer_id
    assert [r.path for r in emulator.requests] == [
        f"/subscriptions/{subscription_id}",
        f"/customers/{customer_id}",
    ]


@pytest.mark.parametrize("query", ["ctm_" + "0" * 26, "sub_" + "0" * 26])
def test_an_unknown_id_finds_nobody(client: PaddleClient, emulator: Emulator, query: str) -> None:
    assert client.find_customers(query) == []
    assert len(emulator.requests) == 1


def test_free_text_searches_the_first_page_only(client: PaddleClient, emulator: Emulator) -> None:
    customers = client.find_customers("example", limit=3)

    assert len(customers) == 3
    (request,) = emulator.requests
    assert request.query == {"search": "example", "status": "active,archived", "per_page": "3"}


def test_a_customer_keeps_html_non_ascii_and_missing_names_as_data(
    client: PaddleClient, emulator: Emulator
) -> None:
    examples = emulator.examples()

    assert "<script>" in (client.get_customer(examples["html_name"]).name or "")
    assert client.get_customer(examples["non_ascii"]).name == emulator.customer(examples["non_ascii"])["name"]
    assert client.get_customer(examples["null_name"]).name is None


def test_all_subscriptions_of_a_customer_are_listed_in_every_status(
    client: PaddleClient, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["all_statuses"]
    expected = emulator.subscriptions_of(customer_id)

    subscriptions = client.list_subscriptions(customer_id)

    assert {s.id for s in subscriptions} == {s["id"] for s in expected}
    assert {"active", "trialing", "past_due", "paused", "canceled"} <= {s.status for s in subscriptions}
    assert "manual" in {s.collection_mode for s in subscriptions}
    assert all(s.customer_id == customer_id and s.items for s in subscriptions)
    assert "status" not in emulator.requests[0].query  # no filter: Paddle then returns every status
    assert emulator.requests[0].query["per_page"] == "200"


def test_subscriptions_are_followed_across_pages(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = emulator.examples()["many_subscriptions"]
    expected = [s["id"] for s in emulator.subscriptions_of(customer_id)]

    subscriptions = client.list_subscriptions(customer_id, per_page=10)

    assert sorted(s.id for s in subscriptions) == sorted(expected)
    assert len(subscriptions) == len(expected) > 20
    assert len(emulator.requests) == -(-len(expected) // 10)
    assert all(r.query["customer_id"] == customer_id for r in emulator.requests)


def test_a_customer_without_subscriptions_has_an_empty_list(client: PaddleClient, emulator: Emulator) -> None:
    assert client.list_subscriptions(emulator.examples()["no_subscriptions"]) == []


def test_one_subscription_is_fetched_with_its_items(client: PaddleClient, emulator: Emulator) -> None:
    expected = emulator.subscriptions_of(emulator.examples()["all_statuses"])[0]

    subscription = client.get_subscription(expected["id"])

    assert (subscription.id, subscription.status) == (expected["id"], expected["status"])
    assert [i.quantity for i in subscription.items] == [i["quantity"] for i in expected["items"]]


def test_a_portal_session_has_links_for_exactly_the_subscriptions_sent(
    client: PaddleClient, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["all_statuses"]
    subscription_ids = [s["id"] for s in emulator.subscriptions_of(customer_id)]

    session = client.create_portal_session(customer_id, subscription_ids)

    assert session.customer_id == customer_id
    assert session.request_id
    assert session.overview_url.startswith("http")
    assert [links.subscription_id for links in session.subscriptions] == subscription_ids
    (request,) = emulator.requests
    assert request.body == {"subscription_ids": subscription_ids}


def test_a_portal_session_without_subscriptions_has_only_the_overview(
    client: PaddleClient, emulator: Emulator
) -> None:
    session = client.create_portal_session(emulator.examples()["no_subscriptions"], [])

    assert session.subscriptions == ()
    assert session.overview_url


def test_checking_the_key_returns_paddles_request_id(client: PaddleClient, emulator: Emulator) -> None:
    request_id = client.check_key()

    assert len(request_id) == 36
    (request,) = emulator.requests
    assert (request.path, request.query) == ("/customers", {"per_page": "1"})


def test_every_request_carries_paddles_headers(start_server: StartServer) -> None:
    customer = {"data": [], "meta": {"request_id": "r-1"}}
    session = {
        "data": {
            "id": "cpls_" + "1" * 26,
            "customer_id": "ctm_" + "2" * 26,
            "urls": {"general": {"overview": "https://customer-portal.paddle.com/o"}, "subscriptions": []},
            "created_at": "2026-01-01T00:00:00Z",
        },
        "meta": {"request_id": "r-2"},
    }
    stub = StubPaddle(
        {
            "/customers": [(200, {}, customer)],
            f"/customers/ctm_{'2' * 26}/portal-sessions": [(201, {}, session)],
        }
    )
    client = make_client(start_server(stub).base_url)

    assert client.check_key() == "r-1"
    client.create_portal_session("ctm_" + "2" * 26, [])

    get, post = stub.seen
    for seen in (get, post):
        assert seen["headers"]["authorization"] == f"Bearer {TEST_API_KEY}"
        assert seen["headers"]["paddle_version"] == "1"
        assert seen["headers"]["accept"] == "application/json"
    assert get["headers"]["skip_count"] == "true"
    assert post["content_type"] == "application/json"
    assert post["body"] == b'{"subscription_ids": []}'


def test_a_search_says_whether_paddle_holds_more_than_it_showed(client: PaddleClient) -> None:
    assert client.search_customers("example", limit=3).more
    assert not client.search_customers("Avery").more


def test_subscriptions_of_several_customers_come_from_one_listing_across_pages(
    client: PaddleClient, emulator: Emulator
) -> None:
    examples = emulator.examples()
    wanted = [examples["many_subscriptions"], examples["all_statuses"], examples["no_subscriptions"]]
    expected = sorted(s["id"] for c in wanted for s in emulator.subscriptions_of(c))

    subscriptions = client.list_subscriptions_of(wanted, per_page=10)

    assert sorted(s.id for s in subscriptions) == expected
    pages = [r for r in emulator.requests if r.path == "/subscriptions"]
    assert len(pages) == -(-len(expected) // 10)
    assert pages[0].query["customer_id"] == ",".join(wanted)


def test_no_customers_need_no_listing(client: PaddleClient, emulator: Emulator) -> None:
    assert client.list_subscriptions_of([]) == []
    assert emulator.requests == []

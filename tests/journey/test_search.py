"""Step 2: finding a customer by email, id or free text, live with htmx or as a plain form."""

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.responses import ClientResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def search(client: Client, query: str, *, htmx: bool = False) -> ClientResponse:
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get("/customers/", {"q": query}, headers=headers)


def test_an_exact_email_finds_the_customer_with_name_status_id_and_link(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    customer = emulator.customer(customer_id)
    response = search(agent_client, customer["email"])
    html = response.content.decode()
    assert response.status_code == 200
    assert customer["name"] in html
    assert customer["email"] in html
    assert customer["status"] in html
    assert f'href="/customers/{customer_id}/"' in html
    assert "1 customer." in html


def test_a_customer_id_finds_that_customer(agent_client: Client, customer_id: str) -> None:
    html = search(agent_client, customer_id).content.decode()
    assert f'href="/customers/{customer_id}/"' in html


def test_a_subscription_id_finds_its_customer(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    subscription_id = emulator.subscriptions_of(customer_id)[0]["id"]
    html = search(agent_client, subscription_id).content.decode()
    assert f'href="/customers/{customer_id}/"' in html


def test_free_text_searches_names(agent_client: Client, customer_id: str) -> None:
    html = search(agent_client, "Avery").content.decode()
    assert f'href="/customers/{customer_id}/"' in html


def test_a_customer_without_a_name_is_shown_as_no_name(agent_client: Client, emulator: Emulator) -> None:
    customer = emulator.customer(emulator.examples()["null_name"])
    html = search(agent_client, customer["email"]).content.decode()
    assert "(no name)" in html


def test_no_match_says_so(agent_client: Client, emulator: Emulator) -> None:
    response = search(agent_client, "nobody-at-all@example.org")
    assert response.status_code == 200
    assert "No customer matches" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 101, "at most 100 characters"),
        ("ctm_123", "looks like a Paddle id but is not one"),
        ("SUB_ABCDEFGHIJKLMNOPQRSTUVWXY", "looks like a Paddle id but is not one"),  # 25 after sub_
    ],
)
def test_too_long_or_malformed_queries_are_refused_without_asking_paddle(
    agent_client: Client, emulator: Emulator, query: str, message: str
) -> None:
    response = search(agent_client, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert emulator.requests == []
    assert not AuditEvent.objects.filter(action="customer.search").exists()


def test_the_empty_search_page_asks_nothing_of_paddle(agent_client: Client, emulator: Emulator) -> None:
    response = agent_client.get("/customers/")
    assert response.status_code == 200
    assert emulator.requests == []


def test_htmx_gets_only_the_results_fragment_and_the_response_varies_on_it(
    agent_client: Client, customer_id: str
) -> None:
    fragment = search(agent_client, "Avery", htmx=True)
    page = search(agent_client, "Avery")
    assert "<html" not in fragment.content.decode()
    assert customer_id in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert "HX-Request" in fragment["Vary"]
    assert "HX-Request" in page["Vary"]


def test_htmx_gets_the_refusal_as_a_fragment_too(agent_client: Client, emulator: Emulator) -> None:
    response = search(agent_client, "ctm_123", htmx=True)
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "looks like a Paddle id" in response.content.decode()


def test_the_search_box_searches_live_while_typing(agent_client: Client) -> None:
    html = agent_client.get("/customers/").content.decode()
    assert 'hx-get="/customers/"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html  # Enter submits the form: one request
    assert 'hx-target="#customer-results"' in html
    assert 'hx-push-url="true"' in html


def test_an_email_search_is_audited_with_its_kind_count_and_the_one_customer(
    agent_client: Client, emulator: Emulator, customer_id: str, agent: object
) -> None:
    email = emulator.customer(customer_id)["email"]
    search(agent_client, email)
    event = AuditEvent.objects.get(action="customer.search")
    assert event.actor == agent
    assert event.outcome == "success"
    assert event.details == {"query_kind": "email", "results": 1, "shown": [customer_id]}
    assert (event.customer_id, event.customer_email) == (customer_id, email)


def test_a_free_text_search_is_audited_without_the_text_but_with_the_customers_shown(
    agent_client: Client, emulator: Emulator
) -> None:
    page = search(agent_client, "Avery").content.decode()
    event = AuditEvent.objects.get(action="customer.search")
    assert event.details["query_kind"] == "text"
    assert "Avery" not in str(event.details)
    assert (event.customer_id, event.customer_email) == ("", "")
    assert event.details["shown"]
    assert len(event.details["shown"]) == event.details["results"]
    for shown_id in event.details["shown"]:
        assert shown_id in page


def test_a_paddle_failure_shows_its_request_id_and_is_audited(
    agent_client: Client, emulator: Emulator
) -> None:
    emulator.add_fault("/customers*", kind="error", status=500)
    response = search(agent_client, "Avery")
    assert response.status_code == 502
    event = AuditEvent.objects.get(action="customer.search")
    assert event.outcome == "failure"
    assert event.paddle_request_id
    assert event.paddle_request_id in response.content.decode()


def test_a_paddle_failure_during_live_search_comes_back_as_a_fragment(
    agent_client: Client, emulator: Emulator
) -> None:
    emulator.add_fault("/customers*", kind="error", status=403, code="invalid_token")
    response = search(agent_client, "Avery", htmx=True)
    assert response.status_code == 502
    html = response.content.decode()
    assert "<html" not in html
    assert "Paddle key was refused" in html

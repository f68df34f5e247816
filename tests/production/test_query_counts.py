"""The SQL statements each page sends, pinned so that an N+1 or a repeated lookup shows up here.

Transactional tests, so that the counts are production's: no test transaction around the
request. Django counts BEGIN and COMMIT too.
"""

from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from paddle_emulator import Emulator
from sessions_app import audit
from sessions_app.roles import sync_roles
from tests.support.journey import TOKEN_RE

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED_IN = 4  # the session, the user, the user's console permissions, the session's refresh
KILL_SWITCH = 1
HISTORY = 1  # the customer's link attempts of the last 30 days, one indexed read
APPROVALS_BADGE = 1  # a manager's nav: the pending approval requests' ids, one indexed read
REPLY_TEMPLATE = 1  # the links page's message for the customer: the newest saved template


def appends(count: int) -> int:
    """BEGIN, the chain's lock (PostgreSQL; SQLite's BEGIN IMMEDIATE is it), its head, the insert, the
    head's advance (so rows cut off the end leave a gap), COMMIT."""
    return count * (6 if connection.vendor == "postgresql" else 5)


@pytest.fixture(autouse=True)
def _roles(transactional_db: None) -> None:
    sync_roles(apps)  # the flush after a transactional test empties the groups the migration made


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


@pytest.fixture
def confirmed(agent_client: Client, customer_id: str, subscription_ids: list[str]) -> Callable[[], str]:
    """Confirms the two subscriptions; the one-time token."""

    def token() -> str:
        url = f"/customers/{customer_id}/portal-session/confirm/"
        page = agent_client.get(url, {"subscription_ids": subscription_ids})
        match = TOKEN_RE.search(page.content.decode())
        assert match is not None, page.status_code
        return match.group(1)

    return token


def test_search_results_cost_the_sign_in_lookups_and_one_audit_append(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    email = emulator.customer(customer_id)["email"]
    agent_client.get("/customers/", {"q": email})

    with django_assert_num_queries(SIGNED_IN + appends(1)):
        assert agent_client.get("/customers/", {"q": email}).status_code == 200


def test_the_empty_search_page_reads_the_agents_recent_customers_in_one_query(
    agent_client: Client, emulator: Emulator, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for customer_id in list(emulator.examples().values())[:12]:
        agent_client.get(f"/customers/{customer_id}/")
    agent_client.get("/customers/")

    with django_assert_num_queries(SIGNED_IN + 1):
        response = agent_client.get("/customers/")
    assert response.content.decode().count('href="/customers/ctm_') == 10


def test_the_customer_page_adds_the_kill_switch_read_whatever_the_number_of_subscriptions(
    agent_client: Client, emulator: Emulator, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    few = emulator.examples()["all_statuses"]
    many = emulator.examples()["many_subscriptions"]  # 27 subscriptions
    agent_client.get(f"/customers/{few}/")

    for customer_id in (few, many):
        with django_assert_num_queries(SIGNED_IN + KILL_SWITCH + HISTORY + appends(1)):
            assert agent_client.get(f"/customers/{customer_id}/").status_code == 200


def test_the_confirm_page_reads_the_kill_switch_and_the_history_and_appends_its_view(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    confirmed: Callable[[], str],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    confirmed()

    url = f"/customers/{customer_id}/portal-session/confirm/"
    # The customer page's POST only redirects (Post/Redirect/Get): the session is all it reads.
    with django_assert_num_queries(SIGNED_IN):
        assert agent_client.post(url, {"subscription_ids": subscription_ids}).status_code == 303
    # The page itself (the GET) reads the banner's session key too, but that is the same session row.
    with django_assert_num_queries(SIGNED_IN + KILL_SWITCH + HISTORY + appends(1)):
        assert agent_client.get(url, {"subscription_ids": subscription_ids}).status_code == 200


def test_creating_links_checks_and_spends_the_token_and_appends_twice(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    confirmed: Callable[[], str],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = f"/customers/{customer_id}/portal-session/"
    email = emulator.customer(customer_id)["email"]
    data = {
        "subscription_ids": subscription_ids,
        "reason": "TICKET-42",
        "requester_email": email,
        "delivery": "show",
    }
    agent_client.post(url, {**data, "confirmation_token": confirmed()})
    token = confirmed()

    spent_check, spend = 1, 4  # is it spent? then BEGIN, delete expired rows, insert this one, COMMIT
    with django_assert_num_queries(
        SIGNED_IN + spent_check + KILL_SWITCH + spend + appends(2) + REPLY_TEMPLATE
    ):
        assert agent_client.post(url, {**data, "confirmation_token": token}).status_code == 200


def test_the_first_page_of_the_audit_log_costs_the_same_for_a_few_events_or_many(
    manager_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    manager_client.get("/audit/")
    # The actors to pick from, the page's rows, the chart's seq range and its daily counts, the latest
    # chain check.
    review = 5
    for more in (5, 120):
        for _ in range(more):
            audit.record(action=audit.Action.CUSTOMER_SEARCH, outcome=audit.Outcome.SUCCESS, context=None)
        with django_assert_num_queries(SIGNED_IN + appends(1) + review + APPROVALS_BADGE):
            assert manager_client.get("/audit/").status_code == 200


def test_starting_an_audit_export_costs_the_sign_in_lookups_an_append_and_one_batch(
    manager_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        audit.record(action=audit.Action.CUSTOMER_SEARCH, outcome=audit.Outcome.SUCCESS, context=None)

    one_batch = 1
    with django_assert_num_queries(SIGNED_IN + appends(1) + one_batch):
        response = manager_client.get("/audit/export.csv")
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        assert b"".join(response.streaming_content).count(b"\n") >= 6

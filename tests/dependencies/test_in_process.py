"""The same policies through Django's test client (SQLite or PostgreSQL): a Redis nobody listens
on, and a database that refuses a view's query."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import assert_sent_back, confirm, create, portal_links, token_of
from tests.support.outages import DEAD_REDIS


@pytest.fixture
def dead_cache(settings: Any) -> None:  # pytest-django's settings wrapper (untyped in this version)
    settings.CACHES = DEAD_REDIS
    cache.close()


@pytest.mark.django_db
def test_link_creation_without_the_cache_goes_back_to_the_confirm_page_with_the_work_kept_and_audited(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator, dead_cache: None
) -> None:
    email = str(emulator.customer(customer_id)["email"])
    token = confirm(agent_client, customer_id, subscription_ids)

    response = create(
        agent_client, customer_id, subscription_ids, token=token, reason="TICKET-9", requester_email=email
    )

    # A 303 to the confirm page's GET (Back never resubmits), which works without the cache.
    page = assert_sent_back(agent_client, response, customer_id, "cache service is unavailable", emulator)
    text = page.content.decode()
    assert "<h2>The console&#x27;s cache is down</h2>" in text
    assert 'name="reason" required maxlength="200" autocomplete="off" value="TICKET-9"' in text
    assert all(f'name="subscription_ids" value="{s}"' in text for s in subscription_ids)
    assert f'value="{email}"' in text
    assert 'id="link-usage"' not in text  # no counts without the cache
    assert portal_links(text) == []
    row = AuditEvent.objects.get(action=AuditEvent.Action.PORTAL_SESSION_FAILED)
    assert (row.outcome, row.error_code, row.reason) == ("denied", "cache_unavailable", "TICKET-9")
    # Still down: the retry from that page (its new confirmation) is refused the same way.
    again = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token_of(page),
        reason="TICKET-9",
        requester_email=email,
    )
    assert_sent_back(agent_client, again, customer_id, "submit again in a moment", emulator)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PORTAL_SESSION_FAILED).count() == 2


@pytest.mark.django_db
def test_asking_a_manager_without_the_cache_goes_back_to_the_confirm_page_too(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator, dead_cache: None
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)

    response = agent_client.post(
        f"/approvals/request/{customer_id}/",
        {
            "subscription_ids": subscription_ids,
            "reason": "TICKET-9",
            "confirmation_token": token,
            "requester_email": "stranger@example.net",
            "delivery": "show",
        },
    )

    page = assert_sent_back(agent_client, response, customer_id, "cache service is unavailable", emulator)
    assert 'value="TICKET-9"' in page.content.decode()
    row = AuditEvent.objects.get(action=AuditEvent.Action.PORTAL_SESSION_FAILED)
    assert (row.outcome, row.error_code) == ("denied", "cache_unavailable")


@pytest.mark.django_db
def test_search_without_the_cache_goes_on(
    agent_client: Client, customer_id: str, emulator: Emulator, dead_cache: None
) -> None:
    email = emulator.customer(customer_id)["email"]

    response = agent_client.get(reverse("sessions_app:customer_search"), {"q": email})

    assert response.status_code == 200
    assert email in response.content.decode()


@pytest.mark.django_db
def test_search_without_the_cache_leaves_out_the_subscription_counts(
    agent_client: Client, emulator: Emulator, dead_cache: None
) -> None:
    """Each Paddle call would wait for the cache's timeout once more: the counts are not worth it."""
    response = agent_client.get(reverse("sessions_app:customer_search"), {"q": "Avery"})

    assert response.status_code == 200
    assert "unavailable" in response.content.decode()
    assert [r.path for r in emulator.requests] == ["/customers"]


@pytest.mark.django_db
def test_healthz_without_the_cache_is_a_503_naming_it(
    client: Client, emulator: Emulator, dead_cache: None, settings: Settings
) -> None:
    settings.HEALTHZ_TOKEN = "a-long-random-health-token"
    response = client.get(reverse("healthz"), headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN})

    assert response.status_code == 503
    body = response.json()
    assert (body["database"]["ok"], body["cache"]["ok"], body["paddle"]["ok"]) == (True, False, True)


def refuse_queries(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_request_whose_database_is_gone_answers_a_plain_503_not_a_500(
    agent_client: Client, customer_id: str, emulator: Emulator
) -> None:
    agent_client.raise_request_exception = False  # the session store fails first: handler500 answers
    with connection.execute_wrapper(refuse_queries):
        response = agent_client.get(reverse("sessions_app:customer_detail", args=[customer_id]))

    assert response.status_code == 503
    assert "database is unavailable" in response.content.decode()
    assert response["Retry-After"] == "10"


def refuse_kill_switch_reads(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    if "killswitch" in sql.lower():
        raise OperationalError("canceling statement due to statement timeout")
    return execute(sql, params, many, context)


@pytest.mark.django_db
def test_a_view_query_cancelled_by_the_database_answers_a_plain_503(
    agent_client: Client, customer_id: str, emulator: Emulator
) -> None:
    with connection.execute_wrapper(refuse_kill_switch_reads):
        response = agent_client.get(reverse("sessions_app:customer_detail", args=[customer_id]))

    assert response.status_code == 503
    assert "database is unavailable" in response.content.decode()

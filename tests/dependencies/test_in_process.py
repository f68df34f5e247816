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
from tests.support.journey import confirm, create, paddle_posts, portal_links

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def dead_cache(settings: Any) -> None:  # pytest-django's settings wrapper (untyped in this version)
    settings.CACHES = DEAD_REDIS
    cache.close()


@pytest.mark.django_db
def test_link_creation_without_the_cache_is_a_503_that_is_audited_and_keeps_the_submission(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator, dead_cache: None
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)

    response = create(agent_client, customer_id, subscription_ids, token=token, reason="TICKET-9")

    assert response.status_code == 503
    text = response.content.decode()
    assert "cache service is unavailable" in text
    assert f'name="confirmation_token" value="{token}"' in text
    assert 'name="reason" value="TICKET-9"' in text
    assert all(f'name="subscription_ids" value="{s}"' in text for s in subscription_ids)
    assert portal_links(text) == []
    assert paddle_posts(emulator) == []
    row = AuditEvent.objects.get(action=AuditEvent.Action.PORTAL_SESSION_FAILED)
    assert (row.outcome, row.error_code, row.reason) == ("denied", "cache_unavailable", "TICKET-9")


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

"""A post without a valid CSRF token is a 403 and reaches neither Paddle nor the audit log."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import strategies as st

from paddle_emulator import Emulator
from sessions_app.links import confirmation
from sessions_app.models import AuditEvent

from .fuzzing import fuzz

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client(agent: User) -> Client:
    """A signed-in agent whose browser holds a CSRF cookie, with Django's checks enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/customers/").status_code == 200
    assert "csrftoken" in client.cookies
    return client


@fuzz(
    max_examples=60,
    step=st.sampled_from(["confirm", "create", "logout"]),
    csrf_token=st.none() | st.text(max_size=80),
    in_header=st.booleans(),
)
def test_a_post_without_a_valid_csrf_token_is_refused(
    csrf_client: Client,
    agent: User,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    step: str,
    csrf_token: str | None,
    in_header: bool,
) -> None:
    emulator.reset()
    events = AuditEvent.objects.count()
    url = {
        "confirm": f"/customers/{customer_id}/portal-session/confirm/",
        "create": f"/customers/{customer_id}/portal-session/",
        "logout": "/accounts/logout/",
    }[step]
    # Everything else about the post is valid: without the CSRF check, links would be created.
    data: dict[str, object] = {
        "subscription_ids": subscription_ids,
        "reason": "TICKET-1",
        "confirmation_token": confirmation.issue(
            user=agent, customer_id=customer_id, subscription_ids=subscription_ids
        ),
    }
    headers = {}
    if csrf_token is not None:
        if in_header:
            headers["X-CSRFToken"] = csrf_token
        else:
            data["csrfmiddlewaretoken"] = csrf_token
    response = csrf_client.post(url, data, headers=headers)
    assert response.status_code == 403
    assert emulator.requests == []
    assert AuditEvent.objects.count() == events
    assert csrf_client.get("/customers/").status_code == 200  # still signed in

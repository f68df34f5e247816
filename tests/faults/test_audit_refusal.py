"""The database itself refuses the audit row of created links: the links are never shown.

A trigger rejects the INSERT of `portal_session.created` (the test's transaction rolls it back),
so the failure comes from the database, as a full disk or a lost primary would, not from Python.
"""

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import confirm, create, paddle_posts, portal_links, refuse_audit_inserts

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_refuses_created_event() -> None:
    refuse_audit_inserts("portal_session.created")


@pytest.mark.usefixtures("database_refuses_created_event")
def test_links_are_withheld_when_the_database_refuses_to_record_them(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    html = response.content.decode()
    assert response.status_code == 503
    assert "Paddle created the links" in html
    assert "they were not shown" in html
    assert "pga_" not in html
    assert portal_links(html) == []
    # The session may exist at Paddle (one call was made) but nobody ever saw its links.
    assert len(paddle_posts(emulator)) == 1
    actions = list(
        AuditEvent.objects.filter(action__startswith="portal_session.").values_list("action", flat=True)
    )
    assert actions == ["portal_session.requested"]

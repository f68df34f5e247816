"""Markup from Paddle (a customer named `<script>alert(1)</script> Mallory`) or from an agent's
reason reaches every page escaped, never as a tag."""

import pytest
from django.test import Client
from django.utils.html import escape

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import confirm, confirm_page, create, token_of

pytestmark = pytest.mark.django_db

REASON = "<script>alert(2)</script> TICKET-3"


def _assert_escaped(html: str, text: str) -> None:
    assert escape(text) in html
    assert "<script>alert" not in html


@pytest.fixture
def mallory(emulator: Emulator) -> dict[str, object]:
    customer = emulator.customer(emulator.examples()["html_name"])
    assert "<script>" in customer["name"]
    return customer


def test_a_customer_name_with_markup_is_escaped_on_every_page_of_the_journey(
    agent_client: Client, mallory: dict[str, object], emulator: Emulator
) -> None:
    customer_id, name = str(mallory["id"]), str(mallory["name"])
    subscription_ids = [emulator.subscriptions_of(customer_id)[0]["id"]]
    pages = {
        "search": agent_client.get("/customers/", {"q": "Mallory"}),
        "live search": agent_client.get("/customers/", {"q": "Mallory"}, headers={"HX-Request": "true"}),
        "customer": agent_client.get(f"/customers/{customer_id}/"),
    }
    pages["confirm"] = confirm_page(agent_client, customer_id, subscription_ids)
    token = token_of(pages["confirm"])
    pages["links"] = create(agent_client, customer_id, subscription_ids, token=token, reason=REASON)
    for page, response in pages.items():
        assert response.status_code == 200, page
        _assert_escaped(response.content.decode(), name)


def test_a_reason_with_markup_is_escaped_in_the_audit_log(
    agent_client: Client, mallory: dict[str, object], emulator: Emulator
) -> None:
    customer_id = str(mallory["id"])
    create(agent_client, customer_id, [], token=confirm(agent_client, customer_id, []), reason=REASON)
    created = AuditEvent.objects.get(action="portal_session.created")
    assert created.reason == REASON
    for url in ("/audit/", f"/audit/{created.seq}/"):
        response = agent_client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), REASON)

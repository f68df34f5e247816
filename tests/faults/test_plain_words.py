"""Paddle errors in plain words: the title once, a sentence of what happened and what to do, then a
details line with Paddle's error code and request id; never "Error 502 (internal_error)" as a headline.
"""

import re

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import html_text

pytestmark = pytest.mark.django_db

TITLE = "Paddle is unavailable"
SENTENCE = "Paddle could not be reached or answered badly. Try again in a moment."


def _details(event: AuditEvent) -> str:
    code, request_id = event.error_code, event.paddle_request_id
    return f"Details for support: Paddle error code {code}; Paddle request id: {request_id}."


def test_the_full_page_says_its_title_once_then_the_sentence_then_the_details(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    emulator.add_fault("*", kind="error", status=500)

    response = agent_client.get(f"/customers/{customer_id}/")

    assert response.status_code == 502
    page = response.content.decode()
    main = html_text(page.split('<main class="page"', 1)[1])
    failed = AuditEvent.objects.filter(outcome="failure").latest("seq")
    assert main.count(TITLE) == 1
    assert re.search(rf"<h1>{TITLE}</h1>", page)
    assert SENTENCE in main
    assert _details(failed) in main
    assert "Error 502" not in page


def test_the_htmx_fragment_names_the_problem_once_with_the_same_details(
    agent_client: Client, emulator: Emulator
) -> None:
    emulator.add_fault("*", kind="error", status=500)

    response = agent_client.get("/customers/", {"q": "Avery"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 502
    fragment = html_text(response.content.decode())
    failed = AuditEvent.objects.filter(outcome="failure").latest("seq")
    assert fragment.startswith(f"{TITLE}. {SENTENCE}")
    assert fragment.count(TITLE) == 1
    assert fragment.endswith(_details(failed))

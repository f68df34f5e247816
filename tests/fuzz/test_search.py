"""Any search query: a results page or a 400, never a 5xx, and Paddle only ever sees well-formed requests."""

import pytest
from django.test import Client
from hypothesis import strategies as st

from paddle_emulator import Emulator

from .fuzzing import fuzz
from .paddle_checks import violations
from .strategies import ANY_TEXT, CUSTOMER_ID_LIKE, EMAIL_LIKE, SUBSCRIPTION_ID_LIKE

pytestmark = pytest.mark.django_db

QUERIES = ANY_TEXT | CUSTOMER_ID_LIKE | SUBSCRIPTION_ID_LIKE | EMAIL_LIKE


@fuzz(max_examples=300, query=QUERIES, htmx=st.booleans())
def test_any_query_gets_results_or_a_400_and_paddle_sees_only_valid_requests(
    agent_client: Client, emulator: Emulator, query: str, htmx: bool
) -> None:
    emulator.reset()
    headers = {"HX-Request": "true"} if htmx else {}
    response = agent_client.get("/customers/", {"q": query}, headers=headers)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert emulator.requests == []
    assert violations(emulator.requests) == []

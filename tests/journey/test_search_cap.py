"""Free-text search shows at most 20 customers: Paddle is asked for no more than that."""

import pytest
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.paddle.client import MAX_SEARCH_RESULTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def test_a_broad_free_text_search_shows_at_most_20_customers(
    agent_client: Client, emulator: Emulator
) -> None:
    response = agent_client.get("/customers/", {"q": "example"})

    assert response.status_code == 200
    shown = response.content.decode().count('href="/customers/ctm_')
    assert 0 < shown <= MAX_SEARCH_RESULTS == 20
    (request,) = [r for r in emulator.requests if r.path == "/customers"]
    assert request.query["per_page"] == "20"

"""Any text where a URL expects an id: a 404 (or the page, for a well-formed id), never a 5xx."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import strategies as st

from paddle_emulator import Emulator

from .fuzzing import fuzz
from .paddle_checks import CUSTOMER_ID, violations
from .strategies import ANY_TEXT, CUSTOMER_ID_LIKE

pytestmark = pytest.mark.django_db

# (method, path with {} for the segment, whether the segment must be a customer id)
PAGES = [
    ("get", "/customers/{}/", True),
    ("post", "/customers/{}/portal-session/confirm/", True),
    ("post", "/customers/{}/portal-session/", True),
    ("get", "/audit/{}/", False),
]
SEGMENTS = ANY_TEXT | CUSTOMER_ID_LIKE | st.integers(min_value=-(10**30), max_value=10**30).map(str)


@fuzz(max_examples=300, page=st.sampled_from(PAGES), segment=SEGMENTS, encoded=st.booleans())
def test_any_path_segment_is_a_page_or_a_404_never_a_5xx(
    manager_client: Client, emulator: Emulator, page: tuple[str, str, bool], segment: str, encoded: bool
) -> None:
    """Encoded, the segment stays one path segment; raw, its `/`, `?` and `#` reshape the URL."""
    emulator.reset()
    method, template, needs_customer_id = page
    path = template.format(quote(segment, safe="") if encoded else segment)
    response = getattr(manager_client, method)(path)
    assert response.status_code < 500
    if encoded and needs_customer_id and not CUSTOMER_ID.fullmatch(segment):
        assert response.status_code == 404
        assert emulator.requests == []
    assert violations(emulator.requests) == []

"""Any filters on the audit review and its CSV export: the page or a 400, never a 5xx.

(The review belongs to the audit work; this only probes it from outside.)
"""

from datetime import date

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from hypothesis import strategies as st

from sessions_app.models import AuditEvent

from .fuzzing import fuzz
from .strategies import CUSTOMER_ID_LIKE, EMAIL_LIKE

pytestmark = pytest.mark.django_db

_SHORT_TEXT = st.text(max_size=40)
_DATES = (
    st.dates().map(date.isoformat)
    | st.sampled_from(["2024-02-30", "0000-00-00", "2024-13-01", "10000-01-01", "today", "-1"])
    | _SHORT_TEXT
)
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "before": st.integers(min_value=-(10**30), max_value=10**30).map(str) | _SHORT_TEXT,
        "from": _DATES,
        "to": _DATES,
        "action": st.sampled_from(AuditEvent.Action.values) | _SHORT_TEXT,
        "outcome": st.sampled_from(AuditEvent.Outcome.values) | _SHORT_TEXT,
        "actor": st.sampled_from(["manager", "agent"]) | st.text(max_size=200),
        "customer": CUSTOMER_ID_LIKE | EMAIL_LIKE | st.text(max_size=400),
    },
)


@fuzz(max_examples=200, filters=FILTERS, export=st.booleans(), htmx=st.booleans())
def test_any_audit_filters_give_the_page_or_a_400(
    manager_client: Client, filters: dict[str, str], export: bool, htmx: bool
) -> None:
    url = "/audit/export.csv" if export else "/audit/"
    headers = {"HX-Request": "true"} if htmx else {}
    response = manager_client.get(url, filters, headers=headers)
    assert response.status_code in (200, 400)
    if isinstance(response, StreamingHttpResponse):  # the CSV is written while it is sent: read it all
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("url", "filters"),
    [
        ("/audit/", {"to": "9999-12-31"}),
        ("/audit/export.csv", {"to": "9999-12-31"}),
        ("/audit/", {"to": "0001-01-01"}),
    ],
)
def test_the_calendars_edge_days_are_refused_with_a_message(
    manager_client: Client, url: str, filters: dict[str, str]
) -> None:
    response = manager_client.get(url, filters)
    assert response.status_code == 400
    assert b"Choose a date between" in response.content

"""Any ticks, reason, confirmation token or password on the way to links: a 4xx unless all of it is
valid, never a 5xx, and Paddle's POST only for a fully valid submission."""

import unicodedata

import pytest
from django.test import Client
from hypothesis import strategies as st

from paddle_emulator import Emulator
from sessions_app.accounts import step_up as stepup
from sessions_app.models import AuditEvent
from tests.support.journey import confirm, confirm_page, create, paddle_posts

from .fuzzing import fuzz
from .paddle_checks import SUBSCRIPTION_ID, violations
from .strategies import ANY_TEXT, SUBSCRIPTION_ID_LIKE

pytestmark = pytest.mark.django_db

# An int stands for one of the customer's own subscriptions (by index), so that lists mix owned,
# foreign, unknown, malformed and repeated ids.
_TICK = st.integers(min_value=0, max_value=5) | SUBSCRIPTION_ID_LIKE | st.text(max_size=40)
TICKS = (
    st.lists(st.integers(min_value=0, max_value=5), unique=True, max_size=6)  # all the customer's own
    | st.lists(_TICK, max_size=30)
    | st.lists(_TICK, min_size=26, max_size=1000)
)
TOKEN_EDITS = st.tuples(
    st.sampled_from(["truncate", "replace", "insert", "append", "replace_all"]),
    st.integers(min_value=0, max_value=400),
    st.text(min_size=1, max_size=30),
)


def _ticked(ticks: list[int | str], owned: list[str]) -> list[str]:
    return [owned[t % len(owned)] if isinstance(t, int) else t for t in ticks]


def _edited(token: str, edit: tuple[str, int, str]) -> str:
    kind, at, text = edit
    at %= len(token) + 1
    return {
        "truncate": token[:at],
        "replace": token[:at] + text + token[at + len(text) :],
        "insert": token[:at] + text + token[at:],
        "append": token + text,
        "replace_all": text,
    }[kind]


def _well_formed_ticks(ids: list[str]) -> bool:
    return len(ids) <= 25 and len(set(ids)) == len(ids) and all(SUBSCRIPTION_ID.fullmatch(i) for i in ids)


def _valid_reason(reason: str) -> bool:
    """The console's rule: 1 to 200 characters once trimmed, no control characters."""
    trimmed = reason.strip()
    return 0 < len(trimmed) <= 200 and not any(unicodedata.category(c) == "Cc" for c in trimmed)


@pytest.fixture
def owned(emulator: Emulator, customer_id: str) -> list[str]:
    return [s["id"] for s in emulator.subscriptions_of(customer_id)]


def _portal_events() -> list[tuple[str, str]]:
    """Every link-creation audit event so far, as (action, outcome)."""
    return list(
        AuditEvent.objects.filter(action__startswith="portal_session.")
        .order_by("seq")
        .values_list("action", "outcome")
    )


@fuzz(max_examples=120, ticks=TICKS)
def test_any_ticks_on_the_confirm_page_are_checked_before_paddle_and_never_posted(
    agent_client: Client, emulator: Emulator, customer_id: str, owned: list[str], ticks: list[int | str]
) -> None:
    emulator.reset()
    ids = _ticked(ticks, owned)
    response = confirm_page(agent_client, customer_id, ids)
    assert response.status_code in (200, 400)
    if not _well_formed_ticks(ids):
        assert response.status_code == 400
        assert emulator.requests == []
    if response.status_code == 200:
        assert set(ids) <= set(owned)
    assert paddle_posts(emulator) == []
    assert violations(emulator.requests) == []


@fuzz(max_examples=80, ticks=TICKS, token=ANY_TEXT)
def test_any_ticks_with_a_made_up_token_create_nothing(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    owned: list[str],
    ticks: list[int | str],
    token: str,
) -> None:
    emulator.reset()
    events = _portal_events()
    requester = emulator.customer(customer_id)["email"]
    response = create(
        agent_client,
        customer_id,
        _ticked(ticks, owned),
        token=token,
        reason="TICKET-1",
        requester_email=requester,
    )
    # Well-formed ticks go back to the confirm page (303) for a new token; malformed ones are a 400.
    assert response.status_code in (303, 400)
    assert emulator.requests == []
    # The refusal itself is audited, and nothing else is.
    assert _portal_events() == [*events, ("portal_session.failed", "denied")]


@fuzz(max_examples=80, reason=ANY_TEXT)
def test_any_reason_with_a_real_token_creates_links_only_when_valid(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], reason: str
) -> None:
    emulator.reset()
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token, reason=reason)
    valid = _valid_reason(reason)
    assert response.status_code == (200 if valid else 303)  # an invalid one: back to the confirm page
    assert len(paddle_posts(emulator)) == (1 if valid else 0)
    assert violations(emulator.requests) == []


@fuzz(max_examples=80, edit=TOKEN_EDITS)
def test_an_altered_token_creates_nothing(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    edit: tuple[str, int, str],
) -> None:
    emulator.reset()
    token = confirm(agent_client, customer_id, subscription_ids)
    altered = _edited(token, edit)
    requester = emulator.customer(customer_id)["email"]
    response = create(agent_client, customer_id, subscription_ids, token=altered, requester_email=requester)
    if altered.strip() == token:  # an edit that changed nothing but surrounding blanks
        assert response.status_code == 200
        assert len(paddle_posts(emulator)) == 1
    else:
        assert response.status_code == 303  # back to the confirm page, for a new confirmation
        assert paddle_posts(emulator) == []


@pytest.fixture
def stale_token(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> str:
    """A confirmation whose creation needs the password again (the last proof is long past)."""
    token = confirm(agent_client, customer_id, subscription_ids)
    session = agent_client.session
    session[stepup.SESSION_KEY] = 0
    session.save()
    return token


@fuzz(max_examples=30, password=ANY_TEXT)
def test_any_wrong_step_up_password_creates_nothing(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    stale_token: str,
    password: str,
) -> None:
    emulator.reset()
    response = create(
        agent_client, customer_id, subscription_ids, token=stale_token, reason="TICKET-1", password=password
    )
    assert response.status_code in (303, 429)  # back to the confirm page, or locked out by django-axes
    assert paddle_posts(emulator) == []

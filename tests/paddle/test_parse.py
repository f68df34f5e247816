import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sessions_app.paddle import parse

FIXTURES = Path(__file__).resolve().parents[1] / "contract" / "paddle-fixtures"  # vendored copy


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def entities(glob: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(file name, envelope, entity) for every entity in the fixtures matching `glob`."""
    found = []
    for path in sorted(FIXTURES.glob(f"*/{glob}")):
        body = json.loads(path.read_text())
        data = body["data"]
        for entity in data if isinstance(data, list) else [data]:
            found.append((f"{path.parent.name}/{path.name}", body, entity))
    return found


def test_every_customer_fixture_parses() -> None:
    parsed = [parse.customer(entity) for _, _, entity in entities("customer*.200*.json")]
    assert len(parsed) == 10
    assert any(c.name is None for c in parsed)


@pytest.mark.parametrize(("name", "body", "entity"), entities("subscription*.200*.json"))
def test_every_subscription_fixture_parses_without_management_urls(
    name: str, body: dict[str, Any], entity: dict[str, Any]
) -> None:
    subscription = parse.subscription(entity)
    assert subscription.id == entity["id"]
    assert subscription.items
    for value in (subscription, *subscription.items):
        assert "management_urls" not in vars(value)
    for url in (entity.get("management_urls") or {}).values():
        if url:
            assert url not in repr(subscription)


@pytest.mark.parametrize(("name", "body", "entity"), entities("portal-session-create.201*.json"))
def test_every_portal_session_fixture_parses(name: str, body: dict[str, Any], entity: dict[str, Any]) -> None:
    session = parse.portal_session(entity, request_id=parse.request_id(body))
    assert session.overview_url == entity["urls"]["general"]["overview"]
    assert [links.subscription_id for links in session.subscriptions] == [
        links["id"] for links in entity["urls"]["subscriptions"]
    ]
    assert session.request_id == body["meta"]["request_id"]


def test_reprs_of_portal_links_hide_the_urls() -> None:
    body = load("python-sdk/portal-session-create.201.two-subscriptions.json")
    session = parse.portal_session(body["data"], request_id="r")
    text = repr(session) + repr(session.subscriptions) + str(session.subscriptions[0])
    assert "pga_" not in text
    assert "customer-portal" not in text
    assert "sub_01h04vsc0qhwtsbsxh3422wjs4" in text


def test_price_name_falls_back_to_the_description_and_product_to_the_price_product_id() -> None:
    entity = load("python-sdk/subscription-get.200.include-next_transaction.json")["data"]
    items = parse.subscription(entity).items
    assert items[1].price_name == "Monthly (recurring addon)"  # price.name is null
    assert items[0].product_name == entity["items"][0]["price"]["product_id"]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2024-10-25T06:53:58Z", datetime(2024, 10, 25, 6, 53, 58, tzinfo=UTC)),
        ("2024-04-12T12:42:27.89Z", datetime(2024, 4, 12, 12, 42, 27, 890000, tzinfo=UTC)),
        ("2024-04-11T15:57:24.813Z", datetime(2024, 4, 11, 15, 57, 24, 813000, tzinfo=UTC)),
        ("2024-04-11T15:59:56.658719Z", datetime(2024, 4, 11, 15, 59, 56, 658719, tzinfo=UTC)),
        ("2024-04-11T15:59:56.658719123Z", datetime(2024, 4, 11, 15, 59, 56, 658719, tzinfo=UTC)),
        ("2024-04-11T17:59:56.6+02:00", datetime(2024, 4, 11, 15, 59, 56, 600000, tzinfo=UTC)),
    ],
)
def test_timestamps_with_any_number_of_fractional_digits_parse(stamp: str, expected: datetime) -> None:
    entity = load("openapi-examples/customer-get.200.json")["data"] | {"created_at": stamp}
    assert parse.customer(entity).created_at == expected


def test_an_unknown_status_is_kept_as_a_plain_string() -> None:
    entity = load("openapi-examples/subscription-get.200.json")["data"] | {"status": "hibernating"}
    assert parse.subscription(entity).status == "hibernating"


def _without(entity: dict[str, Any], *path: str | int) -> dict[str, Any]:
    broken = copy.deepcopy(entity)
    target: Any = broken  # dicts and lists, down `path`
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return broken


def _with(entity: dict[str, Any], value: object, *path: str | int) -> dict[str, Any]:
    broken = copy.deepcopy(entity)
    target: Any = broken  # dicts and lists, down `path`
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


SUBSCRIPTION = load("openapi-examples/subscription-get.200.json")["data"]
PORTAL_SESSION = load("python-sdk/portal-session-create.201.one-subscription.json")["data"]


@pytest.mark.parametrize(
    ("reader", "entity", "place"),
    [
        (parse.subscription, _without(SUBSCRIPTION, "items"), "subscription.items: missing"),
        (parse.subscription, _with(SUBSCRIPTION, "monthly", "billing_cycle"), "subscription.billing_cycle"),
        (parse.subscription, _with(SUBSCRIPTION, "3", "items", 0, "quantity"), "items[0].quantity"),
        (parse.subscription, _with(SUBSCRIPTION, True, "items", 0, "quantity"), "items[0].quantity"),
        (parse.subscription, _with(SUBSCRIPTION, "ctm_x/../y", "customer_id"), "not a valid Paddle id"),
        (parse.subscription, _with(SUBSCRIPTION, "yesterday", "next_billed_at"), "next_billed_at"),
        (parse.subscription, _with(SUBSCRIPTION, "2024-02-30T00:00:00Z", "paused_at"), "not a valid date"),
        (parse.subscription, [SUBSCRIPTION], "subscription: expected an object"),
        (
            lambda e: parse.portal_session(e, request_id=""),
            _with(PORTAL_SESSION, "javascript:alert(1)", "urls", "general", "overview"),
            "not an http(s) URL",
        ),
        (
            lambda e: parse.portal_session(e, request_id=""),
            _without(PORTAL_SESSION, "urls", "subscriptions", 0, "cancel_subscription"),
            "cancel_subscription: missing",
        ),
    ],
)
def test_a_body_of_the_wrong_shape_is_an_invalid_response_naming_the_place(
    reader: Callable[[dict[str, Any]], object], entity: dict[str, Any], place: str
) -> None:
    with pytest.raises(parse.InvalidResponse, match=re.escape(place)) as caught:
        reader(entity)
    assert "alert" not in str(caught.value)  # the message names places, never values

"""Every kind of emulator response validates against Paddle's OpenAPI spec and carries the
fields Paddle's own examples have (paddle-fixtures/)."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from paddle_emulator import Emulator
from tests.support.paddle import Api

SHARED = Path(__file__).resolve().parent.parent / "contract"
FIXTURES = SHARED / "paddle-fixtures"
PADDLE = "https://api.paddle.com"


@pytest.fixture(scope="session")
def document() -> dict[str, Any]:
    """Paddle's spec (2025-05-27) as loaded YAML, once."""
    with (SHARED / "paddle-openapi.yaml").open() as f:
        loaded: dict[str, Any] = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    return loaded


@pytest.fixture(scope="session")
def spec(document: dict[str, Any]) -> OpenAPI:
    """Paddle's spec, allowing the 2026 `view_subscription` deep link."""
    document = copy.deepcopy(document)
    session = document["components"]["schemas"]["customer-portal-session"]
    links = session["properties"]["urls"]["properties"]["subscriptions"]["items"]["properties"]
    links["view_subscription"] = {"type": "string"}
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


def conforms(spec: OpenAPI, response: requests.Response) -> Any:
    """Validate `response` as Paddle's answer to the same method and path; return its JSON."""
    request = response.request
    path = request.path_url.split("?")[0]
    query = request.path_url.partition("?")[2]
    mock_request = MockRequest(PADDLE, str(request.method).lower(), path, args=dict(parse_qsl(query)))
    mock_response = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),  # the list-transactions answer requires `Request-Id`
        content_type=response.headers["Content-Type"],
    )
    spec.validate_response(mock_request, mock_response)
    body = response.json()
    assert response.headers["Request-Id"] == body["meta"]["request_id"]
    return body


def key_paths(value: object, prefix: str = "") -> set[str]:
    """Every key path in a JSON value (`a.b[].c`), not descending into free-form custom_data."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            if key != "custom_data":
                paths |= key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, prefix + "[]")
    return paths


def fixture_paths(pattern: str, *, entity: bool = True) -> set[str]:
    paths: set[str] = set()
    for file in FIXTURES.glob(pattern):
        body = json.loads(file.read_text())
        data = body["data"] if entity else body
        for item in data if isinstance(data, list) else [data]:
            paths |= key_paths(item)
    return paths


# --- Each endpoint validates against the spec ------------------------------------------------------
def test_customer_list_pages_conform(spec: OpenAPI, api: Api) -> None:
    body = conforms(spec, api.get("/customers", params={"per_page": 20, "status": "active,archived"}))
    assert len(body["data"]) == 20
    assert body["meta"]["pagination"]["has_more"] is True
    after = body["meta"]["pagination"]["next"]
    conforms(spec, api.session.get(after, timeout=5))


def test_every_example_customer_conforms(spec: OpenAPI, api: Api, examples: dict[str, str]) -> None:
    for customer_id in examples.values():
        conforms(spec, api.get(f"/customers/{customer_id}"))


def test_subscription_lists_conform_for_every_status(
    spec: OpenAPI, api: Api, examples: dict[str, str]
) -> None:
    body = conforms(spec, api.get("/subscriptions", params={"customer_id": examples["all_statuses"]}))
    assert {s["status"] for s in body["data"]} == {"active", "trialing", "past_due", "paused", "canceled"}
    conforms(spec, api.get("/subscriptions", params={"per_page": 40, "order_by": "id[ASC]"}))


def test_single_subscriptions_conform(spec: OpenAPI, api: Api, emulator: Emulator) -> None:
    for sub in emulator.subscriptions_of(emulator.examples()["all_statuses"]):
        conforms(spec, api.get(f"/subscriptions/{sub['id']}"))


@pytest.mark.parametrize("count", [0, 1, 6])
def test_portal_sessions_conform(spec: OpenAPI, api: Api, emulator: Emulator, count: int) -> None:
    customer_id = emulator.examples()["all_statuses"]
    ids = [s["id"] for s in emulator.subscriptions_of(customer_id)][:count]
    response = api.post(f"/customers/{customer_id}/portal-sessions", json={"subscription_ids": ids})
    assert response.status_code == 201
    body = conforms(spec, response)
    assert [s["id"] for s in body["data"]["urls"]["subscriptions"]] == ids


ERROR_REQUESTS: dict[str, Callable[[Api], requests.Response]] = {
    "authentication_missing": lambda api: requests.get(api.base_url + "/customers", timeout=5),
    "authentication_malformed": lambda api: requests.get(
        api.base_url + "/customers", headers={"Authorization": "Basic abc"}, timeout=5
    ),
    "invalid_token": lambda api: requests.get(
        api.base_url + "/customers", headers={"Authorization": "Bearer pdl_sdbx_wrong"}, timeout=5
    ),
    "not_found": lambda api: api.get("/customers/ctm_" + "0" * 26),
    # A path in Paddle's spec that the emulator does not serve.
    "invalid_url": lambda api: api.get("/customers/ctm_" + "0" * 26 + "/addresses"),
    "invalid_field": lambda api: api.post(
        f"/customers/{api.emulator.examples()['all_statuses']}/portal-sessions",
        json={"subscription_ids": ["x"]},
    ),
    "bad_request": lambda api: api.post(
        f"/customers/{api.emulator.examples()['all_statuses']}/portal-sessions",
        data="{not json",
        headers={"Content-Type": "application/json"},
    ),
    "unsupported_media_type": lambda api: api.post(
        f"/customers/{api.emulator.examples()['all_statuses']}/portal-sessions", data="subscription_ids=1"
    ),
}


@pytest.mark.parametrize("code", sorted(ERROR_REQUESTS))
def test_each_error_conforms_and_matches_paddles_example(spec: OpenAPI, api: Api, code: str) -> None:
    response = ERROR_REQUESTS[code](api)
    body = conforms(spec, response)
    example = json.loads(next(FIXTURES.glob(f"docs-error-examples/error.*.{code}.json")).read_text())
    assert response.status_code == int(
        next(FIXTURES.glob(f"docs-error-examples/error.*.{code}.json")).name[6:9]
    )
    assert body["error"].keys() - {"errors"} == example["error"].keys() - {"errors"}
    expected = {k: v for k, v in example["error"].items() if k in ("type", "code", "documentation_url")}
    assert {k: body["error"][k] for k in expected} == expected
    if code != "not_found":  # its detail names the entity
        assert body["error"]["detail"] == example["error"]["detail"]


def test_forbidden_and_server_errors_conform(spec: OpenAPI, make_api: Any) -> None:
    restricted = make_api(permissions=frozenset({"customer.read"}))
    body = conforms(spec, restricted.get("/subscriptions"))
    assert body["error"]["code"] == "forbidden"
    restricted.emulator.add_fault("/customers", kind="error", status=500)
    assert conforms(spec, restricted.get("/customers"))["error"]["code"] == "internal_error"


def test_rate_limited_answer_conforms(spec: OpenAPI, make_api: Any) -> None:
    limited = make_api(rate_limit_per_minute=1)
    limited.get("/customers", params={"per_page": 1})
    response = limited.get("/customers", params={"per_page": 1})
    assert response.status_code == 429
    assert conforms(spec, response)["error"]["code"] == "too_many_requests"


# --- Field sets cover Paddle's examples -------------------------------------------------------------
INCLUDE_ONLY = {"next_transaction", "recurring_transaction_details"}  # only with ?include=, not emulated


def _all_pages(api: Api, path: str, **params: object) -> list[dict[str, Any]]:
    body = api.get(path, params={"per_page": 200, **params}).json()
    items = body["data"]
    while body["meta"]["pagination"]["has_more"]:
        body = api.session.get(body["meta"]["pagination"]["next"], timeout=5).json()
        items += body["data"]
    pages: list[dict[str, Any]] = items
    return pages


def test_customer_fields_cover_the_fixtures(api: Api) -> None:
    ours = set().union(*(key_paths(c) for c in _all_pages(api, "/customers", status="active,archived")))
    theirs = fixture_paths("*/customer*.200*.json")
    assert theirs, "no fixtures found"
    assert theirs <= ours


def test_subscription_fields_cover_the_fixtures(api: Api) -> None:
    ours = set().union(*(key_paths(s) for s in _all_pages(api, "/subscriptions")))
    theirs = {p for p in fixture_paths("*/subscription*.200*.json") if p.split(".")[0] not in INCLUDE_ONLY}
    assert theirs, "no fixtures found"
    assert theirs <= ours


def test_portal_session_fields_cover_the_fixtures(api: Api, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]
    ids = [s["id"] for s in emulator.subscriptions_of(customer_id)][:2]
    ours = key_paths(
        api.post(f"/customers/{customer_id}/portal-sessions", json={"subscription_ids": ids}).json()
    )
    theirs = fixture_paths("*/portal-session-create.201*.json", entity=False)
    assert theirs, "no fixtures found"
    assert theirs <= ours


def test_list_envelopes_cover_the_fixtures(api: Api) -> None:
    ours = key_paths(api.get("/customers", params={"per_page": 2}).json())
    theirs = {p for p in fixture_paths("*/customers-list*.json", entity=False) if not p.startswith("data")}
    assert theirs <= ours


# --- Payment methods and transactions (the customer page's billing sections) -------------------------
def test_payment_method_lists_conform_for_every_example(
    spec: OpenAPI, api: Api, examples: dict[str, str]
) -> None:
    seen = set()
    for customer_id in examples.values():
        body = conforms(spec, api.get(f"/customers/{customer_id}/payment-methods"))
        seen |= {m["type"] for m in body["data"]}
    assert "card" in seen


def test_every_payment_method_conforms(spec: OpenAPI, api: Api, emulator: Emulator) -> None:
    """PayPal and cards of every brand, across the whole seed."""
    with_methods = [c for c, methods in emulator.data.payment_methods_by_customer.items() if methods]
    for customer_id in with_methods[:60]:
        conforms(spec, api.get(f"/customers/{customer_id}/payment-methods", params={"per_page": 1}))


@pytest.mark.parametrize("status", ["past_due", "completed", "canceled", "past_due,completed,canceled"])
def test_transaction_lists_conform_for_each_status(spec: OpenAPI, api: Api, status: str) -> None:
    body = conforms(spec, api.get("/transactions", params={"status": status}))
    assert body["data"]
    assert body["meta"]["pagination"]["per_page"] == 30
    conforms(spec, api.session.get(body["meta"]["pagination"]["next"], timeout=5))


def test_a_customers_transactions_conform(spec: OpenAPI, api: Api, examples: dict[str, str]) -> None:
    for example in ("all_statuses", "manual_collection", "vip", "no_subscriptions"):
        params = {"customer_id": examples[example], "order_by": "created_at[DESC]"}
        conforms(spec, api.get("/transactions", params=params))


def test_payment_methods_of_an_unknown_customer_conform_as_not_found(spec: OpenAPI, api: Api) -> None:
    response = api.get("/customers/ctm_" + "0" * 26 + "/payment-methods")
    assert response.status_code == 404
    assert conforms(spec, response)["error"]["code"] == "not_found"


def test_transaction_fields_cover_paddles_list_example(document: dict[str, Any], api: Api) -> None:
    """Every key of Paddle's own example of an automatically-collected, attempted transaction."""
    operation = document["paths"]["/transactions"]["get"]["responses"]["200"]
    theirs: set[str] = set()
    for example in operation["content"]["application/json"]["examples"].values():
        for item in example["value"]["data"]:
            if item["payments"] and item["collection_mode"] == "automatic":
                theirs |= key_paths(item)
    ours = set().union(
        *(
            key_paths(t)
            for t in api.get("/transactions", params={"status": "past_due,completed"}).json()["data"]
        )
    )
    assert theirs, "no examples found"
    assert theirs - ours == set()

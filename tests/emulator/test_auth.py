"""Paddle's authentication and permission answers: 403 for every failure, never 401."""

from typing import Any

import pytest
import requests

from tests.support.paddle import Api
from tests.support.personas import TEST_API_KEY


def error_of(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_no_authorization_header_is_authentication_missing(api: Api) -> None:
    assert error_of(requests.get(api.base_url + "/customers", timeout=5)) == (403, "authentication_missing")


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer two tokens", f"bearer{TEST_API_KEY}", TEST_API_KEY],
)
def test_a_header_not_shaped_like_bearer_token_is_authentication_malformed(api: Api, header: str) -> None:
    response = requests.get(api.base_url + "/customers", headers={"Authorization": header}, timeout=5)
    assert error_of(response) == (403, "authentication_malformed")


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_auth_scheme_is_case_insensitive(api: Api, scheme: str) -> None:
    """RFC 9110 §11.1; Paddle's Node SDK sends `bearer <key>`, and Paddle accepts it."""
    headers = {"Authorization": f"{scheme} {TEST_API_KEY}"}
    response = requests.get(api.base_url + "/customers", headers=headers, timeout=5)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
def test_a_wrong_key_is_invalid_token_whatever_the_scheme_case(api: Api, scheme: str) -> None:
    wrong = TEST_API_KEY[:-3] + "Xyz"
    response = requests.get(
        api.base_url + "/customers", headers={"Authorization": f"{scheme} {wrong}"}, timeout=5
    )
    assert error_of(response) == (403, "invalid_token")


@pytest.mark.parametrize(
    "header", ["bearer", "bearer two tokens", f"bearer  {TEST_API_KEY}", f"bearers {TEST_API_KEY}"]
)
def test_a_lower_case_scheme_does_not_excuse_a_malformed_header(api: Api, header: str) -> None:
    response = requests.get(api.base_url + "/customers", headers={"Authorization": header}, timeout=5)
    assert error_of(response) == (403, "authentication_malformed")


def test_the_key_itself_is_case_sensitive(api: Api) -> None:
    response = requests.get(
        api.base_url + "/customers", headers={"Authorization": f"bearer {TEST_API_KEY.upper()}"}, timeout=5
    )
    assert error_of(response) == (403, "invalid_token")


def test_auth_is_checked_before_the_path_exists(api: Api) -> None:
    assert error_of(requests.get(api.base_url + "/nowhere", timeout=5)) == (403, "authentication_missing")
    assert error_of(api.get("/nowhere")) == (404, "invalid_url")


@pytest.mark.parametrize(
    ("missing", "method", "path"),
    [
        ("customer.read", "GET", "/customers"),
        ("customer.read", "GET", "/customers/{customer}"),
        ("subscription.read", "GET", "/subscriptions"),
        ("subscription.read", "GET", "/subscriptions/{subscription}"),
        ("customer_portal_session.write", "POST", "/customers/{customer}/portal-sessions"),
    ],
)
def test_a_key_without_the_permission_is_forbidden(
    make_api: Any, missing: str, method: str, path: str
) -> None:
    permissions = frozenset(
        {"customer.read", "subscription.read", "customer_portal_session.write"} - {missing}
    )
    restricted = make_api(permissions=permissions)
    customer = restricted.emulator.examples()["all_statuses"]
    subscription = restricted.emulator.subscriptions_of(customer)[0]["id"]
    url = restricted.base_url + path.format(customer=customer, subscription=subscription)
    response = restricted.session.request(method, url, json={}, timeout=5)
    assert error_of(response) == (403, "forbidden")


def test_every_response_carries_a_request_id_header_matching_the_body(api: Api) -> None:
    for response in (
        api.get("/customers"),
        api.get("/nowhere"),
        requests.get(api.base_url + "/customers", timeout=5),
    ):
        assert response.headers["Request-Id"] == response.json()["meta"]["request_id"]
    ids = {api.get("/customers", params={"per_page": 1}).headers["Request-Id"] for _ in range(3)}
    assert len(ids) == 3

"""The emulator's own control endpoints (for benchmarks and other processes) and request log."""

import requests

from paddle_emulator import Emulator
from tests.support.paddle import Api


def test_faults_can_be_added_over_http(api: Api) -> None:
    response = api.post(
        "/_emulator/faults", json={"path_pattern": "/customers", "kind": "error", "status": 500, "times": 1}
    )
    assert response.status_code == 201
    assert api.get("/customers").status_code == 500
    assert api.get("/customers").status_code == 200


def test_a_bad_fault_is_refused_with_400(api: Api) -> None:
    for body in (
        {"path_pattern": "*", "kind": "meteor"},
        {"kind": "error"},
        {"path_pattern": "*", "kind": "error", "x": 1},
    ):
        response = api.post("/_emulator/faults", json=body)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"


def test_reset_over_http_clears_faults(api: Api) -> None:
    api.post("/_emulator/faults", json={"path_pattern": "*", "kind": "error"})
    assert api.post("/_emulator/reset").status_code == 200
    assert api.get("/customers").status_code == 200


def test_the_request_log_lists_api_calls_but_not_control_calls(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["no_subscriptions"]
    api.get("/customers", params={"email": "a@example.com", "per_page": 1})
    api.post(f"/customers/{customer}/portal-sessions", json={"subscription_ids": []})
    log = api.get("/_emulator/requests").json()
    assert log == [
        {"method": "GET", "path": "/customers", "query": {"email": "a@example.com", "per_page": "1"}},
        {"method": "POST", "path": f"/customers/{customer}/portal-sessions", "query": {}},
    ]
    assert emulator.requests[1].body == {"subscription_ids": []}
    assert emulator.requests[0].time <= emulator.requests[1].time


def test_control_endpoints_need_the_api_key(api: Api) -> None:
    for method, path in (
        ("POST", "/_emulator/reset"),
        ("GET", "/_emulator/requests"),
        ("POST", "/_emulator/faults"),
    ):
        response = requests.request(method, api.base_url + path, timeout=5)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "authentication_missing"
    assert api.get("/_emulator/nothing").status_code == 404

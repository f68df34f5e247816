"""Fault injection and rate limiting: every kind, for some requests or for the next N only."""

import json
import time
from typing import Any

import pytest
import requests

from paddle_emulator import Emulator
from tests.support.paddle import Api


def test_an_error_fault_answers_with_paddles_envelope(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="error", status=503, retry_after=7)
    response = api.get("/customers")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["type"] == "api_error"
    assert body["meta"]["request_id"] == response.headers["Request-Id"]


def test_an_error_fault_can_name_its_code(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*", kind="error", status=409, code="concurrent_modification")
    response = api.get(f"/customers/{emulator.examples()['all_statuses']}")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "concurrent_modification")


def test_a_fault_for_n_times_then_behaves_normally(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="error", status=500, times=2)
    assert [api.get("/customers").status_code for _ in range(4)] == [500, 500, 200, 200]


def test_a_fault_matches_only_its_method_and_path(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["no_subscriptions"]
    emulator.add_fault("/customers/*/portal-sessions", kind="error", status=500, method="post")
    assert api.get(f"/customers/{customer}").status_code == 200
    assert api.get("/subscriptions").status_code == 200
    assert api.post(f"/customers/{customer}/portal-sessions", json={}).status_code == 500


def test_a_wildcard_fault_matches_everything(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("*", kind="error", status=500)
    assert {api.get(path).status_code for path in ("/customers", "/subscriptions", "/nowhere")} == {500}


@pytest.mark.parametrize(("status", "content_type"), [(502, "text/html"), (520, "text/html")])
def test_an_html_fault_is_not_json(api: Api, emulator: Emulator, status: int, content_type: str) -> None:
    emulator.add_fault("/customers", kind="html", status=status)
    response = api.get("/customers")
    assert response.status_code == status
    assert response.headers["Content-Type"] == content_type
    assert "cloudflare" in response.text
    with pytest.raises(ValueError):  # noqa: PT011 (requests' JSONDecodeError is a ValueError)
        response.json()


def test_an_empty_fault_has_no_body(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="empty")
    response = api.get("/customers")
    assert (response.status_code, response.content) == (522, b"")


def test_a_truncated_body_is_cut_in_half(api: Api, emulator: Emulator) -> None:
    whole = api.get("/customers").content
    emulator.add_fault("/customers", kind="truncated", times=1)
    response = api.get("/customers")
    assert response.status_code == 200
    assert response.content == whole[: len(whole) // 2]  # the request id, which differs, is at the end
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_a_garbage_body_keeps_the_success_status(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["no_subscriptions"]
    emulator.add_fault("/customers/*/portal-sessions", kind="garbage")
    response = api.post(f"/customers/{customer}/portal-sessions", json={})
    assert response.status_code == 201
    with pytest.raises(ValueError):  # noqa: PT011 (not JSON, not even UTF-8)
        json.loads(response.content)


def test_a_wrong_shape_is_valid_json_of_the_wrong_shape(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers*", kind="wrong_shape")
    listed = api.get("/customers").json()
    assert not isinstance(listed["data"], list)
    single = api.get(f"/customers/{emulator.examples()['all_statuses']}").json()
    assert isinstance(single["data"], list)


def test_a_dropped_connection_gets_no_response(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/subscriptions", kind="drop", times=1)
    with pytest.raises(requests.ConnectionError):
        api.get("/subscriptions")
    assert api.get("/subscriptions").status_code == 200


def test_latency_faults_delay_the_normal_answer(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="latency", latency_ms=150)
    started = time.perf_counter()
    assert api.get("/customers", params={"per_page": 1}).status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_a_slow_body_arrives_in_pieces_after_the_headers(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("/customers", kind="slow_body", latency_ms=300)
    started = time.perf_counter()
    response = api.session.get(api.base_url + "/customers", stream=True, timeout=5)
    headers_after = time.perf_counter() - started
    body = response.content
    assert headers_after < 0.2
    assert time.perf_counter() - started >= 0.25
    assert len(json.loads(body)["data"]) == 50


def test_emulator_latency_is_added_to_every_api_response(make_api: Any) -> None:
    slow = make_api(latency_ms=60)
    started = time.perf_counter()
    slow.get("/customers", params={"per_page": 1})
    assert time.perf_counter() - started >= 0.06


def test_past_the_rate_limit_paddle_answers_429_with_retry_after(make_api: Any) -> None:
    limited = make_api(rate_limit_per_minute=3)
    statuses = [limited.get("/customers", params={"per_page": 1}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = limited.get("/customers")
    assert response.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    limited.emulator.reset()
    assert limited.get("/customers", params={"per_page": 1}).status_code == 200


def test_reset_clears_faults_and_the_request_log(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("*", kind="error")
    api.get("/customers")
    emulator.reset()
    assert emulator.requests == []
    assert api.get("/customers").status_code == 200


def test_unknown_fault_kinds_are_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        emulator.add_fault("*", kind="meteor")

"""Creating portal sessions: Paddle's 201 body, links on the emulator's host, and every refusal."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from paddle_emulator import Emulator
from tests.support.paddle import Api

ZEROS = "0" * 26


def create(api: Api, customer_id: str, body: object = None, **kwargs: Any) -> Any:
    if body is not None:
        kwargs["json"] = body
    return api.post(f"/customers/{customer_id}/portal-sessions", **kwargs)


def subscription_ids(emulator: Emulator, example: str) -> list[str]:
    return [s["id"] for s in emulator.subscriptions_of(emulator.examples()[example])]


def test_a_session_carries_one_link_set_per_subscription_in_request_order(
    api: Api, emulator: Emulator
) -> None:
    customer = emulator.examples()["all_statuses"]
    ids = list(reversed(subscription_ids(emulator, "all_statuses")))
    response = create(api, customer, {"subscription_ids": ids})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["id"].startswith("cpls_")
    assert len(data["id"]) == 31
    assert data["customer_id"] == customer
    assert [s["id"] for s in data["urls"]["subscriptions"]] == ids
    overview = urlsplit(data["urls"]["general"]["overview"])
    assert f"{overview.scheme}://{overview.netloc}" == api.base_url
    assert overview.path.startswith("/portal/cpl_")
    assert len(overview.path) == len("/portal/cpl_") + 26
    query = parse_qs(overview.query)
    assert query["action"] == ["overview"]
    assert query["token"][0].startswith("pga_")
    for links in data["urls"]["subscriptions"]:
        for action in ("cancel_subscription", "update_subscription_payment_method", "view_subscription"):
            query = parse_qs(urlsplit(links[action]).query)
            assert query["action"] == [action]
            assert query["subscription_id"] == [links["id"]]


def test_tokens_are_fresh_for_every_session(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["no_subscriptions"]
    first, second = (create(api, customer, {}).json()["data"] for _ in range(2))
    assert first["id"] != second["id"]
    assert first["urls"]["general"]["overview"] != second["urls"]["general"]["overview"]


@pytest.mark.parametrize("body", [{}, {"subscription_ids": []}])
def test_no_subscription_ids_gives_only_the_overview(api: Api, emulator: Emulator, body: object) -> None:
    response = create(api, emulator.examples()["all_statuses"], body)
    assert response.status_code == 201
    assert response.json()["data"]["urls"]["subscriptions"] == []


def test_an_empty_json_body_counts_as_no_subscriptions(api: Api, emulator: Emulator) -> None:
    response = create(
        api, emulator.examples()["all_statuses"], data=b"", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201


def test_paused_and_canceled_subscriptions_still_get_links(api: Api, emulator: Emulator) -> None:
    customer = emulator.examples()["all_statuses"]
    stopped = [s["id"] for s in emulator.subscriptions_of(customer) if s["status"] in ("paused", "canceled")]
    data = create(api, customer, {"subscription_ids": stopped}).json()["data"]
    assert [s["id"] for s in data["urls"]["subscriptions"]] == stopped


def invalid_fields(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    errors: list[dict[str, str]] = error["errors"]
    return errors


def test_more_than_25_subscriptions_is_invalid_field(api: Api, emulator: Emulator) -> None:
    ids = subscription_ids(emulator, "many_subscriptions")
    assert len(ids) > 25
    customer = emulator.examples()["many_subscriptions"]
    assert create(api, customer, {"subscription_ids": ids[:25]}).status_code == 201
    errors = invalid_fields(create(api, customer, {"subscription_ids": ids[:26]}))
    assert errors == [{"field": "subscription_ids", "message": "maximum of 25 items exceeded. provided 26"}]


def test_duplicate_subscription_ids_are_invalid_field(api: Api, emulator: Emulator) -> None:
    first = subscription_ids(emulator, "all_statuses")[0]
    errors = invalid_fields(
        create(api, emulator.examples()["all_statuses"], {"subscription_ids": [first, first]})
    )
    assert errors[0]["field"] == "subscription_ids"


@pytest.mark.parametrize("bad", ["sub_SHOUTING00000000000000000000", "ctm_" + ZEROS, "", 42, None])
def test_malformed_subscription_ids_are_invalid_field(api: Api, emulator: Emulator, bad: object) -> None:
    errors = invalid_fields(create(api, emulator.examples()["all_statuses"], {"subscription_ids": [bad]}))
    assert errors == [{"field": "subscription_ids[0]", "message": "invalid id format"}]


@pytest.mark.parametrize("body", [{"subscription_ids": "sub_" + ZEROS}, {"subscription_ids": None}])
def test_subscription_ids_must_be_an_array(api: Api, emulator: Emulator, body: object) -> None:
    assert (
        invalid_fields(create(api, emulator.examples()["all_statuses"], body))[0]["field"]
        == "subscription_ids"
    )


def test_unknown_body_keys_are_invalid_field(api: Api, emulator: Emulator) -> None:
    errors = invalid_fields(
        create(api, emulator.examples()["all_statuses"], {"subscription_ids": [], "return_url": "x"})
    )
    assert errors == [{"field": "return_url", "message": "unknown field"}]


def test_another_customers_subscription_is_invalid_field_by_default(api: Api, emulator: Emulator) -> None:
    foreign = subscription_ids(emulator, "html_name")[0]
    own = subscription_ids(emulator, "all_statuses")[0]
    response = create(api, emulator.examples()["all_statuses"], {"subscription_ids": [own, foreign]})
    errors = invalid_fields(response)
    assert errors[0]["field"] == "subscription_ids[1]"
    assert foreign in errors[0]["message"]


def test_another_customers_subscription_can_be_left_out_silently_instead(make_api: Any) -> None:
    lenient = make_api(foreign_subscription_ids="ignore")
    emulator = lenient.emulator
    foreign = subscription_ids(emulator, "html_name")[0]
    own = subscription_ids(emulator, "all_statuses")[0]
    response = create(lenient, emulator.examples()["all_statuses"], {"subscription_ids": [own, foreign]})
    assert response.status_code == 201
    assert [s["id"] for s in response.json()["data"]["urls"]["subscriptions"]] == [own]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_bad_request(api: Api, emulator: Emulator, body: bytes) -> None:
    response = create(
        api, emulator.examples()["all_statuses"], data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_post_without_json_content_type_is_unsupported_media_type(
    api: Api, emulator: Emulator, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = create(api, emulator.examples()["all_statuses"], data=b"{}", headers=headers)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_json_with_a_charset_is_accepted(api: Api, emulator: Emulator) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert create(api, emulator.examples()["all_statuses"], data=b"{}", headers=headers).status_code == 201


def test_an_unknown_customer_is_not_found(api: Api) -> None:
    response = create(api, "ctm_" + ZEROS, {})
    assert response.status_code == 404
    assert response.json()["error"]["detail"] == f"Customer ctm_{ZEROS} not found."


def test_posting_to_a_read_only_path_is_invalid_url(api: Api, emulator: Emulator) -> None:
    response = api.post(f"/customers/{emulator.examples()['all_statuses']}", json={})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "invalid_url"

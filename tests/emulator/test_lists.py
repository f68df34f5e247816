"""List semantics: filters, ordering, per_page, and cursor pagination with an absolute `next`."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from paddle_emulator import Emulator
from tests.support.paddle import Api


def ids_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def follow(api: Api, path: str, **params: object) -> tuple[list[str], list[str]]:
    """Every id over every page, and every `next` link seen."""
    response = api.get(path, params=params)
    ids, links = ids_of(response), []
    while True:
        pagination = response.json()["meta"]["pagination"]
        links.append(pagination["next"])
        if not pagination["has_more"]:
            return ids, links
        response = api.session.get(pagination["next"], timeout=5)
        ids += ids_of(response)


def test_customers_default_to_active_only_newest_first(api: Api, emulator: Emulator) -> None:
    ids, _ = follow(api, "/customers", per_page=200)
    active = [str(c["id"]) for c in emulator.data.customers if c["status"] == "active"]
    assert ids == sorted(active, reverse=True)


def test_status_active_archived_widens_to_every_customer(
    api: Api, emulator: Emulator, examples: dict[str, str]
) -> None:
    ids, _ = follow(api, "/customers", status="active,archived", per_page=200)
    assert len(ids) == len(emulator.data.customers)
    assert examples["archived"] in ids
    assert examples["archived"] in ids_of(api.get("/customers", params={"status": "archived"}))


def test_pages_follow_next_without_duplicates_on_the_emulators_own_host(api: Api, emulator: Emulator) -> None:
    ids, links = follow(api, "/customers", status="active,archived", per_page=37)
    assert len(ids) == len(set(ids)) == len(emulator.data.customers)
    assert len(links) == -(-len(ids) // 37)
    for link in links:
        assert link.startswith(api.base_url + "/customers?")
        assert parse_qs(urlsplit(link).query)["status"] == ["active,archived"]


def test_next_is_present_even_on_the_last_page(api: Api) -> None:
    pagination = api.get("/customers", params={"status": "archived"}).json()["meta"]["pagination"]
    assert pagination["has_more"] is False
    assert pagination["next"].startswith(api.base_url)


def test_next_is_built_from_the_host_the_request_came_to(api: Api) -> None:
    localhost = api.base_url.replace("127.0.0.1", "localhost")
    body = api.session.get(localhost + "/customers", params={"per_page": 1}, timeout=5).json()
    assert body["meta"]["pagination"]["next"].startswith(localhost + "/customers?")


def test_per_page_defaults_to_50_and_clamps_to_200(api: Api) -> None:
    assert api.get("/customers").json()["meta"]["pagination"]["per_page"] == 50
    body = api.get("/customers", params={"per_page": 5000, "status": "active,archived"}).json()
    assert body["meta"]["pagination"]["per_page"] == 200
    assert len(body["data"]) == 200


@pytest.mark.parametrize("order_by", ["id[ASC]", "id[asc]", "ID[Asc]"])
def test_order_by_ascending_in_any_case(api: Api, order_by: str) -> None:
    ids = ids_of(api.get("/customers", params={"order_by": order_by, "per_page": 100}))
    assert ids == sorted(ids)


def test_order_by_descending_is_the_default(api: Api) -> None:
    default = ids_of(api.get("/customers", params={"per_page": 100}))
    assert default == sorted(default, reverse=True)
    assert default == ids_of(api.get("/customers", params={"per_page": 100, "order_by": "id[desc]"}))


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("per_page", "0"),
        ("per_page", "ten"),
        ("order_by", "created_at[ASC]"),
        ("status", "deleted"),
        ("id", "ctm_1"),
    ],
)
def test_malformed_list_parameters_are_invalid_field(api: Api, param: str, value: str) -> None:
    response = api.get("/customers", params={param: value})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_field"
    assert response.json()["error"]["errors"][0]["field"] == param


def test_estimated_total_counts_matches_or_is_minus_one_when_skipped(api: Api, emulator: Emulator) -> None:
    everyone = {"status": "active,archived", "per_page": 10}
    assert api.get("/customers", params=everyone).json()["meta"]["pagination"]["estimated_total"] == len(
        emulator.data.customers
    )
    skipped = api.get("/customers", params=everyone, headers={"Skip-Count": "true"})
    assert skipped.json()["meta"]["pagination"]["estimated_total"] == -1


def test_email_filter_is_exact_and_takes_a_comma_list(
    api: Api, emulator: Emulator, examples: dict[str, str]
) -> None:
    avery = emulator.customer(examples["all_statuses"])
    morgan = emulator.customer(examples["no_subscriptions"])
    assert ids_of(api.get("/customers", params={"email": avery["email"]})) == [avery["id"]]
    both = ids_of(api.get("/customers", params={"email": f"{avery['email']},{morgan['email']}"}))
    assert set(both) == {avery["id"], morgan["id"]}
    assert ids_of(api.get("/customers", params={"email": avery["email"][1:]})) == []


def test_search_is_a_case_insensitive_substring_of_id_name_or_email(
    api: Api, emulator: Emulator, examples: dict[str, str]
) -> None:
    zoe = examples["non_ascii"]
    assert zoe in ids_of(api.get("/customers", params={"search": "ŁUKASIEWICZ"}))
    assert zoe in ids_of(api.get("/customers", params={"search": "zoe.lukas"}))
    assert ids_of(api.get("/customers", params={"search": zoe[-10:]})) == [zoe]


def test_id_filter_returns_only_those_customers(api: Api, examples: dict[str, str]) -> None:
    wanted = {examples["html_name"], examples["cjk_name"]}
    assert set(ids_of(api.get("/customers", params={"id": ",".join(wanted)}))) == wanted


def test_subscriptions_include_every_status_by_default(api: Api, emulator: Emulator) -> None:
    ids, _ = follow(api, "/subscriptions", per_page=200)
    assert len(ids) == len(emulator.data.subscriptions)
    statuses = {s["status"] for s in api.get("/subscriptions", params={"per_page": 200}).json()["data"]}
    assert statuses == {"active", "trialing", "past_due", "paused", "canceled"}


def test_subscriptions_filter_by_customer_status_and_id(
    api: Api, emulator: Emulator, examples: dict[str, str]
) -> None:
    customer = examples["all_statuses"]
    mine = [s["id"] for s in emulator.subscriptions_of(customer)]
    assert set(ids_of(api.get("/subscriptions", params={"customer_id": customer}))) == set(mine)
    paused = api.get("/subscriptions", params={"customer_id": customer, "status": "paused,canceled"}).json()[
        "data"
    ]
    assert {s["status"] for s in paused} == {"paused", "canceled"}
    assert ids_of(api.get("/subscriptions", params={"id": mine[0]})) == [mine[0]]


def test_subscriptions_of_many_customers_at_once(api: Api, examples: dict[str, str]) -> None:
    both = f"{examples['html_name']},{examples['manual_collection']}"
    customers = {
        s["customer_id"] for s in api.get("/subscriptions", params={"customer_id": both}).json()["data"]
    }
    assert customers == {examples["html_name"], examples["manual_collection"]}


def test_get_one_customer_or_subscription(api: Api, emulator: Emulator, examples: dict[str, str]) -> None:
    customer = examples["null_name"]
    assert api.get(f"/customers/{customer}").json()["data"] == emulator.customer(customer)
    subscription = emulator.subscriptions_of(customer)[0]
    got = api.get(f"/subscriptions/{subscription['id']}").json()["data"]
    assert got.pop("management_urls")
    assert got == subscription


@pytest.mark.parametrize("path", ["/customers/ctm_{zeros}", "/subscriptions/sub_{zeros}"])
def test_unknown_ids_are_not_found_naming_the_entity(api: Api, path: str) -> None:
    response = api.get(path.format(zeros="0" * 26))
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    entity = "Customer" if "ctm_" in path else "Subscription"
    assert error["detail"] == f"{entity} {path.split('/')[2].format(zeros='0' * 26)} not found."


@pytest.mark.parametrize("path", ["/customers/ctm_SHOUT", "/subscriptions/sub_1", "/customers/%3Cscript%3E"])
def test_malformed_ids_in_the_path_are_invalid_field(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_field"

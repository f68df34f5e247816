"""Payment methods and transactions: the seed, the filters and pages, and what Paddle refuses."""

import hashlib
import json
from collections import Counter
from typing import Any

import pytest

from paddle_emulator.clock import CLOCK
from paddle_emulator.seed import build_dataset
from tests.emulator.test_lists import follow, ids_of
from tests.support.paddle import Api

ZEROS = "0" * 26


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# --- The seed ----------------------------------------------------------------------------------------
def test_adding_billing_left_every_customer_and_subscription_as_it_was() -> None:
    """The demo users and the tests rely on these ids: billing draws from its own generator."""
    world = build_dataset(1)
    digest = hashlib.sha256(
        json.dumps([world.customers, world.subscriptions, world.examples, world.portal_ids]).encode()
    ).hexdigest()
    assert digest == "5247e6090e7cb31c2f917293aee93ee2f4f813111ca6ab323a10a39feac1af8e"


def test_billing_is_deterministic_and_paddle_shaped() -> None:
    world = build_dataset(1)
    assert build_dataset.__wrapped__(1).transactions == world.transactions
    ids = [str(t["id"]) for t in world.transactions]
    assert ids == sorted(set(ids))
    assert all(i.startswith("txn_") and len(i) == 30 for i in ids)
    methods = [m for ms in world.payment_methods_by_customer.values() for m in ms]
    assert all(str(m["id"]).startswith("paymtd_") and len(str(m["id"])) == 33 for m in methods)


def test_the_seed_has_expired_cards_paypal_and_failed_and_past_due_payments() -> None:
    world = build_dataset(1)
    methods = [m for ms in world.payment_methods_by_customer.values() for m in ms]
    cards = [m["card"] for m in methods if m["type"] == "card"]
    now = (CLOCK.year, CLOCK.month)
    assert sum((c["expiry_year"], c["expiry_month"]) < now for c in cards) >= 10  # type: ignore[index]
    assert any(m["type"] == "paypal" for m in methods)
    statuses = Counter(t["status"] for t in world.transactions)
    assert statuses["past_due"] >= 10
    assert statuses["canceled"] >= 5
    assert statuses["completed"] > 500
    failed = [t for t in world.transactions if any(p["status"] == "error" for p in t["payments"])]  # type: ignore[attr-defined]
    assert any(t["status"] == "completed" for t in failed)  # declined, then paid on a retry


def test_every_past_due_subscription_has_a_past_due_transaction() -> None:
    world = build_dataset(1)
    past_due = {str(s["id"]) for s in world.subscriptions if s["status"] == "past_due"}
    billed_past_due = {str(t["subscription_id"]) for t in world.transactions if t["status"] == "past_due"}
    assert past_due == billed_past_due


def test_the_card_ticket_example_has_an_expired_card_and_a_declined_renewal() -> None:
    world = build_dataset(1)
    customer_id = world.examples["all_statuses"]
    methods: list[dict[str, Any]] = json.loads(json.dumps(world.payment_methods_by_customer[customer_id]))
    cards = {m["card"]["last4"]: m["card"] for m in methods}
    assert (cards["5454"]["expiry_year"], cards["5454"]["type"]) == (CLOCK.year - 1, "mastercard")
    assert cards["4242"]["expiry_year"] > CLOCK.year
    (past_due,) = [t for t in world.transactions_by_customer[customer_id] if t["status"] == "past_due"]
    subscription = world.subscriptions_by_id[str(past_due["subscription_id"])]
    assert subscription["status"] == "past_due"
    assert [p["error_code"] for p in past_due["payments"]] == ["expired_card"]  # type: ignore[attr-defined]


def test_an_invoiced_customer_has_no_card_and_an_overdue_invoice() -> None:
    world = build_dataset(1)
    customer_id = world.examples["manual_collection"]
    assert world.payment_methods_by_customer[customer_id] == ()
    (overdue,) = [t for t in world.transactions_by_customer[customer_id] if t["status"] == "past_due"]
    assert (overdue["collection_mode"], overdue["payments"], overdue["checkout"]) == ("manual", [], None)


# --- GET /customers/{id}/payment-methods ----------------------------------------------------------------
def test_payment_methods_list_the_customers_own(api: Api, examples: dict[str, str]) -> None:
    customer_id = examples["all_statuses"]
    body = api.get(f"/customers/{customer_id}/payment-methods").json()
    assert {m["customer_id"] for m in body["data"]} == {customer_id}
    assert {m["card"]["last4"] for m in body["data"]} == {"5454", "4242"}
    assert body["meta"]["pagination"]["estimated_total"] == 2


def test_a_customer_without_saved_methods_gets_an_empty_list(api: Api, examples: dict[str, str]) -> None:
    assert ids_of(api.get(f"/customers/{examples['no_subscriptions']}/payment-methods")) == []


def test_payment_methods_of_an_unknown_or_malformed_customer(api: Api) -> None:
    assert error_of(api.get(f"/customers/ctm_{ZEROS}/payment-methods")) == (404, "not_found")
    assert error_of(api.get("/customers/ctm_123/payment-methods")) == (400, "invalid_field")


def test_payment_methods_page_and_filter_by_address(api: Api, examples: dict[str, str]) -> None:
    customer_id = examples["all_statuses"]
    path = f"/customers/{customer_id}/payment-methods"
    ids, links = follow(api, path, per_page=1, order_by="id[ASC]")
    assert len(ids) == 2
    assert ids == sorted(ids)
    assert len(links) == 2
    address = api.get(path).json()["data"][0]["address_id"]
    assert len(ids_of(api.get(path, params={"address_id": address}))) == 2
    assert ids_of(api.get(path, params={"address_id": "add_" + ZEROS})) == []
    assert ids_of(api.get(path, params={"supports_checkout": "false"})) == []
    assert error_of(api.get(path, params={"supports_checkout": "maybe"})) == (400, "invalid_field")


# --- GET /transactions ------------------------------------------------------------------------------------
def test_transactions_filter_by_customer_and_status(api: Api, examples: dict[str, str]) -> None:
    customers = f"{examples['all_statuses']},{examples['vip']}"
    body = api.get("/transactions", params={"customer_id": customers, "status": "past_due"}).json()
    assert {t["customer_id"] for t in body["data"]} == {examples["all_statuses"], examples["vip"]}
    assert {t["status"] for t in body["data"]} == {"past_due"}
    two = api.get("/transactions", params={"customer_id": customers, "status": "past_due,completed"})
    assert {t["status"] for t in two.json()["data"]} == {"past_due", "completed"}


def test_transactions_filter_by_subscription_and_id(api: Api, examples: dict[str, str]) -> None:
    first = api.get("/transactions", params={"customer_id": examples["all_statuses"]}).json()["data"][0]
    by_sub = api.get("/transactions", params={"subscription_id": first["subscription_id"]}).json()["data"]
    assert first["id"] in [t["id"] for t in by_sub]
    assert {t["subscription_id"] for t in by_sub} == {first["subscription_id"]}
    assert ids_of(api.get("/transactions", params={"id": first["id"]})) == [first["id"]]
    assert ids_of(api.get("/transactions", params={"subscription_id": "null"})) == []


def test_transactions_come_thirty_a_page_newest_first_and_every_page_follows(api: Api) -> None:
    ids, links = follow(api, "/transactions", per_page=200, status="past_due,canceled")
    assert ids == sorted(ids, reverse=True)
    assert api.get("/transactions", params={"per_page": 200}).json()["meta"]["pagination"]["per_page"] == 30
    assert len(links) == -(-len(ids) // 30)
    ascending, _ = follow(api, "/transactions", status="past_due,canceled", order_by="created_at[ASC]")
    assert ascending == sorted(ids)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "failed"},
        {"customer_id": "ctm_123"},
        {"subscription_id": "sub_x"},
        {"id": "txn_1"},
        {"order_by": "amount[ASC]"},
        {"per_page": "0"},
    ],
)
def test_bad_transaction_filters_are_invalid_field(api: Api, params: dict[str, str]) -> None:
    assert error_of(api.get("/transactions", params=params)) == (400, "invalid_field")


def test_the_new_endpoints_need_their_own_permissions(make_api: Any) -> None:
    restricted = make_api(permissions=frozenset({"customer.read", "subscription.read"}))
    customer_id = restricted.emulator.examples()["all_statuses"]
    assert error_of(restricted.get(f"/customers/{customer_id}/payment-methods")) == (403, "forbidden")
    assert error_of(restricted.get("/transactions")) == (403, "forbidden")


def test_the_new_endpoints_need_the_key(api: Api, examples: dict[str, str]) -> None:
    api.session.headers["Authorization"] = "Bearer pdl_sdbx_wrong"
    assert error_of(api.get(f"/customers/{examples['vip']}/payment-methods")) == (403, "invalid_token")
    assert error_of(api.get("/transactions")) == (403, "invalid_token")

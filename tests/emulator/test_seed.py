"""The seeded world: deterministic, realistic, and covering every case the console must handle."""

import re
from collections import Counter

from paddle_emulator import Emulator
from paddle_emulator.seed import build_dataset
from tests.support.personas import TEST_API_KEY

CUSTOMER_ID = re.compile(r"^ctm_[a-z\d]{26}$")
SUBSCRIPTION_ID = re.compile(r"^sub_[a-z\d]{26}$")


def test_the_same_seed_gives_the_same_world() -> None:
    build_dataset.cache_clear()
    first = build_dataset(7)
    build_dataset.cache_clear()
    again = build_dataset(7)
    assert first.customers == again.customers
    assert first.subscriptions == again.subscriptions
    assert first.examples == again.examples


def test_another_seed_gives_other_ids() -> None:
    one, two = build_dataset(1), build_dataset(2)
    assert {c["id"] for c in one.customers}.isdisjoint({c["id"] for c in two.customers})


def test_ids_are_paddle_shaped_unique_and_sort_in_creation_order() -> None:
    data = build_dataset(1)
    customer_ids = [str(c["id"]) for c in data.customers]
    assert all(CUSTOMER_ID.match(i) for i in customer_ids)
    assert customer_ids == sorted(customer_ids)
    created = [str(c["created_at"]) for c in data.customers]
    assert created == sorted(created)
    assert all(SUBSCRIPTION_ID.match(str(s["id"])) for s in data.subscriptions)
    assert len({s["id"] for s in data.subscriptions}) == len(data.subscriptions)


def test_a_few_hundred_customers_with_unique_emails_some_archived_some_nameless() -> None:
    customers = build_dataset(1).customers
    assert 250 <= len(customers) <= 350
    assert len({c["email"] for c in customers}) == len(customers)
    assert Counter(c["status"] for c in customers)["archived"] >= 5
    assert sum(c["name"] is None for c in customers) >= 5
    names = {c["name"] for c in customers}
    assert any("<" in str(n) for n in names - {None, "<script>alert(1)</script> Mallory"})
    assert {"Zoë Łukasiewicz", "山田 太郎"} <= names


def test_subscriptions_cover_every_status_and_collection_mode() -> None:
    data = build_dataset(1)
    assert {s["status"] for s in data.subscriptions} == {
        "active",
        "trialing",
        "past_due",
        "paused",
        "canceled",
    }
    assert {s["collection_mode"] for s in data.subscriptions} == {"automatic", "manual"}
    examples = set(data.examples.values())
    counts = [len(v) for k, v in data.subscriptions_by_customer.items() if k not in examples]
    assert max(counts) <= 6
    assert len(data.subscriptions_by_customer) < len(data.customers)  # some have none


def test_stopped_subscriptions_have_no_period_or_next_bill() -> None:
    for sub in build_dataset(1).subscriptions:
        stopped = sub["status"] in ("paused", "canceled")
        assert (sub["current_billing_period"] is None) == stopped
        assert (sub["next_billed_at"] is None) == stopped
        assert (sub["paused_at"] is not None) == (sub["status"] == "paused")
        assert (sub["canceled_at"] is not None) == (sub["status"] == "canceled")
        assert (sub["billing_details"] is not None) == (sub["collection_mode"] == "manual")


def test_the_seed_has_prices_without_names_and_scheduled_changes() -> None:
    subs = build_dataset(1).subscriptions
    prices = [i["price"] for s in subs for i in s["items"]]  # type: ignore[attr-defined]
    assert any(p["name"] is None and p["description"] for p in prices)
    assert {s["scheduled_change"]["action"] for s in subs if s["scheduled_change"]} >= {"cancel", "resume"}  # type: ignore[index]
    assert {s["currency_code"] for s in subs} >= {"USD", "EUR", "GBP", "JPY"}


def test_the_examples_show_what_their_names_say() -> None:
    emulator = Emulator(TEST_API_KEY)
    ex = emulator.examples()
    statuses = [s["status"] for s in emulator.subscriptions_of(ex["all_statuses"])]
    assert set(statuses) == {"active", "trialing", "past_due", "paused", "canceled"}
    assert any(s["collection_mode"] == "manual" for s in emulator.subscriptions_of(ex["all_statuses"]))
    assert any(s["scheduled_change"] for s in emulator.subscriptions_of(ex["all_statuses"]))
    assert emulator.subscriptions_of(ex["no_subscriptions"]) == []
    assert emulator.customer(ex["archived"])["status"] == "archived"
    assert emulator.customer(ex["null_name"])["name"] is None
    assert "<script>alert(1)</script>" in emulator.customer(ex["html_name"])["name"]
    assert not emulator.customer(ex["non_ascii"])["name"].isascii()
    assert {s["collection_mode"] for s in emulator.subscriptions_of(ex["manual_collection"])} == {"manual"}
    assert len(emulator.subscriptions_of(ex["many_subscriptions"])) > 25


def test_copies_handed_to_tests_do_not_change_the_world() -> None:
    emulator = Emulator(TEST_API_KEY)
    customer_id = emulator.examples()["all_statuses"]
    emulator.customer(customer_id)["name"] = "changed"
    emulator.subscriptions_of(customer_id)[0]["status"] = "changed"
    assert emulator.customer(customer_id)["name"] == "Avery Quinn"
    assert emulator.subscriptions_of(customer_id)[0]["status"] != "changed"

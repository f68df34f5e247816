"""Paddle's official Node SDK (npm `@paddle/paddle-node-sdk`) against the emulator over loopback.

`node/drive.mjs` performs every operation once per test session (the module fixture below) and
prints a JSON summary: the SDK classes of what came back, the ids, and any field an entity left
undefined. The tests assert on it, one operation each. `scripts/bootstrap` installs the npm package.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from paddle_emulator import EmulatorServer
from sessions_app.paddle.overview import PAYMENT_STATUSES
from tests.support.personas import TEST_API_KEY

NODE_DIR = Path(__file__).parent / "node"
SDK_VERSION = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]["@paddle/paddle-node-sdk"]
PER_PAGE = 40
UNKNOWN_CUSTOMER = "ctm_" + "0" * 26

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def run_drive_script(server: EmulatorServer, plan: dict[str, Any]) -> dict[str, Any]:
    if not (NODE_DIR / "node_modules" / "@paddle" / "paddle-node-sdk").is_dir():
        pytest.fail(f"{NODE_DIR}/node_modules is missing: run scripts/bootstrap (it runs `npm ci` there)")
    completed = subprocess.run(
        ["node", "drive.mjs", server.base_url],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        env={**os.environ, "PADDLE_API_KEY": TEST_API_KEY},
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


@pytest.fixture(scope="module")
def node(emulator_server: EmulatorServer) -> dict[str, Any]:
    """The drive script's summary, plus `plan` (what it was asked) and `requests` (what arrived)."""
    emulator = emulator_server.emulator
    examples = emulator.examples()
    customer_id = examples["all_statuses"]
    plan = {
        "customer_id": customer_id,
        "email": emulator.customer(customer_id)["email"],
        "subscription_ids": [s["id"] for s in emulator.subscriptions_of(customer_id)][:2],
        "foreign_subscription_id": emulator.subscriptions_of(examples["html_name"])[0]["id"],
        "unknown_customer_id": UNKNOWN_CUSTOMER,
        "wrong_api_key": TEST_API_KEY[:-3] + "Xyz",
        "per_page": PER_PAGE,
        "payment_statuses": list(PAYMENT_STATUSES),
    }
    emulator.reset()
    try:
        summary = run_drive_script(emulator_server, plan)
        requests = emulator.requests
    finally:
        emulator.reset()
    return {**summary, "plan": plan, "requests": requests}


def ok(node: dict[str, Any], operation: str) -> dict[str, Any]:
    """The operation's result, which must not have thrown and must have parsed completely."""
    result: dict[str, Any] = node[operation]
    assert result["thrown"] is None, result
    assert result["undefined_fields"] == [], "the SDK's entities expected fields the emulator left out"
    return result


def test_the_pinned_sdk_version_is_the_one_that_ran(node: dict[str, Any]) -> None:
    assert node["sdk_version"] == SDK_VERSION


def test_listing_customers_follows_every_page_into_customer_entities(
    node: dict[str, Any], emulator_server: EmulatorServer
) -> None:
    result = ok(node, "list_customers_paged")
    assert (result["collection_class"], result["entity_class"], result["all_entities"]) == (
        "CustomerCollection",
        "Customer",
        True,
    )
    active = sorted(str(c["id"]) for c in emulator_server.emulator.data.customers if c["status"] == "active")
    assert result["ids"] == active
    assert result["pages"] == -(-len(active) // PER_PAGE) > 1


def test_customers_are_found_by_exact_email(node: dict[str, Any]) -> None:
    result = ok(node, "list_customers_by_email")
    assert result["all_entities"]
    assert result["ids"] == [node["plan"]["customer_id"]]


def test_getting_a_customer_gives_a_customer(node: dict[str, Any], emulator_server: EmulatorServer) -> None:
    result = ok(node, "get_customer")
    wanted = emulator_server.emulator.customer(node["plan"]["customer_id"])
    assert (result["is_entity"], result["entity_class"]) == (True, "Customer")
    assert (result["id"], result["email"], result["name"]) == (wanted["id"], wanted["email"], wanted["name"])


def test_listing_a_customers_subscriptions_pages_into_subscription_entities(
    node: dict[str, Any], emulator_server: EmulatorServer
) -> None:
    result = ok(node, "list_subscriptions")
    assert (result["collection_class"], result["entity_class"], result["all_entities"]) == (
        "SubscriptionCollection",
        "Subscription",
        True,
    )
    own = emulator_server.emulator.subscriptions_of(node["plan"]["customer_id"])
    assert sorted(result["ids"]) == sorted(s["id"] for s in own)
    assert result["pages"] > 1


def test_every_subscription_of_every_customer_parses(
    node: dict[str, Any], emulator_server: EmulatorServer
) -> None:
    result = ok(node, "list_all_subscriptions")
    assert result["all_entities"]
    assert sorted(result["ids"]) == sorted(str(s["id"]) for s in emulator_server.emulator.data.subscriptions)


def test_getting_a_subscription_gives_a_subscription(node: dict[str, Any]) -> None:
    result = ok(node, "get_subscription")
    assert (result["is_entity"], result["entity_class"]) == (True, "Subscription")
    assert (result["id"], result["customer_id"]) == (
        node["plan"]["subscription_ids"][0],
        node["plan"]["customer_id"],
    )


def test_a_customers_payment_methods_parse(node: dict[str, Any], emulator_server: EmulatorServer) -> None:
    result = ok(node, "list_payment_methods")
    assert (result["collection_class"], result["entity_class"], result["all_entities"]) == (
        "PaymentMethodCollection",
        "PaymentMethod",
        True,
    )
    own = emulator_server.emulator.payment_methods_of(node["plan"]["customer_id"])
    assert sorted(result["ids"]) == sorted(m["id"] for m in own)


def test_a_customers_failed_or_past_due_transactions_parse(
    node: dict[str, Any], emulator_server: EmulatorServer
) -> None:
    result = ok(node, "list_transactions")
    assert (result["collection_class"], result["entity_class"], result["all_entities"]) == (
        "TransactionCollection",
        "Transaction",
        True,
    )
    own = emulator_server.emulator.transactions_of(node["plan"]["customer_id"])
    assert sorted(result["ids"]) == sorted(t["id"] for t in own if t["status"] in PAYMENT_STATUSES)


def test_every_transaction_parses_in_pages_of_thirty(
    node: dict[str, Any], emulator_server: EmulatorServer
) -> None:
    result = ok(node, "list_all_transactions")
    transactions = emulator_server.emulator.data.transactions
    assert sorted(result["ids"]) == sorted(str(t["id"]) for t in transactions)
    assert result["pages"] == -(-len(transactions) // 30)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_a_portal_session_for_n_subscriptions_parses_with_one_link_set_each(
    node: dict[str, Any], emulator_server: EmulatorServer, count: int
) -> None:
    result = ok(node, f"portal_session_{count}")
    assert (result["is_entity"], result["entity_class"], result["link_entities"]) == (
        True,
        "CustomerPortalSession",
        True,
    )
    assert result["id"].startswith("cpls_")
    assert result["customer_id"] == node["plan"]["customer_id"]
    assert result["overview"].startswith(emulator_server.base_url + "/portal/cpl_")
    assert result["subscription_ids"] == node["plan"]["subscription_ids"][:count]


def test_portal_session_bodies_are_what_paddle_expects(node: dict[str, Any]) -> None:
    """No ids: `{}` (the SDK drops the undefined field); otherwise snake_case `subscription_ids`."""
    customer_path = f"/customers/{node['plan']['customer_id']}/portal-sessions"
    bodies = [r.body for r in node["requests"] if r.path == customer_path]
    ids = node["plan"]["subscription_ids"]
    assert bodies[:3] == [{}, {"subscription_ids": ids[:1]}, {"subscription_ids": ids[:2]}]


@pytest.mark.parametrize(
    ("operation", "code", "fields"),
    [
        ("error_unknown_customer", "not_found", []),
        ("error_unknown_customer_portal_session", "not_found", []),
        ("error_unknown_customer_payment_methods", "not_found", []),
        ("error_wrong_key", "invalid_token", []),
        ("error_foreign_subscription", "invalid_field", ["subscription_ids[1]"]),
    ],
)
def test_documented_errors_arrive_as_the_sdks_api_error_with_paddles_code(
    node: dict[str, Any], operation: str, code: str, fields: list[str]
) -> None:
    result = node[operation]
    assert (result["thrown"], result["api_error"]) == ("ApiError", True), result
    assert (result["type"], result["code"], result["fields"]) == ("request_error", code, fields)


def test_an_unknown_customer_is_named_in_the_detail(node: dict[str, Any]) -> None:
    assert node["error_unknown_customer"]["detail"] == f"Customer {UNKNOWN_CUSTOMER} not found."

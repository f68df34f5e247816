"""Payment methods and transactions: the client's calls over loopback, and parsing their bodies."""

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from paddle_emulator import Emulator
from sessions_app.paddle import parse
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import PaddleAuthError, PaddleNotFound, PaddleUnavailable
from sessions_app.paddle.overview import PAYMENT_STATUSES
from sessions_app.paddle.types import PaymentMethod
from tests.support.paddle import StartServer, StubPaddle, make_client
from tests.support.personas import TEST_API_KEY

ZEROS = "0" * 26


# --- Payment methods -------------------------------------------------------------------------------------
def test_payment_methods_are_listed_with_brand_last4_and_expiry(
    client: PaddleClient, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["all_statuses"]

    methods = {m.last4: m for m in client.list_payment_methods(customer_id)}

    assert set(methods) == {"5454", "4242"}
    old, new = methods["5454"], methods["4242"]
    assert (old.type, old.card_brand, old.expiry_month, old.expiry_year) == ("card", "mastercard", 9, 2025)
    assert (old.origin, new.origin) == ("subscription", "saved_during_purchase")
    assert old.expired_on(date(2026, 11, 1))
    assert not new.expired_on(date(2026, 11, 1))
    (request,) = emulator.requests
    assert request.path == f"/customers/{customer_id}/payment-methods"
    assert request.query["per_page"] == "200"


@pytest.mark.parametrize(
    ("today", "expired"),
    [
        (date(2025, 9, 30), False),  # a card works through the last day of its expiry month
        (date(2025, 10, 1), True),
        (date(2024, 12, 1), False),
    ],
)
def test_a_card_expires_after_its_expiry_month(today: date, expired: bool) -> None:
    card = PaymentMethod(
        id="paymtd_" + ZEROS,
        customer_id="ctm_" + ZEROS,
        type="card",
        card_brand="visa",
        last4="4242",
        expiry_month=9,
        expiry_year=2025,
        origin="subscription",
        saved_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert card.expired_on(today) is expired


def test_paypal_has_no_card_and_never_expires(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = next(
        c
        for c, methods in emulator.data.payment_methods_by_customer.items()
        if any(m["type"] == "paypal" for m in methods)
    )
    paypal = next(m for m in client.list_payment_methods(customer_id) if m.type == "paypal")
    assert (paypal.card_brand, paypal.last4, paypal.expired) == (None, None, False)
    assert "@" not in repr(paypal)  # the PayPal email is not kept


def test_payment_methods_of_an_unknown_customer_are_not_found(client: PaddleClient) -> None:
    with pytest.raises(PaddleNotFound):
        client.list_payment_methods("ctm_" + ZEROS)


def test_a_malformed_customer_id_never_reaches_paddle(client: PaddleClient, emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="ctm_"):
        client.list_payment_methods("ctm_x/../../customers")
    with pytest.raises(ValueError, match="ctm_"):
        client.list_transactions("ctm_x", PAYMENT_STATUSES)
    assert emulator.requests == []


def test_a_key_without_the_permission_is_an_auth_error(start_server: StartServer) -> None:
    server = start_server(Emulator(TEST_API_KEY, permissions=frozenset({"customer.read"})))
    client = make_client(server.base_url)
    customer_id = server.emulator.examples()["all_statuses"]
    with pytest.raises(PaddleAuthError) as excinfo:
        client.list_payment_methods(customer_id)
    assert excinfo.value.code == "forbidden"
    with pytest.raises(PaddleAuthError):
        client.list_transactions(customer_id, PAYMENT_STATUSES)


# --- Transactions ----------------------------------------------------------------------------------------
def test_transactions_are_asked_for_by_customer_and_status_newest_first(
    client: PaddleClient, emulator: Emulator
) -> None:
    customer_id = emulator.examples()["all_statuses"]

    transactions = client.list_transactions(customer_id, ["past_due"])

    (past_due,) = transactions
    assert past_due.status == "past_due"
    assert past_due.past_due
    assert past_due.failed_or_past_due
    assert past_due.customer_id == customer_id
    assert past_due.subscription_id in {s["id"] for s in emulator.subscriptions_of(customer_id)}
    assert (past_due.currency_code, past_due.grand_total, past_due.balance) == ("GBP", "34128", "34128")
    assert past_due.last_failure is not None
    assert (past_due.last_failure.error_code, past_due.last_failure.last4) == ("expired_card", "5454")
    (request,) = emulator.requests
    assert request.query == {
        "customer_id": customer_id,
        "status": "past_due",
        "order_by": "id[DESC]",
        "per_page": "30",
    }


def test_a_decline_that_a_retry_recovered_counts_as_failed(client: PaddleClient, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]
    completed = client.list_transactions(customer_id, ["completed"])
    recovered = [t for t in completed if t.failed_or_past_due]
    assert len(recovered) == 1
    (transaction,) = recovered
    assert [p.status for p in transaction.payments] == ["captured", "error"]  # newest first
    assert transaction.last_failure is transaction.payments[1]
    assert not transaction.past_due
    assert all(not t.failed_or_past_due for t in completed if t is not transaction)


def test_an_overdue_invoice_is_past_due_without_attempts(client: PaddleClient, emulator: Emulator) -> None:
    (invoice,) = client.list_transactions(emulator.examples()["manual_collection"], ["past_due"])
    assert (invoice.collection_mode, invoice.payments, invoice.last_failure) == ("manual", (), None)
    assert invoice.failed_or_past_due


@pytest.mark.parametrize("statuses", [[], "past_due", ["pending"]])
def test_bad_statuses_are_refused_before_paddle(
    client: PaddleClient, emulator: Emulator, statuses: Any
) -> None:
    with pytest.raises((TypeError, ValueError)):
        client.list_transactions(emulator.examples()["all_statuses"], statuses)
    assert emulator.requests == []


def test_another_customers_transaction_is_refused(start_server: StartServer, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]
    foreign = copy.deepcopy(emulator.transactions_of(emulator.examples()["vip"])[0])
    body = {"data": [foreign], "meta": {"request_id": "r1", "pagination": {"has_more": False, "next": ""}}}
    server = start_server(StubPaddle({"/transactions": [(200, {"Content-Type": "application/json"}, body)]}))
    with pytest.raises(PaddleUnavailable) as excinfo:
        make_client(server.base_url).list_transactions(customer_id, PAYMENT_STATUSES)
    assert excinfo.value.code == "customer_mismatch"


# --- Parsing -------------------------------------------------------------------------------------------
def _method(emulator: Emulator) -> dict[str, Any]:
    return emulator.payment_methods_of(emulator.examples()["all_statuses"])[0]


def test_a_payment_method_keeps_no_cardholder_name(emulator: Emulator) -> None:
    body = _method(emulator)
    parsed = parse.payment_method(body)
    assert body["card"]["cardholder_name"] not in repr(parsed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["card"].update(last4="42"), "payment_method.card.last4: not four digits"),
        (lambda m: m["card"].update(last4="٤٢٤٢"), "payment_method.card.last4: not four digits"),
        (
            lambda m: m["card"].update(expiry_month="9"),
            "payment_method.card.expiry_month: expected an integer",
        ),
        (lambda m: m.update(id="paymtd_1"), "payment_method.id: not a valid Paddle id"),
        (lambda m: m.pop("saved_at"), "payment_method.saved_at: missing"),
    ],
)
def test_a_malformed_payment_method_names_the_place_not_the_value(
    emulator: Emulator, change: Any, message: str
) -> None:
    body = _method(emulator)
    change(body)
    with pytest.raises(parse.InvalidResponse, match=message):
        parse.payment_method(body)


def test_a_whole_float_expiry_is_accepted(emulator: Emulator) -> None:
    body = _method(emulator)
    body["card"]["expiry_year"] = 2025.0
    assert parse.payment_method(body).expiry_year == 2025


def test_a_transaction_without_payments_or_subscription_parses(emulator: Emulator) -> None:
    body = emulator.transactions_of(emulator.examples()["all_statuses"])[0]
    del body["payments"]
    body["subscription_id"] = None
    parsed = parse.transaction(body)
    assert (parsed.payments, parsed.subscription_id, parsed.failed_or_past_due) == ((), None, False)


def test_a_transaction_without_totals_is_invalid(emulator: Emulator) -> None:
    body = emulator.transactions_of(emulator.examples()["all_statuses"])[0]
    del body["details"]["totals"]["grand_total"]
    with pytest.raises(parse.InvalidResponse, match=r"transaction.details.totals.grand_total: missing"):
        parse.transaction(body)

"""Paddle's official Python SDK (PyPI `paddle-python-sdk`) against the emulator over loopback.

The SDK has no option for a custom base URL: `Environment` is a closed enum of Paddle's two hosts.
It reads only `options.environment.base_url`, so an object with that attribute points it here.
Every answer must parse into the SDK's own entities: its `from_dict` parsers raise on a missing key.
"""

import math
from dataclasses import dataclass

import pytest
from paddle_billing import Client, Options
from paddle_billing.Entities.Customer import Customer
from paddle_billing.Entities.CustomerPortalSession import CustomerPortalSession
from paddle_billing.Entities.PaymentMethod import PaymentMethod
from paddle_billing.Entities.Shared import Status
from paddle_billing.Entities.Shared.TransactionStatus import TransactionStatus
from paddle_billing.Entities.Subscription import Subscription
from paddle_billing.Entities.Transaction import Transaction
from paddle_billing.Exceptions.ApiError import ApiError
from paddle_billing.Resources.CustomerPortalSessions.Operations import CreateCustomerPortalSession
from paddle_billing.Resources.Customers.Operations import ListCustomers
from paddle_billing.Resources.Shared.Operations import Pager
from paddle_billing.Resources.Subscriptions.Operations import ListSubscriptions
from paddle_billing.Resources.Transactions.Operations import ListTransactions

from paddle_emulator import Emulator, EmulatorServer
from tests.support.personas import TEST_API_KEY

ZEROS = "0" * 26


@dataclass(frozen=True)
class EmulatorEnvironment:
    """Stands in for `paddle_billing.Environment`, whose members only name Paddle's own hosts."""

    base_url: str


def sdk_client(server: EmulatorServer, api_key: str = TEST_API_KEY) -> Client:
    return Client(api_key, options=Options(environment=EmulatorEnvironment(server.base_url)), timeout=10)


@pytest.fixture
def paddle(emulator: Emulator, emulator_server: EmulatorServer) -> Client:
    return sdk_client(emulator_server)


def active_customer_ids(emulator: Emulator) -> list[str]:
    return sorted(str(c["id"]) for c in emulator.data.customers if c["status"] == "active")


# --- Customers ---------------------------------------------------------------------------------------
def test_listing_customers_follows_every_page_and_parses_each_into_a_customer(
    paddle: Client, emulator: Emulator
) -> None:
    customers = list(paddle.customers.list(ListCustomers(pager=Pager(per_page=40))))
    assert all(type(c) is Customer for c in customers)
    assert [c.id for c in customers] == active_customer_ids(emulator)
    pages = [r for r in emulator.requests if r.path == "/customers"]
    assert len(pages) == math.ceil(len(customers) / 40)
    assert all(r.query["per_page"] == "40" for r in pages)
    assert [r.query.get("after") for r in pages[1:]] == [c.id for c in customers[39:-1:40]]


def test_archived_customers_parse_too(paddle: Client, emulator: Emulator) -> None:
    archived = list(paddle.customers.list(ListCustomers(statuses=[Status.Archived])))
    expected = sorted(str(c["id"]) for c in emulator.data.customers if c["status"] == "archived")
    assert sorted(c.id for c in archived) == expected
    assert all(c.status == Status.Archived for c in archived)


def test_customers_are_found_by_exact_email(paddle: Client, emulator: Emulator) -> None:
    wanted = emulator.customer(emulator.examples()["non_ascii"])
    found = list(paddle.customers.list(ListCustomers(emails=[wanted["email"]])))
    assert len(found) == 1
    assert type(found[0]) is Customer
    assert (found[0].id, found[0].email, found[0].name) == (wanted["id"], wanted["email"], wanted["name"])


def test_an_email_nobody_has_finds_no_customer(paddle: Client) -> None:
    assert list(paddle.customers.list(ListCustomers(emails=["nobody@example.invalid"]))) == []


@pytest.mark.parametrize("example", ["all_statuses", "null_name", "archived", "cjk_name"])
def test_getting_a_customer_gives_a_customer(paddle: Client, emulator: Emulator, example: str) -> None:
    wanted = emulator.customer(emulator.examples()[example])
    customer = paddle.customers.get(wanted["id"])
    assert type(customer) is Customer
    assert (customer.id, customer.email, customer.name) == (wanted["id"], wanted["email"], wanted["name"])


# --- Subscriptions -----------------------------------------------------------------------------------
def test_listing_a_customers_subscriptions_gives_subscriptions(paddle: Client, emulator: Emulator) -> None:
    customer_id = emulator.examples()["all_statuses"]
    subscriptions = list(paddle.subscriptions.list(ListSubscriptions(customer_ids=[customer_id])))
    assert all(type(s) is Subscription for s in subscriptions)
    assert {s.customer_id for s in subscriptions} == {customer_id}
    assert sorted(s.id for s in subscriptions) == sorted(
        s["id"] for s in emulator.subscriptions_of(customer_id)
    )


def test_every_subscription_of_every_customer_parses(paddle: Client, emulator: Emulator) -> None:
    subscriptions = list(paddle.subscriptions.list(ListSubscriptions(pager=Pager(per_page=200))))
    assert all(type(s) is Subscription for s in subscriptions)
    assert sorted(s.id for s in subscriptions) == sorted(str(s["id"]) for s in emulator.data.subscriptions)


@pytest.mark.parametrize("status", ["active", "trialing", "past_due", "paused", "canceled"])
def test_getting_a_subscription_in_any_status_gives_a_subscription(
    paddle: Client, emulator: Emulator, status: str
) -> None:
    wanted = next(
        s for s in emulator.subscriptions_of(emulator.examples()["all_statuses"]) if s["status"] == status
    )
    subscription = paddle.subscriptions.get(wanted["id"])
    assert type(subscription) is Subscription
    assert (subscription.id, subscription.customer_id) == (wanted["id"], wanted["customer_id"])
    assert subscription.status.value == status
    assert subscription.management_urls is not None
    assert subscription.management_urls.cancel.startswith(emulator_base(paddle))


def test_a_manually_collected_subscription_parses(paddle: Client, emulator: Emulator) -> None:
    wanted = emulator.subscriptions_of(emulator.examples()["manual_collection"])[0]
    subscription = paddle.subscriptions.get(wanted["id"])
    assert type(subscription) is Subscription
    assert subscription.collection_mode.value == "manual"


def emulator_base(paddle: Client) -> str:
    return str(paddle.options.environment.base_url)


# --- Payment methods and transactions ----------------------------------------------------------------
@pytest.mark.parametrize("example", ["all_statuses", "vip", "manual_collection", "no_subscriptions"])
def test_a_customers_payment_methods_parse(paddle: Client, emulator: Emulator, example: str) -> None:
    customer_id = emulator.examples()[example]
    methods = list(paddle.payment_methods.list(customer_id))
    assert all(type(m) is PaymentMethod for m in methods)
    assert sorted(m.id for m in methods) == sorted(m["id"] for m in emulator.payment_methods_of(customer_id))


def test_every_payment_method_parses_cards_and_paypal_alike(paddle: Client, emulator: Emulator) -> None:
    customers = [c for c, methods in emulator.data.payment_methods_by_customer.items() if len(methods) > 1]
    kinds = set()
    for customer_id in customers:
        methods = list(paddle.payment_methods.list(customer_id))
        assert all(type(m) is PaymentMethod for m in methods)
        kinds |= {m.type.value for m in methods}
    assert kinds == {"card", "paypal"}


def test_every_transaction_parses_in_pages_of_thirty(paddle: Client, emulator: Emulator) -> None:
    transactions = list(paddle.transactions.list(ListTransactions(pager=Pager(per_page=200))))
    assert all(type(t) is Transaction for t in transactions)
    assert sorted(t.id for t in transactions) == sorted(str(t["id"]) for t in emulator.data.transactions)
    assert {r.query["per_page"] for r in emulator.requests} == {"200"}  # asked for 200, given 30
    assert len(emulator.requests) == math.ceil(len(transactions) / 30)


def test_a_customers_past_due_transactions_parse_with_their_failed_attempts(
    paddle: Client, emulator: Emulator, customer_id: str
) -> None:
    operation = ListTransactions(customer_ids=[customer_id], statuses=[TransactionStatus.PastDue])
    (past_due,) = list(paddle.transactions.list(operation))
    assert type(past_due) is Transaction
    assert past_due.status == TransactionStatus.PastDue
    assert [p.error_code.value for p in past_due.payments if p.error_code] == ["expired_card"]


# --- Portal sessions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [0, 1, 2])
def test_a_portal_session_for_n_subscriptions_parses_with_one_link_set_each(
    paddle: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], count: int
) -> None:
    wanted = subscription_ids[:count]
    operation = (
        CreateCustomerPortalSession(subscription_ids=wanted) if count else CreateCustomerPortalSession()
    )
    session = paddle.customer_portal_sessions.create(customer_id, operation)
    assert type(session) is CustomerPortalSession
    assert session.id.startswith("cpls_")
    assert session.customer_id == customer_id
    assert session.urls.general.overview.startswith(emulator_base(paddle) + "/portal/cpl_")
    assert [links.id for links in session.urls.subscriptions] == wanted
    for links in session.urls.subscriptions:
        assert f"subscription_id={links.id}" in links.cancel_subscription
        assert f"subscription_id={links.id}" in links.update_subscription_payment_method
        assert links.view_subscription is not None
    body = [r.body for r in emulator.requests if r.path.endswith("/portal-sessions")]
    assert body == [{"subscription_ids": wanted} if count else {}]


# --- The documented errors, as the SDK's ApiError ----------------------------------------------------
def api_error(excinfo: pytest.ExceptionInfo[ApiError]) -> tuple[int, str, str]:
    error = excinfo.value
    assert isinstance(error, ApiError)
    return error.response.status_code, error.error_type, error.error_code


def test_getting_an_unknown_customer_is_not_found(paddle: Client) -> None:
    with pytest.raises(ApiError) as excinfo:
        paddle.customers.get("ctm_" + ZEROS)
    assert api_error(excinfo) == (404, "request_error", "not_found")
    assert excinfo.value.detail == f"Customer ctm_{ZEROS} not found."


def test_getting_an_unknown_subscription_is_not_found(paddle: Client) -> None:
    with pytest.raises(ApiError) as excinfo:
        paddle.subscriptions.get("sub_" + ZEROS)
    assert api_error(excinfo) == (404, "request_error", "not_found")


def test_a_portal_session_for_an_unknown_customer_is_not_found(paddle: Client) -> None:
    with pytest.raises(ApiError) as excinfo:
        paddle.customer_portal_sessions.create("ctm_" + ZEROS, CreateCustomerPortalSession())
    assert api_error(excinfo) == (404, "request_error", "not_found")


def test_a_wrong_key_is_invalid_token(emulator: Emulator, emulator_server: EmulatorServer) -> None:
    wrong = sdk_client(emulator_server, api_key=TEST_API_KEY[:-3] + "Xyz")
    with pytest.raises(ApiError) as excinfo:
        wrong.customers.list(ListCustomers())
    assert api_error(excinfo) == (403, "request_error", "invalid_token")


def test_another_customers_subscription_is_invalid_field(
    paddle: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    foreign = emulator.subscriptions_of(emulator.examples()["html_name"])[0]["id"]
    with pytest.raises(ApiError) as excinfo:
        paddle.customer_portal_sessions.create(
            customer_id, CreateCustomerPortalSession(subscription_ids=[subscription_ids[0], foreign])
        )
    assert api_error(excinfo) == (400, "request_error", "invalid_field")
    assert [e.field for e in excinfo.value.field_errors] == ["subscription_ids[1]"]
    assert foreign in excinfo.value.field_errors[0].error

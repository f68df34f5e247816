"""The customer page for a card ticket: saved payment methods, failed or past-due payments, and
subscription rows led by product, plan, status and recurring total."""

import html as html_lib
import re
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from sessions_app.paddle.overview import Section
from sessions_app.paddle.types import (
    BillingCycle,
    PaymentAttempt,
    Subscription,
    SubscriptionItem,
    Transaction,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def section(html: str, heading: str) -> str:
    """The text of the `<section>` whose h2 is `heading`."""
    match = re.search(rf"<section[^>]*>\s*<h2[^>]*>{re.escape(heading)}</h2>(.*?)</section>", html, re.S)
    assert match is not None, f"no section {heading!r}"
    return match.group(1)


def text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def expired(card: dict[str, int]) -> bool:
    today = datetime.now(UTC).date()
    return (card["expiry_year"], card["expiry_month"]) < (today.year, today.month)


def test_the_cards_on_file_show_brand_last4_expiry_and_an_unmistakable_expired(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    methods = text(section(page, "Payment methods on file"))
    cards = {m["card"]["last4"]: m["card"] for m in emulator.payment_methods_of(customer_id)}
    assert expired(cards["5454"])  # 09/2025
    assert "Mastercard •••• ending in 5454 ⚠ EXPIRED expired 09/2025" in methods
    assert (
        f"Visa •••• ending in 4242 {'⚠ EXPIRED expired' if expired(cards['4242']) else 'expires'} 08/"
        in methods
    )
    assert methods.count("EXPIRED") == sum(expired(c) for c in cards.values())


def test_the_past_due_payment_shows_amount_date_reason_and_subscription(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    payments = text(section(page, "Failed or past-due payments"))
    (past_due,) = [t for t in emulator.transactions_of(customer_id) if t["status"] == "past_due"]
    subscription = next(
        s for s in emulator.subscriptions_of(customer_id) if s["id"] == past_due["subscription_id"]
    )
    amount = Decimal(past_due["details"]["totals"]["grand_total"]) / 100
    product = subscription["items"][0]["product"]["name"]
    assert f"{past_due['currency_code']} {amount:,.2f} ⚠ Past due: unpaid" in payments
    assert f"Billed {past_due['billed_at'][:10]}; last failed" in payments
    assert "card expired (Mastercard •••• ending in 5454)" in payments
    assert f"For {product}" in payments
    assert subscription["id"] in payments
    # the decline that a retry recovered is there too, the paid renewals are not
    assert payments.count("Paid after a failed attempt") == 1
    assert payments.count("Billed ") == 2


def test_the_sections_sit_above_the_subscriptions(agent_client: Client, customer_id: str) -> None:
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert page.index("Payment methods on file") < page.index("Failed or past-due payments")
    assert page.index("Failed or past-due payments") < page.index("<h2>Subscriptions</h2>")


def test_an_invoiced_customer_has_no_card_and_an_overdue_invoice(
    agent_client: Client, emulator: Emulator
) -> None:
    page = agent_client.get(f"/customers/{emulator.examples()['manual_collection']}/").content.decode()
    assert "No saved payment methods." in text(section(page, "Payment methods on file"))
    payments = text(section(page, "Failed or past-due payments"))
    assert "Past due: unpaid" in payments
    assert "invoice not paid by its due date" in payments


def test_a_customer_without_any_says_so(agent_client: Client, emulator: Emulator) -> None:
    page = agent_client.get(f"/customers/{emulator.examples()['no_subscriptions']}/").content.decode()
    assert "No saved payment methods." in page
    assert "None among the customer's 30 most recent payments." in page


def test_each_row_leads_with_product_and_plan_then_status_and_recurring_total(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    for subscription in emulator.subscriptions_of(customer_id):
        row = re.search(
            rf'<tr class="subscription[^"]*">\s*<td><input[^>]*id="tick-{subscription["id"]}"[^>]*></td>'
            r"(.*?)</tr>",
            page,
            re.S,
        )
        assert row is not None
        cells = [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
        item = subscription["items"][0]
        assert cells[0].startswith(
            f"{item['product']['name']} · {item['price']['name'] or item['price']['description']}"
        )
        assert cells[0].endswith(subscription["id"])  # the id, secondary, last
        label = {
            "past_due": "⚠ Past due",
            "paused": "‖ Paused",
            "canceled": "✕ Canceled",
            "trialing": "Trial",
        }
        assert cells[1].startswith(label.get(subscription["status"], "Active"))
        total = sum(
            Decimal(i["price"]["unit_price"]["amount"]) * i["quantity"] for i in subscription["items"]
        )
        cycle = subscription["billing_cycle"]["interval"]
        assert cells[2].startswith(f"{subscription['currency_code']} {total / 100:,.2f} / {cycle}")


def test_the_tick_box_stays_first_with_its_name_value_and_id(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    for subscription in emulator.subscriptions_of(customer_id):
        sid = subscription["id"]
        assert f'<td><input type="checkbox" name="subscription_ids" value="{sid}" id="tick-{sid}"' in page
        assert f'<label for="tick-{sid}" class="subscription-title">' in page


def test_a_yen_subscription_totals_without_minor_units(agent_client: Client, emulator: Emulator) -> None:
    customer_id = emulator.examples()["cjk_name"]
    (subscription,) = emulator.subscriptions_of(customer_id)
    total = sum(int(i["price"]["unit_price"]["amount"]) * i["quantity"] for i in subscription["items"])
    assert f"JPY {total:,} / month" in agent_client.get(f"/customers/{customer_id}/").content.decode()


# --- When Paddle does not give the new sections ----------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "fault", "heading", "reason"),
    [
        (
            "/transactions",
            {"kind": "error", "status": 500},
            "Failed or past-due payments",
            "Couldn't load failed or past-due payments: Paddle could not be reached or answered badly.",
        ),
        (
            "/customers/*/payment-methods",
            {"kind": "error", "status": 403, "code": "forbidden"},
            "Payment methods on file",
            "Couldn't load payment methods: the console's Paddle key may not read them "
            "(payment_method.read).",
        ),
        (
            "/transactions",
            {"kind": "error", "status": 403, "code": "forbidden"},
            "Failed or past-due payments",
            "may not read them (transaction.read)",
        ),
        (
            "/customers/*/payment-methods",
            {"kind": "error", "status": 429, "retry_after": 30},
            "Payment methods on file",
            "Couldn't load payment methods: Paddle is busy.",
        ),
    ],
)
def test_a_failed_new_call_empties_its_section_not_the_page(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    path: str,
    fault: dict[str, object],
    heading: str,
    reason: str,
) -> None:
    emulator.add_fault(path, **fault)  # type: ignore[arg-type]
    response = agent_client.get(f"/customers/{customer_id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in text(section(page, heading))
    for subscription in emulator.subscriptions_of(customer_id):
        assert f'value="{subscription["id"]}"' in page  # the agent can still tick and go on
    other = (
        "Failed or past-due payments" if heading == "Payment methods on file" else "Payment methods on file"
    )
    assert "Couldn't load" not in section(page, other)
    assert AuditEvent.objects.get(action="customer.view").outcome == "success"


def test_a_slow_new_call_times_out_into_its_section(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Settings
) -> None:
    settings.PADDLE_READ_TIMEOUT = 0.3
    settings.PADDLE_DEADLINE = 0.6
    emulator.add_fault("/transactions", kind="latency", latency_ms=900)
    response = agent_client.get(f"/customers/{customer_id}/")
    assert response.status_code == 200
    assert "Paddle did not answer in time" in text(
        section(response.content.decode(), "Failed or past-due payments")
    )


def test_all_four_calls_run_at_once(agent_client: Client, emulator: Emulator, customer_id: str) -> None:
    for path in ("/customers/*", "/subscriptions", "/transactions"):
        emulator.add_fault(path, kind="latency", latency_ms=400)
    started = time.monotonic()
    assert agent_client.get(f"/customers/{customer_id}/").status_code == 200
    elapsed = time.monotonic() - started
    assert 0.4 <= elapsed < 0.75  # waits for every call; one after another would take 1.6 s
    assert sorted(r.path.rsplit("/", 1)[-1] for r in emulator.requests) == sorted(
        [customer_id, "payment-methods", "subscriptions", "transactions"]
    )


def test_the_confirm_page_makes_no_billing_calls(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    agent_client.post(
        f"/customers/{customer_id}/portal-session/confirm/",
        {"subscription_ids": subscription_ids},
        follow=True,
    )
    assert {r.path for r in emulator.requests} == {f"/customers/{customer_id}", "/subscriptions"}


# --- Escaping --------------------------------------------------------------------------------------------
MARKUP = '<script>alert(1)</script> "Pro" & <b>Co</b>'


def test_product_and_plan_names_are_escaped_everywhere() -> None:
    moment = datetime(2026, 10, 1, tzinfo=UTC)
    subscription = Subscription(
        id="sub_" + "1" * 26,
        customer_id="ctm_" + "1" * 26,
        status="past_due",
        currency_code="EUR",
        collection_mode="automatic",
        billing_cycle=BillingCycle("month", 1),
        current_billing_period=None,
        next_billed_at=moment,
        scheduled_change=None,
        paused_at=None,
        canceled_at=None,
        items=(SubscriptionItem(MARKUP, MARKUP, 2, "1500", "EUR", BillingCycle("month", 1)),),
    )
    payment = Transaction(
        id="txn_" + "1" * 26,
        customer_id=subscription.customer_id,
        status="past_due",
        subscription_id=subscription.id,
        collection_mode="automatic",
        currency_code="EUR",
        grand_total="3570",
        balance="3570",
        created_at=moment,
        billed_at=moment,
        payments=(PaymentAttempt("error", "<img src=x>", moment, "<b>", "4242"),),
    )
    row = render_to_string("partials/_subscription_row.html", {"subscription": subscription})
    payments = render_to_string(
        "partials/_customer_payments.html",
        {"payments": Section(items=(payment,)), "payment_rows": ((payment, subscription),)},
    )
    for rendered in (row, payments):
        assert "<script>" not in rendered
        assert "<b>" not in rendered
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Pro&quot; &amp; &lt;b&gt;Co&lt;/b&gt;" in rendered
    assert "EUR 30.00 / month" in row
    assert "<img" not in payments

"""Seeded payment methods and transactions, derived from the seeded customers and subscriptions.

They draw from a random generator of their own, so adding them left every customer and
subscription id (and body) exactly as before. What the named examples get is fixed (see
EXAMPLE_BILLING); everyone else gets a plausible mix: a card per automatically-collected
customer (some expired), the last few renewals of each subscription, `past_due` renewals for
past-due subscriptions, and now and then a failed attempt that a retry recovered.
"""

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .clock import CLOCK, add_cycle
from .ids import seeded_id, timestamp

RENEWALS_KEPT = 3  # transactions per subscription: its last three billing periods
_TAX_RATES = {"USD": "0.08875", "EUR": "0.19", "GBP": "0.2", "JPY": "0.1"}
_BRANDS = ("visa", "visa", "visa", "mastercard", "mastercard", "american_express", "discover")
_DECLINES = ("declined", "not_enough_balance", "authentication_failed", "issuer_unavailable")
# Payouts are in the seller's payout currency (USD here), at these rates per unit of USD.
_USD_RATE = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "JPY": Decimal(150)}
_MINOR_UNITS = {"USD": 100, "EUR": 100, "GBP": 100, "JPY": 1}
_PAY_URL = "https://lighthouse.example.com/pay?_ptxn={}"
# What the named examples must show the console (tests and the demo rely on these).
EXAMPLE_BILLING = {
    "all_statuses": "an EXPIRED Mastercard (the subscriptions' card, declined as expired_card: the "
    "past-due renewal), a valid Visa saved later, and a renewal paid after one declined attempt",
    "vip": "a valid Visa; its past-due subscription's renewal declined for not_enough_balance",
    "manual_collection": "no saved payment method (invoiced); an overdue (past_due) invoice",
    "no_subscriptions": "no payment methods and no transactions",
}


@dataclass(frozen=True)
class Billing:
    payment_methods_by_customer: dict[str, tuple[dict[str, object], ...]]
    transactions: tuple[dict[str, object], ...]  # sorted by id


@dataclass(frozen=True)
class _Card:
    brand: str
    last4: str
    month: int
    year: int


def _parse(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def _card(rng: random.Random, *, expired: bool, currency: str) -> _Card:
    brand = "jcb" if currency == "JPY" else rng.choice(_BRANDS)
    if expired:
        year, month = rng.randint(CLOCK.year - 3, CLOCK.year - 1), rng.randint(1, 12)
    else:
        year, month = rng.randint(CLOCK.year + 1, CLOCK.year + 5), rng.randint(1, 12)
    return _Card(brand, f"{rng.randint(0, 9999):04d}", month, year)


def _payment_method(
    rng: random.Random,
    customer: Mapping[str, object],
    address_id: str,
    *,
    card: _Card | None,
    origin: str,
    saved_at: datetime,
) -> dict[str, object]:
    """A `customer-payment-method` as Paddle's own example has it (`paypal` when `card` is None)."""
    return {
        "id": seeded_id("paymtd", saved_at, rng),
        "customer_id": customer["id"],
        "address_id": address_id,
        "type": "card" if card else "paypal",
        "card": _card_json(card, customer) if card else None,
        "paypal": None
        if card
        else {"email": customer["email"], "reference": f"B-{rng.randint(10**9, 10**10)}"},
        "origin": origin,
        "saved_at": timestamp(saved_at, 0),
        "updated_at": timestamp(saved_at + timedelta(days=rng.randint(0, 90)), 6),
    }


def _card_json(card: _Card, customer: Mapping[str, object]) -> dict[str, object]:
    return {
        "cardholder_name": customer["name"] or "Accounts payable",
        "type": card.brand,
        "last4": card.last4,
        "expiry_month": card.month,
        "expiry_year": card.year,
    }


def _minor(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _in_usd(amount: object, currency: str) -> str | None:
    """An amount in `currency`'s minor units as US cents (the payout currency)."""
    if amount is None:
        return None
    major = Decimal(str(amount)) / _MINOR_UNITS[currency] / _USD_RATE[currency]
    return _minor(major * 100)


def _totals(subtotal: int, rate: str) -> dict[str, str]:
    tax = int(_minor(Decimal(subtotal) * Decimal(rate)))
    return {"subtotal": str(subtotal), "discount": "0", "tax": str(tax), "total": str(subtotal + tax)}


@dataclass(frozen=True)
class _Attempt:
    status: str  # captured | error
    error_code: str | None
    at: datetime


def _transaction(
    rng: random.Random,
    subscription: Mapping[str, object],
    period: tuple[datetime, datetime],
    *,
    status: str,
    origin: str,
    attempts: Sequence[_Attempt],
    method: tuple[str, _Card] | None,
    customer: Mapping[str, object],
) -> dict[str, object]:
    """A transaction for one billing period of `subscription`, shaped like Paddle's list example.

    Also with the fields Paddle added after the spec copy we have (2025-05-27), which the official
    Python SDK 1.16.1 requires: `grand_total_tax`, `retained_fee`, `exchange_rate`, `fee_rate`,
    and `paypal`, `south_korea_local_card` and `underlying_details` in `method_details`.
    """
    created = period[0] + timedelta(seconds=rng.randint(1, 240), milliseconds=rng.randint(0, 999))
    currency = str(subscription["currency_code"])
    rate = _TAX_RATES[currency]
    manual = subscription["collection_mode"] == "manual"
    billing_period = {"starts_at": timestamp(period[0], 6), "ends_at": timestamp(period[1], 6)}
    proration = {"rate": "1", "billing_period": billing_period}
    items, line_items = [], []
    subtotal = 0
    for item in subscription["items"]:  # type: ignore[attr-defined]
        price = item["price"]
        unit = int(price["unit_price"]["amount"])
        quantity = int(item["quantity"])
        subtotal += unit * quantity
        items.append({"price": price, "quantity": quantity, "proration": proration})
        line_items.append(
            {
                "id": seeded_id("txnitm", created, rng),
                "price_id": price["id"],
                "quantity": quantity,
                "totals": _totals(unit * quantity, rate),
                "product": item["product"],
                "tax_rate": rate,
                "unit_totals": _totals(unit, rate),
                "proration": proration,
            }
        )
    totals = _totals(subtotal, rate)
    paid = status == "completed"
    fee = str(int(_minor(Decimal(totals["total"]) * Decimal("0.05")))) if paid else None
    earnings = str(int(totals["total"]) - int(fee)) if fee is not None else None
    balance = "0" if paid else totals["total"]
    money = {"grand_total": totals["total"], "fee": fee, "earnings": earnings, "currency_code": currency}
    payout: dict[str, object] | None = None
    adjusted_payout: dict[str, object] | None = None
    if paid:
        usd: dict[str, object] = {
            k: _in_usd(v, currency) for k, v in {**totals, **money}.items() if k != "currency_code"
        }
        usd["currency_code"] = "USD"
        exchange = {"exchange_rate": str((1 / _USD_RATE[currency]).quantize(Decimal("0.0000001")))}
        payout = {
            **usd,
            "credit": "0",
            "credit_to_balance": "0",
            "balance": "0",
            "grand_total_tax": usd["tax"],
            "fee_rate": "0.05",
            **exchange,
        }
        adjusted_payout = {
            k: usd[k] for k in ("subtotal", "tax", "total", "fee", "earnings", "currency_code")
        }
        adjusted_payout |= {
            "chargeback_fee": {"amount": "0", "original": None},
            "retained_fee": "0",
            **exchange,
        }
    billed = status in ("completed", "past_due", "canceled")
    transaction_id = seeded_id("txn", created, rng)
    last_at = max((a.at for a in attempts), default=created)
    payments = [
        {
            "payment_attempt_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "stored_payment_method_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "payment_method_id": method[0] if method else None,
            "amount": totals["total"],
            "status": attempt.status,
            "error_code": attempt.error_code,
            "method_details": {
                "type": "card" if method else "wire_transfer",
                "card": _card_json(method[1], customer) if method else None,
                "paypal": None,
                "south_korea_local_card": None,
                "underlying_details": None,
            },
            "created_at": timestamp(attempt.at, 6),
            "captured_at": timestamp(attempt.at + timedelta(seconds=3), 6)
            if attempt.status == "captured"
            else None,
        }
        for attempt in sorted(attempts, key=lambda a: a.at, reverse=True)  # newest first, as Paddle
    ]
    return {
        "id": transaction_id,
        "status": status,
        "customer_id": subscription["customer_id"],
        "address_id": subscription["address_id"],
        "business_id": subscription["business_id"],
        "custom_data": None,
        "origin": origin,
        "collection_mode": subscription["collection_mode"],
        "subscription_id": subscription["id"],
        "invoice_id": seeded_id("inv", created, rng) if billed else None,
        "invoice_number": f"325-{rng.randint(10000, 99999)}" if billed else None,
        "billing_details": subscription["billing_details"] if manual else None,
        "billing_period": billing_period,
        "currency_code": currency,
        "discount_id": None,
        "created_at": timestamp(created, 6),
        "updated_at": timestamp(last_at + timedelta(seconds=5), 6),
        "billed_at": timestamp(created - timedelta(milliseconds=100), 6) if billed else None,
        "revised_at": None,
        "items": items,
        "details": {
            "tax_rates_used": [{"tax_rate": rate, "totals": totals}],
            "totals": {
                **totals,
                "credit": "0",
                "credit_to_balance": "0",
                "balance": balance,
                **money,
                "grand_total_tax": totals["tax"],
            },
            "adjusted_totals": {
                **{k: v for k, v in {**totals, **money}.items() if k != "discount"},
                "grand_total_tax": totals["tax"],
                "retained_fee": "0",
            },
            "payout_totals": payout,
            "adjusted_payout_totals": adjusted_payout,
            "line_items": line_items,
        },
        "payments": payments,
        "checkout": None if manual else {"url": _PAY_URL.format(transaction_id)},
    }


def _periods(subscription: Mapping[str, object]) -> list[tuple[datetime, datetime]]:
    """The billing periods billed so far, oldest first (none for a trial)."""
    if subscription["first_billed_at"] is None:
        return []
    cycle = subscription["billing_cycle"]
    interval, frequency = str(cycle["interval"]), int(cycle["frequency"])  # type: ignore[index]
    stopped = subscription["paused_at"] or subscription["canceled_at"]
    until = _parse(stopped) if stopped else CLOCK
    start = _parse(subscription["first_billed_at"])
    periods = []
    while start <= until:
        end = add_cycle(start, interval, frequency)
        periods.append((start, end))
        start = end
    return periods


def _subscription_transactions(
    rng: random.Random,
    subscription: Mapping[str, object],
    customer: Mapping[str, object],
    card: tuple[str, _Card] | None,
    *,
    forced_recovery: bool,
) -> list[dict[str, object]]:
    periods = _periods(subscription)
    first_kept = max(0, len(periods) - RENEWALS_KEPT)
    status = subscription["status"]
    manual = subscription["collection_mode"] == "manual"
    method = None if manual else card
    transactions = []
    for n in range(first_kept, len(periods)):
        period = periods[n]
        origin = "web" if n == 0 else "subscription_recurring"
        last = n == len(periods) - 1
        billed = period[0] + timedelta(minutes=4)
        if last and status == "past_due":
            if manual:  # an invoice whose payment terms elapsed: no attempt to charge anything
                attempts: list[_Attempt] = []
            else:  # the first attempt, then Paddle's dunning retries a few days apart
                code = "expired_card" if card and _expired(card[1]) else rng.choice(_DECLINES)
                attempts = [
                    _Attempt("error", code, billed + timedelta(days=3 * k, minutes=k))
                    for k in range(rng.randint(1, 3))
                ]
            tx_status = "past_due"
        elif last and status == "canceled" and not manual and rng.random() < 0.3:
            # Dunning ran out: the renewal was never paid and the subscription was canceled.
            attempts = [
                _Attempt("error", rng.choice(_DECLINES), billed + timedelta(days=3 * k)) for k in range(3)
            ]
            tx_status = "canceled"
        else:
            recovered = not manual and (rng.random() < 0.08 or (forced_recovery and last))
            attempts = [_Attempt("captured", None, billed + timedelta(days=2 if recovered else 0))]
            if recovered:
                attempts.append(_Attempt("error", rng.choice(_DECLINES), billed))
            tx_status = "completed"
        transactions.append(
            _transaction(
                rng,
                subscription,
                period,
                status=tx_status,
                origin=origin,
                attempts=attempts,
                method=method,
                customer=customer,
            )
        )
    return transactions


def _expired(card: _Card) -> bool:
    return (card.year, card.month) < (CLOCK.year, CLOCK.month)


def build_billing(
    seed: int,
    customers: Sequence[Mapping[str, object]],
    subscriptions_by_customer: Mapping[str, Sequence[Mapping[str, object]]],
    examples: Mapping[str, str],
) -> Billing:
    """Payment methods and transactions for every customer, from a generator of their own."""
    rng = random.Random(f"billing:{seed}")  # noqa: S311 (seed data must be reproducible, not secret)
    example_of = {customer_id: name for name, customer_id in examples.items()}
    methods: dict[str, tuple[dict[str, object], ...]] = {}
    transactions: list[dict[str, object]] = []
    for customer in customers:
        customer_id = str(customer["id"])
        example = example_of.get(customer_id)
        subscriptions = subscriptions_by_customer.get(customer_id, ())
        automatic = [s for s in subscriptions if s["collection_mode"] == "automatic"]
        saved: list[dict[str, object]] = []
        card: tuple[str, _Card] | None = None
        if automatic:
            first = min(automatic, key=lambda s: str(s["created_at"]))
            address_id = str(first["address_id"])
            currency = str(first["currency_code"])
            expired = example == "all_statuses" or (example is None and rng.random() < 0.15)
            if example == "all_statuses":
                primary = _Card("mastercard", "5454", 9, CLOCK.year - 1)
            elif example == "vip":
                primary = _Card("visa", "4242", 4, CLOCK.year + 4)
            else:
                primary = _card(rng, expired=expired, currency=currency)
            saved.append(
                _payment_method(
                    rng,
                    customer,
                    address_id,
                    card=primary,
                    origin="subscription",
                    saved_at=_parse(first["created_at"]),
                )
            )
            card = (str(saved[0]["id"]), primary)
            if example == "all_statuses" or (example is None and rng.random() < 0.2):
                later = _parse(first["created_at"]) + (CLOCK - _parse(first["created_at"])) / 2
                newer = (
                    _Card("visa", "4242", 8, CLOCK.year + 3)
                    if example == "all_statuses"
                    else (_card(rng, expired=False, currency=currency) if rng.random() < 0.7 else None)
                )
                saved.append(
                    _payment_method(
                        rng, customer, address_id, card=newer, origin="saved_during_purchase", saved_at=later
                    )
                )
        methods[customer_id] = tuple(sorted(saved, key=lambda m: str(m["id"])))
        recovery_shown = False
        for subscription in subscriptions:
            force = example == "all_statuses" and subscription["status"] == "active" and not recovery_shown
            if force and subscription["collection_mode"] == "automatic":
                recovery_shown = True
            transactions += _subscription_transactions(
                rng, subscription, customer, card, forced_recovery=force and recovery_shown
            )
    transactions.sort(key=lambda t: str(t["id"]))
    return Billing(payment_methods_by_customer=methods, transactions=tuple(transactions))

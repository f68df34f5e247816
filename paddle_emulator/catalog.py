"""The seeded product catalogue: products and prices shaped like Paddle's entities."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .ids import seeded_id, timestamp

CURRENCIES = ("USD", "EUR", "GBP", "JPY")
# Minor units per major unit: JPY has none.
_MINOR = {"USD": 100, "EUR": 100, "GBP": 100, "JPY": 1}
_RATE = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0}

_IMAGE = "https://paddle.s3.amazonaws.com/user/165798/{}.png"


@dataclass(frozen=True)
class _ProductSpec:
    key: str
    name: str
    description: str | None
    role: str  # "plan" or "addon"
    monthly_usd: float
    custom_data: dict[str, object] | None


_PRODUCTS = (
    _ProductSpec(
        "starter",
        "Lighthouse Starter",
        "Shared notes and task boards for small teams, with 10 GB of storage.",
        "plan",
        12.0,
        None,
    ),
    _ProductSpec(
        "pro",
        "Lighthouse Pro",
        "Everything in Starter plus SSO, audit history, and unlimited storage.",
        "plan",
        30.0,
        {"features": {"sso": True, "audit_history": True}, "tier": "pro"},
    ),
    _ProductSpec("seats", "Extra seats", None, "addon", 8.0, None),
    _ProductSpec(
        "support",
        "Priority support",
        "Four-hour response time on business days, and a named support contact.",
        "addon",
        10.0,
        None,
    ),
)


@dataclass(frozen=True)
class Offer:
    """A price with its product, as one subscription item needs them."""

    price: dict[str, object]
    product: dict[str, object]
    role: str  # plan | addon | trial | legacy
    currency: str
    interval: str  # month | year


def _product(rng: random.Random, spec: _ProductSpec, created: datetime) -> dict[str, object]:
    updated = created + timedelta(days=rng.randint(10, 400), seconds=rng.randint(0, 86_400))
    return {
        "id": seeded_id("pro", created, rng),
        "name": spec.name,
        "type": "standard",
        "tax_category": "standard",
        "description": spec.description,
        "image_url": _IMAGE.format(spec.key) if spec.role == "plan" else None,
        "custom_data": spec.custom_data,
        "status": "active",
        "import_meta": None,
        "created_at": timestamp(created),
        "updated_at": timestamp(updated, 6),
    }


def _amount(monthly_usd: float, currency: str, interval: str) -> str:
    major = monthly_usd * _RATE[currency] * (10 if interval == "year" else 1)
    return str(round(major * _MINOR[currency]))


def _money(monthly_usd: float, currency: str, interval: str) -> dict[str, str]:
    return {"amount": _amount(monthly_usd, currency, interval), "currency_code": currency}


def _price(
    rng: random.Random,
    product: dict[str, object],
    *,
    name: str | None,
    description: str,
    amount: str,
    currency: str,
    interval: str,
    created: datetime,
    trial_days: int | None = None,
    maximum: int = 100,
) -> dict[str, object]:
    return {
        "id": seeded_id("pri", created, rng),
        "product_id": product["id"],
        "type": "standard",
        "description": description,
        "name": name,
        "tax_mode": "account_setting",
        "billing_cycle": {"frequency": 1, "interval": interval},
        "trial_period": {
            "frequency": trial_days,
            "interval": "day",
            "requires_payment_method": True,
            "unit_price": None,
            "unit_price_overrides": [],
        }
        if trial_days
        else None,
        "unit_price": {"amount": amount, "currency_code": currency},
        "unit_price_overrides": [],
        "custom_data": None,
        "status": "active",
        "quantity": {"minimum": 1, "maximum": maximum},
        "import_meta": None,
        "created_at": timestamp(created, 6),
        "updated_at": timestamp(created + timedelta(days=rng.randint(1, 300)), 6),
    }


def build_catalog(rng: random.Random) -> tuple[Offer, ...]:
    """Every product in every currency, monthly and yearly, plus a trial and a legacy (unnamed) price."""
    clock = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)
    offers = []
    for spec in _PRODUCTS:
        clock += timedelta(hours=rng.randint(1, 48), milliseconds=rng.randint(0, 999))
        product = _product(rng, spec, clock)
        for currency in CURRENCIES:
            for interval in ("month", "year"):
                clock += timedelta(minutes=rng.randint(1, 90), milliseconds=rng.randint(0, 999))
                label = "Monthly" if interval == "month" else "Annual"
                per = " (per seat)" if spec.key in ("pro", "seats") else ""
                price = _price(
                    rng,
                    product,
                    name=f"{label}{per}",
                    description=f"{spec.name}, {label.lower()}, {currency}",
                    amount=_amount(spec.monthly_usd, currency, interval),
                    currency=currency,
                    interval=interval,
                    created=clock,
                    maximum=999 if per else 1,
                )
                if spec.key == "pro" and currency == "USD":
                    # Country prices in other currencies, as Paddle nests them in the price.
                    price["unit_price_overrides"] = [
                        {"country_codes": countries, "unit_price": _money(spec.monthly_usd, other, interval)}
                        for countries, other in ((["IE", "FR", "DE"], "EUR"), (["GB"], "GBP"))
                    ]
                offers.append(Offer(price, product, spec.role, currency, interval))
            if spec.key == "pro":
                clock += timedelta(minutes=rng.randint(1, 90))
                trial = _price(
                    rng,
                    product,
                    name="Monthly (per seat) with 14 day trial",
                    description=f"Lighthouse Pro, monthly with a 14 day trial, {currency}",
                    amount=_amount(spec.monthly_usd, currency, "month"),
                    currency=currency,
                    interval="month",
                    created=clock,
                    trial_days=14,
                    maximum=999,
                )
                offers.append(Offer(trial, product, "trial", currency, "month"))
        if spec.key == "pro":
            clock += timedelta(days=rng.randint(1, 30))
            # Paddle's price.name is optional; the console falls back to the internal description.
            legacy = _price(
                rng,
                product,
                name=None,
                description="Legacy annual Pro price, grandfathered from the 2022 launch (internal)",
                amount=_amount(24.0, "USD", "year"),
                currency="USD",
                interval="year",
                created=clock,
                maximum=999,
            )
            offers.append(Offer(legacy, product, "legacy", "USD", "year"))
    return tuple(offers)

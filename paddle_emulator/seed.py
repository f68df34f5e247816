"""Deterministic seed data: ~300 customers, each with 0-6 subscriptions, plus named examples.

The same seed always gives the same ids and bodies: timestamps come from a fixed clock, not
from the wall clock.
"""

import functools
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .billing import build_billing
from .catalog import Offer, build_catalog
from .clock import CLOCK, add_cycle
from .ids import seeded_id, timestamp

RANDOM_CUSTOMERS = 290
STATUSES = ("active", "trialing", "past_due", "paused", "canceled")

_FIRST = [
    "Jo",
    "Jamie",
    "Alex",
    "Sam",
    "Priya",
    "Mateo",
    "Aisha",
    "Liam",
    "Sofia",
    "Chen",
    "Olga",
    "Kwame",
    "Emma",
    "Noah",
    "Yuki",
    "Lucas",
    "Fatima",
    "Inès",
    "Tomás",
    "Hannah",
    "Ravi",
    "Elena",
    "Omar",
    "Grace",
    "Björn",
    "Chloé",
    "Dmitri",
    "Amara",
    "Mei",
    "Jonas",
]
_LAST = [
    "Brown",
    "Price",
    "Wilson",
    "Miller",
    "Patel",
    "García",
    "Khan",
    "Murphy",
    "Rossi",
    "Wei",
    "Novak",
    "Mensah",
    "Schmidt",
    "Dubois",
    "Tanaka",
    "Silva",
    "Haddad",
    "Costa",
    "Müller",
    "Okafor",
    "Nilsson",
    "O'Brien",
    "Brown-Anderson",
    "Kowalski",
]
# Names that must survive the round trip to the agent's screen: markup, quotes, non-Latin scripts.
_ODD_NAMES = (
    "Søren Kierkegård",
    "Nguyễn Thị Minh Khai",
    "Παναγιώτης Οικονόμου",
    "Bobby <b>Tables</b>",
    'O\'Reilly & Sons "Ltd"',
    "Ångström Labs AB",
    "李小龍",
    '"><img src=x onerror=alert(1)>',
)
_DOMAINS = ("example.com", "example.org", "example.net")
# What each named example customer is for (printed by `manage.py paddle_emulator`).
EXAMPLE_NOTES = {
    "all_statuses": "one subscription in each status (the active one cancels at period end) "
    "and one paid by invoice",
    "no_subscriptions": "no subscriptions at all",
    "archived": "found only with status=active,archived; one canceled subscription",
    "null_name": "no name (null); one active subscription",
    "html_name": "a name with <script> markup, which must be shown escaped",
    "non_ascii": "a non-ASCII name; a EUR subscription",
    "cjk_name": "a Japanese name; a JPY subscription",
    "manual_collection": "paid by invoice: no update-payment-method link",
    "many_subscriptions": "27 subscriptions, more than one portal session may carry (25)",
    "vip": "custom_data support_tier=vip: its links need a manager's approval",
    "vip_archived": "an archived customer with support_tier=vip",
}
_LOCALES = ("en",) * 8 + ("de", "fr", "es", "ja", "pl")


@dataclass
class _SubscriptionPlan:
    status: str
    manual: bool = False
    scheduled_cancel: bool = False
    currency: str | None = None


@dataclass
class _CustomerPlan:
    name: str | None
    email: str
    archived: bool = False
    locale: str = "en"
    subscriptions: list[_SubscriptionPlan] = field(default_factory=list)
    example: str | None = None
    custom_data: dict[str, object] | None = None


@dataclass(frozen=True)
class Dataset:
    """Customers and subscriptions as Paddle JSON (without management_urls), sorted by id."""

    customers: tuple[dict[str, object], ...]
    subscriptions: tuple[dict[str, object], ...]
    customers_by_id: dict[str, dict[str, object]]
    subscriptions_by_id: dict[str, dict[str, object]]
    subscriptions_by_customer: dict[str, tuple[dict[str, object], ...]]
    portal_ids: dict[str, str]  # customer id -> the `cpl_` id in its portal links
    examples: dict[str, str]
    payment_methods_by_customer: dict[str, tuple[dict[str, object], ...]]
    transactions: tuple[dict[str, object], ...]  # sorted by id
    transactions_by_customer: dict[str, tuple[dict[str, object], ...]]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_text.lower()).strip(".")


def _unique_email(local: str, domain: str, used: set[str]) -> str:
    local = local or "customer"
    email, n = f"{local}@{domain}", 1
    while email in used:
        n += 1
        email = f"{local}{n}@{domain}"
    used.add(email)
    return email


def _random_plans(rng: random.Random, used: set[str]) -> list[_CustomerPlan]:
    plans = []
    for i in range(RANDOM_CUSTOMERS):
        name: str | None
        if i % 23 == 7:
            name = None
        elif i % 37 == 11:
            name = _ODD_NAMES[(i // 37) % len(_ODD_NAMES)]
        else:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        local = _slug(name) if name else f"billing.{i}"
        count = rng.choices(range(7), weights=(20, 35, 20, 10, 7, 5, 3))[0]
        subscriptions = []
        for _ in range(count):
            status = rng.choices(STATUSES, weights=(55, 10, 10, 10, 15))[0]
            manual = status in ("active", "past_due") and rng.random() < 0.12
            cancel = status == "active" and rng.random() < 0.2
            subscriptions.append(_SubscriptionPlan(status, manual=manual, scheduled_cancel=cancel))
        plans.append(
            _CustomerPlan(
                name=name,
                email=_unique_email(local, rng.choice(_DOMAINS), used),
                archived=rng.random() < 0.08,
                locale=rng.choice(_LOCALES),
                subscriptions=subscriptions,
            )
        )
    return plans


def _example_plans(used: set[str]) -> list[_CustomerPlan]:
    def plan(example: str, name: str | None, local: str, **kwargs: object) -> _CustomerPlan:
        email = _unique_email(local, "example.com", used)
        return _CustomerPlan(name=name, email=email, example=example, **kwargs)  # type: ignore[arg-type]

    s = _SubscriptionPlan
    return [
        plan(
            "all_statuses",
            "Avery Quinn",
            "avery.quinn",
            subscriptions=[
                s("active", scheduled_cancel=True),
                s("trialing"),
                s("past_due"),
                s("paused"),
                s("canceled"),
                s("active", manual=True),
            ],
        ),
        plan("no_subscriptions", "Morgan Lee", "morgan.lee"),
        plan("archived", "Riley Archer", "riley.archer", archived=True, subscriptions=[s("canceled")]),
        plan("null_name", None, "accounts.payable", subscriptions=[s("active")]),
        plan(
            "html_name",
            "<script>alert(1)</script> Mallory",
            "mallory",
            subscriptions=[s("active"), s("paused")],
        ),
        plan(
            "non_ascii",
            "Zoë Łukasiewicz",
            "zoe.lukasiewicz",
            locale="pl",
            subscriptions=[s("active", currency="EUR")],
        ),
        plan(
            "cjk_name", "山田 太郎", "taro.yamada", locale="ja", subscriptions=[s("active", currency="JPY")]
        ),
        plan(
            "manual_collection",
            "Globex Corporation",
            "ap.globex",
            subscriptions=[s("active", manual=True), s("past_due", manual=True)],
        ),
        # More subscriptions than one portal session may carry (25).
        plan(
            "many_subscriptions",
            "Initech Procurement",
            "procurement.initech",
            subscriptions=[s("active")] * 27,
        ),
        # High-value customers (the console's approval policy keys on support_tier=vip).
        plan(
            "vip",
            "Victoria Ingram",
            "victoria.ingram",
            subscriptions=[s("active"), s("past_due")],
            custom_data={"support_tier": "vip", "crm_id": "CRM-100001"},
        ),
        plan(
            "vip_archived",
            "Vincent Iles",
            "vincent.iles",
            archived=True,
            subscriptions=[s("canceled")],
            custom_data={"support_tier": "vip"},
        ),
    ]


def _period_at(start: datetime, interval: str, at: datetime = CLOCK) -> tuple[datetime, datetime]:
    """The billing period, of a subscription started at `start`, that contains `at`."""
    end = add_cycle(start, interval)
    while end <= at:
        start, end = end, add_cycle(end, interval)
    return start, end


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.uniform(0.05, 0.95)


def _offers_for(
    rng: random.Random, catalog: Sequence[Offer], plan: _SubscriptionPlan
) -> tuple[Offer, Offer | None]:
    currency = plan.currency or rng.choices(("USD", "EUR", "GBP", "JPY"), weights=(60, 20, 15, 5))[0]
    interval = (
        "month" if plan.status == "trialing" or currency == "JPY" else rng.choice(("month",) * 3 + ("year",))
    )
    if plan.status == "trialing":
        role = "trial"
    elif currency == "USD" and interval == "year" and rng.random() < 0.3:
        role = "legacy"
    else:
        role = "plan"
    main = rng.choice([o for o in catalog if (o.role, o.currency, o.interval) == (role, currency, interval)])
    addons = [o for o in catalog if (o.role, o.currency, o.interval) == ("addon", currency, interval)]
    return main, (rng.choice(addons) if rng.random() < 0.35 else None)


def _item(
    rng: random.Random,
    offer: Offer,
    *,
    status: str,
    created: datetime,
    updated: datetime,
    previously_billed_at: datetime | None,
    next_billed_at: datetime | None,
    trial: tuple[datetime, datetime] | None,
) -> dict[str, object]:
    maximum = offer.price["quantity"]["maximum"]  # type: ignore[index]
    return {
        "status": status,
        "quantity": rng.randint(1, 25) if maximum > 1 else 1,
        "recurring": True,
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
        "previously_billed_at": timestamp(previously_billed_at) if previously_billed_at else None,
        "next_billed_at": timestamp(next_billed_at) if next_billed_at else None,
        "trial_dates": {"starts_at": timestamp(trial[0]), "ends_at": timestamp(trial[1])} if trial else None,
        "price": offer.price,
        "product": offer.product,
    }


def _subscription(
    rng: random.Random,
    catalog: Sequence[Offer],
    plan: _SubscriptionPlan,
    customer: dict[str, object],
    *,
    customer_created: datetime,
    address_id: str,
    discounts: Sequence[str],
) -> dict[str, object]:
    status = plan.status
    if status == "trialing":
        created = CLOCK - timedelta(days=rng.uniform(1, 12))
    else:
        created = _between(rng, customer_created, CLOCK - timedelta(days=3))
    main, addon = _offers_for(rng, catalog, plan)
    interval = main.interval
    trial = None
    paused_at = canceled_at = None
    period: tuple[datetime, datetime] | None = None
    previously_billed: datetime | None = None
    first_billed: datetime | None = created
    scheduled_change = None
    updated = created + timedelta(seconds=rng.randint(1, 600))
    if status == "trialing":
        trial = (created, created + timedelta(days=14))
        period, first_billed = trial, None
    elif status in ("active", "past_due"):
        period = _period_at(created, interval)
        previously_billed = period[0]
        updated = max(updated, period[0] + timedelta(seconds=rng.randint(1, 300)))
        if plan.scheduled_cancel:
            scheduled_change = {"action": "cancel", "effective_at": timestamp(period[1]), "resume_at": None}
    else:
        stopped = _between(rng, created, CLOCK)
        previously_billed = _period_at(created, interval, stopped)[0]
        updated = stopped + timedelta(milliseconds=rng.randint(1, 900))
        if status == "paused":
            paused_at = stopped
            if rng.random() < 0.5:
                resume = timestamp(CLOCK + timedelta(days=rng.randint(5, 60)))
                scheduled_change = {"action": "resume", "effective_at": resume, "resume_at": resume}
        else:
            canceled_at = stopped
    next_billed = period[1] if period else None
    item_status = {"trialing": "trialing", "paused": "inactive"}.get(status, "active")
    items = [
        _item(
            rng,
            offer,
            status=item_status,
            created=created,
            updated=updated,
            previously_billed_at=previously_billed,
            next_billed_at=next_billed,
            trial=trial,
        )
        for offer in (main, addon)
        if offer is not None
    ]
    manual = plan.manual
    discount = None
    if status != "trialing" and rng.random() < 0.15:
        discount = {
            "id": rng.choice(discounts),
            "starts_at": timestamp(created),
            "ends_at": timestamp(add_cycle(created, "year")) if rng.random() < 0.5 else None,
            "type": "recurring",
        }
    return {
        "id": seeded_id("sub", created, rng),
        "status": status,
        "customer_id": customer["id"],
        "address_id": address_id,
        "business_id": seeded_id("biz", customer_created, rng) if manual else None,
        "currency_code": main.currency,
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
        "started_at": timestamp(created, 6),
        "first_billed_at": timestamp(first_billed, 6) if first_billed else None,
        "next_billed_at": timestamp(next_billed) if next_billed else None,
        "paused_at": timestamp(paused_at) if paused_at else None,
        "canceled_at": timestamp(canceled_at) if canceled_at else None,
        "collection_mode": "manual" if manual else "automatic",
        "billing_details": {
            "enable_checkout": False,
            "purchase_order_number": f"PO-{rng.randint(1000, 99999)}",
            "additional_information": None,
            "payment_terms": {"frequency": 30, "interval": "day"},
        }
        if manual
        else None,
        "current_billing_period": {"starts_at": timestamp(period[0]), "ends_at": timestamp(period[1])}
        if period
        else None,
        "billing_cycle": {"frequency": 1, "interval": interval},
        "scheduled_change": scheduled_change,
        "items": items,
        "custom_data": {"crm_account": f"ACC-{rng.randint(10000, 99999)}"} if rng.random() < 0.2 else None,
        "discount": discount,
        "import_meta": {"external_id": str(rng.randint(100000, 999999)), "imported_from": "paddle_classic"}
        if rng.random() < 0.05
        else None,
    }


def _customer(rng: random.Random, plan: _CustomerPlan, created: datetime) -> dict[str, object]:
    imported = rng.random() < 0.06
    customer_id = seeded_id("ctm", created, rng)
    # Drawn for every customer, so that a plan's own custom_data leaves the others' seeds alone.
    custom_data = {"crm_id": f"CRM-{rng.randint(100000, 999999)}"} if rng.random() < 0.25 else None
    return {
        "id": customer_id,
        "status": "archived" if plan.archived else "active",
        "custom_data": plan.custom_data if plan.custom_data is not None else custom_data,
        "name": plan.name,
        "email": plan.email,
        "marketing_consent": rng.random() < 0.3,
        "locale": plan.locale,
        "created_at": timestamp(created),
        "updated_at": timestamp(created + timedelta(days=rng.uniform(0, 30)), 6),
        "import_meta": {"external_id": str(rng.randint(10000, 99999)), "imported_from": "paddle_classic"}
        if imported
        else None,
    }


@functools.lru_cache(maxsize=4)
def build_dataset(seed: int) -> Dataset:
    """The seeded world (cached: it is immutable and every Emulator with this seed shares it)."""
    rng = random.Random(seed)  # noqa: S311 (seed data must be reproducible, not secret)
    catalog = build_catalog(rng)
    discounts = [seeded_id("dsc", datetime(2023, 5, 1, tzinfo=UTC), rng) for _ in range(3)]
    used: set[str] = set()
    plans = _random_plans(rng, used) + _example_plans(used)
    first, last = datetime(2023, 1, 9, 8, 0, tzinfo=UTC), CLOCK - timedelta(days=45)
    step = (last - first) / len(plans)
    customers, subscriptions, portal_ids, examples = [], [], {}, {}
    for n, plan in enumerate(plans):
        created = first + step * (n + rng.uniform(0.0, 0.9))
        customer = _customer(rng, plan, created)
        customer_id = str(customer["id"])
        customers.append(customer)
        portal_ids[customer_id] = seeded_id("cpl", created, rng)
        address_id = seeded_id("add", created, rng)
        for sub_plan in plan.subscriptions:
            subscriptions.append(
                _subscription(
                    rng,
                    catalog,
                    sub_plan,
                    customer,
                    customer_created=created,
                    address_id=address_id,
                    discounts=discounts,
                )
            )
        if plan.example:
            examples[plan.example] = customer_id
    subscriptions.sort(key=lambda s: str(s["id"]))
    by_customer: dict[str, list[dict[str, object]]] = {}
    for sub in subscriptions:
        by_customer.setdefault(str(sub["customer_id"]), []).append(sub)
    billing = build_billing(seed, customers, by_customer, examples)
    transactions_by_customer: dict[str, list[dict[str, object]]] = {}
    for transaction in billing.transactions:
        transactions_by_customer.setdefault(str(transaction["customer_id"]), []).append(transaction)
    return Dataset(
        customers=tuple(customers),
        subscriptions=tuple(subscriptions),
        customers_by_id={str(c["id"]): c for c in customers},
        subscriptions_by_id={str(s["id"]): s for s in subscriptions},
        subscriptions_by_customer={k: tuple(v) for k, v in by_customer.items()},
        portal_ids=portal_ids,
        examples=examples,
        payment_methods_by_customer=billing.payment_methods_by_customer,
        transactions=billing.transactions,
        transactions_by_customer={k: tuple(v) for k, v in transactions_by_customer.items()},
    )

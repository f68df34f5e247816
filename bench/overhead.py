"""What the console adds to the Paddle calls each page needs, end to end under gunicorn.

From a fresh checkout, with PostgreSQL and Redis on loopback (`scripts/services`):

    scripts/bootstrap && .venv/bin/python bench/overhead.py [--requests 30] [--sqlite]

Starts everything itself: a fresh database (PostgreSQL `bench_overhead`, dropped and re-created,
or with --sqlite a temporary file), Redis database 9 (flushed), the Paddle emulator as a process
(`manage.py paddle_emulator`, no rate limit to speak of), the console under gunicorn
(gunicorn.conf.py defaults, collectstatic'ed, production settings), and bench/minimal_wsgi.py
under a second gunicorn. One agent signs in through the login form; requests are sequential.

1. With 100 ms Paddle latency, each page's median end-to-end time against the bare Paddle calls
   it needs, made with `requests` (keep-alive, JSON decoded) in the same run, interleaved:
   - search by email: GET /customers?email=, then GET /subscriptions?customer_id= for the
     results' subscription counts (two sequential round trips)
   - customer page: GET /customers/{id}, GET /subscriptions?customer_id=, GET
     /customers/{id}/payment-methods and GET /transactions?customer_id=&status=, concurrent in the
     app and in the floor (one round trip: the slowest of the four)
   - link creation: the first two GETs, concurrent (the ownership re-check, and the customer
     for the audit row and the page), then POST /customers/{id}/portal-sessions: two sequential
     round trips. The confirm page before it is not timed.
   Goals: search and customer page <= 1.10 x the floor, link creation <= 1.15 x.
2. With 0 ms latency, each page against GET /ok of bench/minimal_wsgi.py (the same settings and
   middleware, one view returning "ok", the same signed-in session): the console's own cost.

Prints `name: value` lines. Times in milliseconds.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from paddle_emulator import Emulator
from tests.support import harness

GOALS = {"search": 1.10, "customer_page": 1.10, "create_links": 1.15}
WARM_UP = 5
USERNAME = "bench-agent"


def show(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def expect(response: requests.Response, status: int = 200) -> requests.Response:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.url}: HTTP {response.status_code}")
    return response


class BarePaddle:
    """The Paddle calls each page needs, made directly: the floor the console cannot beat."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers.update({"Authorization": f"Bearer {harness.API_KEY}", "Paddle-Version": "1"})
        self.pool = ThreadPoolExecutor(4)

    def _get(self, path: str, **params: str | int) -> object:
        return expect(self.http.get(self.base_url + path, params=params, timeout=10)).json()

    def search(self, email: str) -> None:
        """The match, then its subscription count: two round trips, one after the other."""
        params: dict[str, str | int] = {"email": email, "status": "active,archived", "per_page": 50}
        found: list[dict[str, object]] = expect(
            self.http.get(f"{self.base_url}/customers", params=params, timeout=10)
        ).json()["data"]
        ids = ",".join(str(customer["id"]) for customer in found)
        self._get("/subscriptions", customer_id=ids, per_page=200)

    def overview(self, customer_id: str) -> None:
        customer = self.pool.submit(self._get, f"/customers/{customer_id}")
        subscriptions = self.pool.submit(self._get, "/subscriptions", customer_id=customer_id, per_page=200)
        customer.result(), subscriptions.result()

    def customer_page(self, customer_id: str) -> None:
        methods = self.pool.submit(self._get, f"/customers/{customer_id}/payment-methods", per_page=200)
        payments = self.pool.submit(
            self._get,
            "/transactions",
            customer_id=customer_id,
            status="past_due,canceled,completed",
            per_page=30,
        )
        self.overview(customer_id)
        methods.result(), payments.result()

    def create_links(self, customer_id: str, subscription_ids: list[str]) -> None:
        self.overview(customer_id)
        url = f"{self.base_url}/customers/{customer_id}/portal-sessions"
        expect(self.http.post(url, json={"subscription_ids": subscription_ids}, timeout=10), 201).json()


def measure(
    base_env: dict[str, str], tmp: Path, latency_ms: int, requests_each: int
) -> dict[str, list[float]]:
    """Each page, its floor and the minimal view, `requests_each` times interleaved after a warm-up."""
    seed = Emulator(harness.API_KEY)  # the emulator process serves the same seeded data
    customer_id = seed.examples()["all_statuses"]
    email = str(seed.customer(customer_id)["email"])
    subscription_ids = [str(s["id"]) for s in seed.subscriptions_of(customer_id)][:2]

    paddle = harness.emulator(base_env, log_path=tmp / f"emulator-{latency_ms}.log", latency_ms=latency_ms)
    with harness.serving(paddle, path="/portal/"):
        env = {**base_env, "PADDLE_API_BASE_URL": paddle.url}
        app = harness.gunicorn(env, log_path=tmp / f"app-{latency_ms}.log")
        minimal = harness.gunicorn(env, log_path=tmp / f"minimal-{latency_ms}.log", wsgi="bench.minimal_wsgi")
        with harness.serving(app, minimal):
            agent = harness.Agent(USERNAME)
            expect(agent.sign_in(app.url), 302)
            bare = BarePaddle(paddle.url)

            def token() -> str:
                return harness.confirmation_token(agent.confirm(app.url, customer_id, subscription_ids))

            def create_links(confirmation: str) -> requests.Response:
                return expect(agent.create(app.url, customer_id, subscription_ids, token=confirmation))

            if not harness.portal_links(create_links(token())):  # checked once; timing skips the parse
                raise RuntimeError("the links page shows no links")

            steps: dict[str, Callable[[], float]] = {
                "search.app": lambda: timed(lambda: expect(agent.search(app.url, email))),
                "search.floor": lambda: timed(lambda: bare.search(email)),
                "customer_page.app": lambda: timed(lambda: expect(agent.customer(app.url, customer_id))),
                "customer_page.floor": lambda: timed(lambda: bare.customer_page(customer_id)),
                "create_links.app": lambda: (lambda confirmation: timed(lambda: create_links(confirmation)))(
                    token()
                ),
                "create_links.floor": lambda: timed(lambda: bare.create_links(customer_id, subscription_ids)),
                "minimal_view": lambda: timed(
                    lambda: expect(agent.http.get(f"{minimal.url}/ok", timeout=10))
                ),
            }
            samples: dict[str, list[float]] = {name: [] for name in steps}
            for n in range(WARM_UP + requests_each):
                for name, step in steps.items():
                    elapsed = step()
                    if n >= WARM_UP:
                        samples[name].append(elapsed)
            bare.pool.shutdown()
            return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page and latency")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="flushed before use")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp_name:
        tmp = Path(tmp_name)
        if args.sqlite:
            database_url = f"sqlite:///{tmp / 'db.sqlite3'}"
        else:
            database_url = harness.recreate_postgres_database(args.postgres, "bench_overhead")
        harness.flush_redis(args.redis)
        base_env = harness.app_env(
            database_url=database_url,
            cache_url=args.redis,
            paddle_url="http://127.0.0.1:9",  # each measurement points it at its emulator
            static_root=tmp / "static",
            # Out of the way: one agent creates a link set per timed request.
            PORTAL_SESSIONS_PER_HOUR="100000",
            PORTAL_SESSIONS_PER_DAY="100000",
            PADDLE_BUDGET_PER_MINUTE="100000",
            SEARCHES_PER_MINUTE="0",  # 0: no per-agent read limit
            CUSTOMER_VIEWS_PER_MINUTE="0",
        )
        harness.manage_ok(base_env, "migrate", "-v0")
        harness.manage_ok(base_env, "collectstatic", "--noinput", "-v0")
        harness.use_django(base_env)
        harness.create_agents([USERNAME])

        show("machine", harness.machine())
        show("load_average_before", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        show("database", "sqlite" if args.sqlite else "postgresql")
        show("cache", "redis")
        show("gunicorn", harness.gunicorn_shape(base_env))
        show("requests_per_figure", args.requests)
        for latency_ms in (100, 0):
            samples = measure(base_env, tmp, latency_ms, args.requests)
            median = {name: statistics.median(values) for name, values in samples.items()}
            prefix = f"latency_{latency_ms}ms"
            for page, goal in GOALS.items():
                app, floor = median[f"{page}.app"], median[f"{page}.floor"]
                show(f"{prefix}.{page}.app_median_ms", f"{app:.1f}")
                show(f"{prefix}.{page}.paddle_floor_median_ms", f"{floor:.1f}")
                if latency_ms:
                    show(f"{prefix}.{page}.ratio_to_floor", f"{app / floor:.3f}")
                    show(
                        f"{prefix}.{page}.goal",
                        f"<= {goal:.2f} ({'met' if app / floor <= goal else 'MISSED'})",
                    )
                else:
                    show(f"{prefix}.{page}.console_ms_over_floor", f"{app - floor:.1f}")
                    show(f"{prefix}.{page}.ratio_to_minimal_view", f"{app / median['minimal_view']:.2f}")
            show(f"{prefix}.minimal_view_median_ms", f"{median['minimal_view']:.1f}")
            if latency_ms:  # what a signed-in page that only said "ok" would score against search's floor
                floor = median["search.floor"]
                show(
                    f"{prefix}.minimal_view_plus_search_floor_ratio",
                    f"{(floor + median['minimal_view']) / floor:.3f}",
                )
        show("load_average_after", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()

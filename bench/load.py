"""Many agents at once: the whole journey against gunicorn + PostgreSQL + Redis + a Paddle emulator.

From a fresh checkout, with PostgreSQL and Redis on loopback (`scripts/services`):

    scripts/bootstrap && .venv/bin/python bench/load.py [--duration 120] [--agents 40]

Starts a fresh PostgreSQL database `bench_load` (dropped and re-created), Redis database 8
(flushed), the Paddle emulator as its own process (`manage.py paddle_emulator --latency-ms 50
--rate-limit 1000000000`), and the console under gunicorn (gunicorn.conf.py; --workers and
--threads). Creates one user in the "Support agent" role per simulated agent. Each agent is a
thread with its own requests.Session: it signs in once through the login form (the step-up
proof lasts the run); once all have, each walks random customers for --duration seconds:
search by email, customer page, confirm (up to two subscriptions ticked), create. The per-agent
link limits and the Paddle budget are raised out of the way through the environment (printed).

Prints `name: value` lines: requests per second, p50/p95/p99 per step in ms, errors (anything
but the expected status), and checks that the audit log holds exactly one
`portal_session.created` per link set handed out and that `verify_audit_chain` passes.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from paddle_emulator import Emulator
from tests.support import harness

STEPS = ("sign_in", "search", "customer_page", "confirm", "create_links")
LIMITS = {
    "PORTAL_SESSIONS_PER_HOUR": "1000000",
    "PORTAL_SESSIONS_PER_DAY": "1000000",
    "PADDLE_BUDGET_PER_MINUTE": "1000000",
    "SEARCHES_PER_MINUTE": "0",  # 0: no per-agent read limit
    "CUSTOMER_VIEWS_PER_MINUTE": "0",
}


class Tally:
    """Latencies and errors per step, and link sets handed out, from every agent thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.handed_out = 0

    def step(
        self,
        name: str,
        expected: int,
        call: Callable[..., requests.Response],
        *args: object,
        **kwargs: object,
    ) -> requests.Response | None:
        """Time `call(*args, **kwargs)`; an error if it raises or answers other than `expected`."""
        started = time.perf_counter()
        response: requests.Response | None = None
        try:
            response = call(*args, **kwargs)
        except requests.RequestException as exc:
            error = type(exc).__name__
        else:
            error = "" if response.status_code == expected else f"HTTP {response.status_code}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[name].append(elapsed)
            if error:
                self.errors[f"{name}: {error}"] += 1
        return response if not error else None

    def link_set(self) -> None:
        with self.lock:
            self.handed_out += 1


def walk(
    agent: harness.Agent,
    url: str,
    customers: list[tuple[str, str, list[str]]],
    start: threading.Barrier,
    duration: float,
    tally: Tally,
) -> None:
    """One agent: sign in; once every agent has, journeys for `duration` seconds (a journey that
    fails stops at that step). Signing in is apart: a password hash costs about a CPU-second."""
    signed_in = tally.step("sign_in", 302, agent.sign_in, url) is not None
    start.wait()
    until = time.monotonic() + duration
    pick = random.Random(agent.username)
    while signed_in and time.monotonic() < until:
        customer_id, email, subscription_ids = pick.choice(customers)
        if tally.step("search", 200, agent.search, url, email) is None:
            continue
        if tally.step("customer_page", 200, agent.customer, url, customer_id) is None:
            continue
        confirm_page = tally.step("confirm", 200, agent.confirm, url, customer_id, subscription_ids)
        if confirm_page is None:
            continue
        token = harness.confirmation_token(confirm_page)
        created = tally.step(
            "create_links", 200, agent.create, url, customer_id, subscription_ids, token=token
        )
        if created is not None and harness.portal_links(created):
            tally.link_set()


def customers_to_walk() -> list[tuple[str, str, list[str]]]:
    """(id, email, up to two subscription ids) of every seeded customer with a subscription."""
    seed = Emulator(harness.API_KEY)
    return [
        (str(c["id"]), str(c["email"]), [str(s["id"]) for s in seed.subscriptions_of(str(c["id"]))][:2])
        for c in seed.data.customers
        if seed.subscriptions_of(str(c["id"]))
    ]


def paddle_failures(app_log: Path) -> Counter[str]:
    """The app's Paddle calls that did not get a 2xx, by method, path and outcome, from its log."""
    failures: Counter[str] = Counter()
    for line in app_log.read_text().splitlines():
        if '"sessions_app.paddle.client"' in line:
            _, method, path, _, outcome = json.loads(line)["message"].split()[:5]
            if not outcome.startswith("2"):
                failures[f"{method} {path} -> {outcome}"] += 1
    return failures


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of journeys (default 120)")
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--latency-ms", type=float, default=50, help="the emulator's added latency")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=10, help="gunicorn threads per worker")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8", help="flushed before use")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        harness.flush_redis(args.redis)
        env = harness.app_env(
            database_url=harness.recreate_postgres_database(args.postgres, "bench_load"),
            cache_url=args.redis,
            paddle_url="http://127.0.0.1:9",
            static_root=tmp / "static",
            **LIMITS,
        )
        harness.manage_ok(env, "migrate", "-v0")
        harness.manage_ok(env, "collectstatic", "--noinput", "-v0")
        harness.use_django(env)
        usernames = [f"load-agent-{n:02d}" for n in range(1, args.agents + 1)]
        harness.create_agents(usernames)
        customers = customers_to_walk()

        paddle = harness.emulator(
            env, log_path=tmp / "emulator.log", latency_ms=args.latency_ms, rate_limit=10**9
        )
        with harness.serving(paddle, path="/portal/"):
            env["PADDLE_API_BASE_URL"] = paddle.url
            app = harness.gunicorn(env, log_path=tmp / "app.log", workers=args.workers, threads=args.threads)
            with harness.serving(app):
                tally = Tally()
                journeys_began: list[float] = []
                start = threading.Barrier(args.agents, action=lambda: journeys_began.append(time.monotonic()))
                agents = [
                    threading.Thread(
                        target=walk,
                        args=(harness.Agent(name), app.url, customers, start, args.duration, tally),
                    )
                    for name in usernames
                ]
                for agent in agents:
                    agent.start()
                for agent in agents:
                    agent.join()
                elapsed = time.monotonic() - journeys_began[0]
                load_during = os.getloadavg()[0]

        from sessions_app.models import AuditEvent

        audited = AuditEvent.objects.filter(action="portal_session.created").count()
        verified = harness.manage(env, "verify_audit_chain")
        failed_calls = paddle_failures(tmp / "app.log")
        emulator_log = (tmp / "emulator.log").read_text()

    requests_made = sum(len(values) for step, values in tally.latencies.items() if step != "sign_in")
    errors = sum(tally.errors.values())
    print(f"machine: {harness.machine()}")
    print(f"load_average_1min_at_end: {load_during:.2f}")
    shape = harness.gunicorn_shape(
        {**env, "GUNICORN_WORKERS": str(args.workers), "GUNICORN_THREADS": str(args.threads)}
    )
    print(f"setup: gunicorn {shape}, PostgreSQL, Redis, emulator latency {args.latency_ms:.0f} ms")
    print(f"limits_raised_for_the_load: {', '.join(f'{k}={v}' for k, v in LIMITS.items())}")
    print(f"agents: {args.agents}")
    print(f"journey_phase_s: {elapsed:.1f}")
    print(f"requests_in_journey_phase: {requests_made}")
    print(f"requests_per_second: {requests_made / elapsed:.1f}")
    for step in STEPS:
        values = tally.latencies.get(step, [])
        if values:
            shown = " ".join(f"p{p}={percentile(values, p):.0f}" for p in (50, 95, 99))
            print(f"{step}_ms: {shown} (n={len(values)})")
    print(f"errors: {errors} (goal: 0)")
    for error, count in sorted(tally.errors.items()):
        print(f"error.{error}: {count}")
    for call, count in sorted(failed_calls.items()):
        print(f"paddle_call_failed.{call}: {count}")
    print(f"emulator_tracebacks: {emulator_log.count('Traceback')}")
    if "Traceback" in emulator_log:
        print(emulator_log[emulator_log.index("Traceback") :][:3000])
    print(f"link_sets_handed_out: {tally.handed_out}")
    print(f"audit_portal_session_created: {audited}")
    print(f"audit_matches_links: {'yes' if audited == tally.handed_out else 'NO'}")
    chain = verified.stdout.strip() or verified.stderr.strip()
    print(f"verify_audit_chain: exit {verified.returncode}: {chain}")


if __name__ == "__main__":
    main()

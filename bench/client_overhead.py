"""What the Paddle client adds to a bare `requests` call, and what a retry costs.

Starts the emulator in this process, then times GET /customers/{id} done by a bare
`requests.Session().get` and by `PaddleClient.get_customer` (interleaved, after a warm-up), and
one call each through an injected 429 (Retry-After: 1) and an injected 502.
Run: .venv/bin/python bench/client_overhead.py [calls]. Prints `name: value` lines.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_admin.settings")
os.environ["DJANGO_DEBUG"] = "true"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # one INFO line per call would measure the terminal

API_KEY = "pdl_sdbx_apikey_01bench00000000000000000000_BenchBenchBenchBenchBe_Bch"
WARM_UP = 200


def timed_ms(call: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this thread's CPU time of one call, in ms (the CPU time leaves out the
    emulator, which runs in other threads of this process)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def main(calls: int) -> None:
    import django

    django.setup()
    import requests

    from paddle_emulator import Emulator, serve
    from sessions_app.paddle.client import PaddleClient

    emulator = Emulator(API_KEY, rate_limit_per_minute=10**9)
    server = serve(emulator)
    try:
        customer_id = emulator.examples()["all_statuses"]
        url = f"{server.base_url}/customers/{customer_id}"
        bare = requests.Session()
        bare.headers["Authorization"] = f"Bearer {API_KEY}"
        # The client turns trust_env off (no .netrc, no proxy variables); so does this baseline.
        bare_no_env = requests.Session()
        bare_no_env.headers["Authorization"] = f"Bearer {API_KEY}"
        bare_no_env.trust_env = False
        client = PaddleClient(api_key=API_KEY, base_url=server.base_url)

        def bare_call(session: requests.Session) -> Callable[[], None]:
            def call() -> None:
                response = session.get(url, timeout=(3, 10))
                response.raise_for_status()
                response.json()

            return call

        callers: dict[str, Callable[[], object]] = {
            "bare_requests": bare_call(bare),
            "bare_requests_no_env": bare_call(bare_no_env),
            "client": lambda: client.get_customer(customer_id),
        }
        for _ in range(WARM_UP):
            for call in callers.values():
                call()
        wall: dict[str, list[float]] = {name: [] for name in callers}
        cpu: dict[str, list[float]] = {name: [] for name in callers}
        for _ in range(calls):  # interleaved, so drift in the machine's load hits all alike
            for name, call in callers.items():
                wall_ms, cpu_ms = timed_ms(call)
                wall[name].append(wall_ms)
                cpu[name].append(cpu_ms)

        print(f"calls: {calls}")
        for clock, samples in (("wall", wall), ("cpu", cpu)):
            for name in callers:
                print(f"{name}_{clock}_mean_ms: {statistics.fmean(samples[name]):.3f}")
                print(f"{name}_{clock}_p50_ms: {statistics.median(samples[name]):.3f}")
            for baseline in ("bare_requests", "bare_requests_no_env"):
                for stat, measure in (("mean", statistics.fmean), ("p50", statistics.median)):
                    client_ms, base_ms = measure(samples["client"]), measure(samples[baseline])
                    print(f"client_added_vs_{baseline}_{clock}_{stat}_ms: {client_ms - base_ms:.3f}")
                    print(f"client_ratio_vs_{baseline}_{clock}_{stat}: {client_ms / base_ms:.2f}")

        for name, fault in (
            ("retry_429_retry_after_1", {"kind": "error", "status": 429, "retry_after": 1}),
            ("retry_502", {"kind": "html", "status": 502}),
        ):
            emulator.reset()
            emulator.add_fault("/customers/*", times=1, **fault)  # type: ignore[arg-type]
            print(f"{name}_seconds: {timed_ms(callers['client'])[0] / 1000:.3f}")
            print(f"{name}_attempts: {len(emulator.requests)}")
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)

"""The emulator's command line: `python -m paddle_emulator` and `manage.py paddle_emulator` share it."""

import argparse
import os
import sys
import threading
from typing import Protocol

from .app import Emulator
from .billing import EXAMPLE_BILLING
from .seed import EXAMPLE_NOTES
from .server import serve

# The test suite's key: any well-formed sandbox key works, the console only has to send the same one.


class Output(Protocol):
    def write(self, text: str, /) -> object: ...
    def flush(self) -> None: ...


DEFAULT_API_KEY = "pdl_sdbx_apikey_01emulator0000000000000000_EmulatorEmulatorEmulat_Emu"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of both entry points."""
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-key", default=None, help="the only key accepted (default: PADDLE_API_KEY)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every API response")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--token-ttl", type=int, default=900, help="portal link lifetime in seconds")
    parser.add_argument(
        "--rate-limit", type=int, default=240, help="requests a minute per client IP before 429 (Paddle: 240)"
    )


def run(options: argparse.Namespace, *, api_key: str, out: Output) -> None:
    """Serve the emulator with `options` until interrupted, after printing how to use it."""
    emulator = Emulator(
        api_key,
        seed=options.seed,
        latency_ms=options.latency_ms,
        token_ttl_seconds=options.token_ttl,
        rate_limit_per_minute=options.rate_limit,
    )
    server = serve(emulator, host=options.host, port=options.port)
    # A live key is a real secret: never echo it, even to a terminal.
    shown_key = api_key if not api_key.startswith("pdl_live_") else api_key[:16] + "… (live key, hidden)"
    lines = [
        f"Paddle emulator, seed {emulator.seed}, serving {server.base_url}",
        f"API key: {shown_key}",
        f"Point the console at it: PADDLE_API_BASE_URL={server.base_url}",
        "Example customers:",
    ]
    for name, customer_id in emulator.examples().items():
        customer = emulator.customer(customer_id)
        lines.append(f"  {customer_id}  {customer['name']!r:40} {customer['email']}")
        lines.append(f"      {name}: {EXAMPLE_NOTES[name]}")
        if name in EXAMPLE_BILLING:
            lines.append(f"      billing: {EXAMPLE_BILLING[name]}")
    lines.append("Ctrl-C to stop.")
    try:  # from before the banner: a Ctrl-C right after "Ctrl-C to stop." still stops cleanly
        out.write("\n".join(lines) + "\n")
        out.flush()  # the banner must show even when stdout is a pipe
        threading.Event().wait()
    except KeyboardInterrupt:
        out.write("Stopping.\n")
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m paddle_emulator`: no Django needed."""
    parser = argparse.ArgumentParser(
        prog="python -m paddle_emulator",
        description="Serve a local stand-in for Paddle's API (seeded customers, portal page) until Ctrl-C.",
    )
    add_arguments(parser)
    options = parser.parse_args(argv)
    run(
        options,
        api_key=options.api_key or os.environ.get("PADDLE_API_KEY") or DEFAULT_API_KEY,
        out=sys.stdout,
    )

"""`manage.py paddle_emulator`: serve the local Paddle emulator until interrupted (for the demo)."""

import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from paddle_emulator import Emulator, serve
from paddle_emulator.seed import EXAMPLE_NOTES


class Command(BaseCommand):
    help = "Serve a local stand-in for Paddle's API (seeded customers, portal page) until Ctrl-C."
    requires_system_checks: list[
        str
    ] = []  # it uses none of the app, so it also starts while the app is broken

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8900)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--api-key", default=None, help="the only key accepted (default: PADDLE_API_KEY)")
        parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every API response")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--token-ttl", type=int, default=900, help="portal link lifetime in seconds")
        parser.add_argument(
            "--rate-limit",
            type=int,
            default=240,
            help="requests a minute per client IP before 429 (Paddle: 240)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        api_key = options["api_key"] or settings.PADDLE_API_KEY
        emulator = Emulator(
            api_key,
            seed=options["seed"],
            latency_ms=options["latency_ms"],
            token_ttl_seconds=options["token_ttl"],
            rate_limit_per_minute=options["rate_limit"],
        )
        server = serve(emulator, host=options["host"], port=options["port"])
        # A live key is a real secret: never echo it, even to a terminal.
        shown_key = api_key if not api_key.startswith("pdl_live_") else api_key[:16] + "… (live key, hidden)"
        out = self.stdout
        out.write(f"Paddle emulator, seed {emulator.seed}, serving {server.base_url}")
        out.write(f"API key: {shown_key}")
        out.write(f"Point the console at it: PADDLE_API_BASE_URL={server.base_url}")
        out.write("Example customers:")
        for name, customer_id in emulator.examples().items():
            customer = emulator.customer(customer_id)
            out.write(f"  {customer_id}  {customer['name']!r:40} {customer['email']}")
            out.write(f"      {name}: {EXAMPLE_NOTES[name]}")
        out.write("Ctrl-C to stop.")
        out.flush()  # the banner must show even when stdout is a pipe
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            out.write("Stopping.")
        finally:
            server.stop()

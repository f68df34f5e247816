"""`manage.py demo`: the whole console on one machine: demo users, the Paddle emulator, runserver.

For a laptop, never for production: it refuses to run unless DJANGO_DEBUG is true.
"""

import email
import io
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paddle_emulator import Emulator
from sessions_app.links.requester import masked

_REDEMPTION_RE = re.compile(r"https?://[^\s\"'<>=]+/r/[A-Za-z0-9_\-]{43}/")

# username -> (role, is_staff)
DEMO_USERS = {
    "agent": ("Support agent", False),
    "manager": ("Support manager", True),
    "auditor": ("Auditor", False),
}
EXAMPLES_SHOWN = ("all_statuses", "null_name", "html_name", "cjk_name", "many_subscriptions")


class Command(BaseCommand):
    help = "Migrate, create demo users, start the Paddle emulator and serve the console on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the console's port")
        parser.add_argument("--emulator-port", type=int, default=8010)
        parser.add_argument("--smtp-port", type=int, default=8025, help="the demo's own SMTP server")
        parser.add_argument(
            "--password", default="", help="one password for every demo user (default: a new random one)"
        )

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo runs only with DJANGO_DEBUG=true (it creates users with known passwords)."
            )
        call_command("migrate", verbosity=0)
        call_command("bootstrap_roles", stdout=io.StringIO())  # repairs roles of an older demo database
        password = options["password"] or secrets.token_urlsafe(9)
        for username, (role, is_staff) in DEMO_USERS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = is_staff
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])

        emulator_url = f"http://127.0.0.1:{options['emulator_port']}"
        env = {
            **os.environ,
            "PADDLE_API_BASE_URL": emulator_url,
            # Emailed links go to the demo's SMTP server, which prints their redemption URLs here.
            "EMAIL_URL": f"smtp://127.0.0.1:{options['smtp_port']}",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{options['port']}",
        }
        smtp = _start_smtp(options["smtp_port"], self.stdout.write)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        emulator = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [*manage, "paddle_emulator", "--port", str(options["emulator_port"])],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        console = None
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the children too, like Ctrl-C
        try:
            _wait_for_port(options["emulator_port"], process=emulator)
            self._print_banner(options["port"], emulator_url, password)
            console = subprocess.Popen(  # noqa: S603 (our own manage.py)
                [*manage, "runserver", f"127.0.0.1:{options['port']}"], env=env
            )
            console.wait()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the console and the emulator.")
        finally:
            for process in (console, emulator):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=10)
            smtp.stop()

    def _print_banner(self, port: int, emulator_url: str, password: str) -> None:
        emulator = Emulator(settings.PADDLE_API_KEY)  # same seed as the running one: same customers
        out = self.stdout
        out.write(
            self.style.SUCCESS(f"\nThe console: http://127.0.0.1:{port}/  (Paddle emulator: {emulator_url})")
        )
        out.write(f"Sign in as agent, manager (also Django admin) or auditor; password for all: {password}")
        out.write("Customers to search for (by email, name, ctm_ id or sub_ id):")
        for name in EXAMPLES_SHOWN:
            customer = emulator.customer(emulator.examples()[name])
            out.write(f"  {customer['email']:<38} {customer['id']}  ({name.replace('_', ' ')})")
        out.write("Emailed links arrive at the demo's SMTP server: their redemption URLs are printed here.")
        out.write("Ctrl-C stops everything.\n")


def _start_smtp(port: int, write: Callable[[str], None]) -> Any:
    """A loopback SMTP server (aiosmtpd, a development dependency) that prints each redemption URL."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError as exc:
        raise CommandError("The demo needs aiosmtpd: pip install -r requirements-dev.txt") from exc

    class PrintRedemptionUrls:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
            text = email.message_from_bytes(envelope.original_content or b"").as_string()
            for url in sorted(set(_REDEMPTION_RE.findall(text))):
                write(f"[demo mail] to {masked(', '.join(envelope.rcpt_tos))}: {url}")
            return "250 OK"

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # its INFO lines would bury the URLs
    controller = Controller(PrintRedemptionUrls(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_for_port(port: int, *, process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"The Paddle emulator stopped at start-up (is port {port} taken?).")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise CommandError(f"The Paddle emulator did not start on port {port}.")

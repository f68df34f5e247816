"""`manage.py paddle_emulator`: serve the local Paddle emulator until interrupted (for the demo)."""

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from paddle_emulator import cli


class Command(BaseCommand):
    help = "Serve a local stand-in for Paddle's API (seeded customers, portal page) until Ctrl-C."
    # It uses none of the app, so it also starts while the app is broken.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: object, **options: Any) -> None:
        namespace = argparse.Namespace(**options)
        cli.run(namespace, api_key=options["api_key"] or settings.PADDLE_API_KEY, out=self.stdout)

"""`manage.py export_audit`: the audit log (or a filtered part) as CSV on stdout or into a file."""

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app import audit
from sessions_app.audit.export import csv_chunks
from sessions_app.audit.review import AuditFilterForm, errors_text, filtered_events, filters_for_details
from sessions_app.models import AuditEvent

_FILTERS = ("actor", "customer", "action", "outcome", "from", "to")


class Command(BaseCommand):
    help = "Export audit events as CSV (same filters as /audit/export.csv); the export itself is audited."

    def add_arguments(self, parser: CommandParser) -> None:
        for name in _FILTERS:
            parser.add_argument(f"--{name}", dest=name, default="", help=f"Filter: {name} (as on /audit/).")
        parser.add_argument("--output", default="-", help="File to write; '-' (the default) is stdout.")

    def handle(self, *args: object, output: str, **options: Any) -> None:
        form = AuditFilterForm({name: options[name] for name in _FILTERS})
        if not form.is_valid():
            raise CommandError(errors_text(form))
        filters = form.filters()
        audit.record(
            action=audit.Action.AUDIT_EXPORT,
            outcome=audit.Outcome.SUCCESS,
            context=None,
            actor_username=f"manage.py ({getpass.getuser()})"[:150],
            details={"filters": filters_for_details(filters), "output": output},
        )
        events = filtered_events(AuditEvent.objects.all(), filters)
        if output == "-":
            self._write(events, self.stdout)
        else:
            with open(output, "w", encoding="utf-8", newline="") as file:
                self._write(events, file)
            self.stderr.write(f"Wrote {output}")

    @staticmethod
    def _write(events: Any, file: Any) -> None:
        for chunk in csv_chunks(events):
            file.write(chunk)

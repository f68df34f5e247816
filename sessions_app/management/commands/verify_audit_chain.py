"""`manage.py verify_audit_chain`: check every row of the audit hash chain; non-zero exit if broken."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app.audit.chain import BATCH_SIZE, save_result, verify_chain


class Command(BaseCommand):
    help = "Stream the audit chain in seq order, recompute every hash, and name the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows fetched per query.")

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        report = verify_chain(batch_size=batch_size)
        save_result(report)
        speed = f"checked {report.rows} rows in {report.seconds:.2f} s ({report.rows_per_second:,.0f} rows/s)"
        if not report.ok:
            raise CommandError(f"chain broken at seq {report.first_broken_seq}: {report.problem}; {speed}")
        self.stdout.write(f"chain intact: {speed}")

"""`manage.py verify_audit_chain`: check the audit hash chain; list every damage; non-zero exit if any."""

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app.audit.chain import BATCH_SIZE, save_result, verify_chain

_HEAD = re.compile(r"(\d+):([0-9a-f]{64})")


class Command(BaseCommand):
    help = (
        "Stream the audit chain in seq order, recompute every hash, and name every damaged row "
        "(changed, missing, inserted, reordered, cut from the end)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows fetched per query.")
        parser.add_argument(
            "--since-anchor",
            action="store_true",
            help="Check only the rows above the latest verified head (for a frequent cron job).",
        )
        parser.add_argument(
            "--expect-head",
            default="",
            metavar="SEQ:HASH",
            help="A head copied from the log stream; rows cut below it are reported.",
        )

    def handle(
        self, *args: object, batch_size: int, since_anchor: bool, expect_head: str, **options: object
    ) -> None:
        head = None
        if expect_head:
            match = _HEAD.fullmatch(expect_head.strip())
            if match is None:
                raise CommandError("--expect-head takes SEQ:HASH, e.g. 158:3f2a… (64 hex digits)")
            head = (int(match[1]), match[2])
        report = verify_chain(batch_size=batch_size, since_anchor=since_anchor, expect_head=head)
        save_result(report)
        speed = (
            f"checked {report.rows} rows from seq {report.first_seq} in {report.seconds:.2f} s "
            f"({report.rows_per_second:,.0f} rows/s)"
        )
        if not report.ok:
            for damage in report.damages:
                self.stderr.write(f"{damage.kind}: {damage.message}")
            count, first = len(report.damages), report.first_broken_seq
            raise CommandError(f"chain broken: {count} damage(s), first at seq {first}; {speed}")
        self.stdout.write(f"chain intact: {speed}; head {report.last_seq}:{report.last_hash}")

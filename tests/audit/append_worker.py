"""A separate process that appends events, for the concurrency tests.

Usage: python -m tests.audit.append_worker NAME COUNT (database from DATABASE_URL).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_admin.settings")
    import django

    django.setup()
    from sessions_app import audit

    name, count = sys.argv[1], int(sys.argv[2])
    for i in range(count):
        audit.record(
            action=audit.Action.CUSTOMER_SEARCH,
            outcome=audit.Outcome.SUCCESS,
            context=None,
            actor_username=name,
            details={"i": i},
        )


if __name__ == "__main__":
    main()

"""`manage.py bootstrap_roles`: create or repair the roles; safe to run any number of times."""

from django.apps import apps
from django.core.management.base import BaseCommand

from sessions_app.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create the console's groups with exactly the permissions sessions_app/roles.py gives them."

    def handle(self, *args: object, **options: object) -> None:
        sync_roles(apps)
        for group_name, codenames in ROLES.items():
            self.stdout.write(f"{group_name}: {', '.join(codenames)}")

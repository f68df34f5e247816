"""`manage.py end_sessions <username>`: sign a user out everywhere, now (e.g. a leaver)."""

from argparse import ArgumentParser

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sessions_app import audit


class Command(BaseCommand):
    help = "End every console session of one user (they must sign in again); audited as auth.sessions_ended."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        ended = 0
        # Database sessions hold the user id inside their encoded data: read each live one.
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
                ended += 1
        audit.record(
            action=audit.Action.AUTH_SESSIONS_ENDED,
            outcome=audit.Outcome.SUCCESS,
            context=None,
            actor_username="manage.py end_sessions",
            details={"user": username, "sessions": ended},
        )
        self.stdout.write(f"Ended {ended} session(s) of {username}.")

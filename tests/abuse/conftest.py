"""Steps specific to the abuse-control tests (the journey's steps are in tests/helpers.py)."""

from django.test import Client

from sessions_app.accounts import step_up as stepup


def age_step_up(client: Client, minutes: int) -> None:
    """Move the session's last password proof `minutes` into the past."""
    session = client.session
    session[stepup.SESSION_KEY] -= minutes * 60
    session.save()

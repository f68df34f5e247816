"""The session store: a signed-in request refreshes its session with one UPDATE."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.session_store import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stored() -> SessionStore:
    session = SessionStore()
    session["step_up_at"] = 1
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))
    return SessionStore(session.session_key)


def test_a_refresh_is_one_update_that_moves_the_expiry_on(stored: SessionStore) -> None:
    stored["step_up_at"]  # loaded, as a request does
    with CaptureQueriesContext(connection) as queries:
        stored.save()

    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    expiry = Session.objects.get(pk=stored.session_key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=20)


def test_a_session_deleted_meanwhile_is_not_written_back(stored: SessionStore) -> None:
    stored["step_up_at"]  # loaded, as a request does
    Session.objects.filter(pk=stored.session_key).delete()

    with pytest.raises(UpdateError):
        stored.save()
    assert not Session.objects.exists()

"""Database sessions (SESSION_ENGINE) whose per-request refresh is one UPDATE, not a transaction.

SESSION_SAVE_EVERY_REQUEST rewrites every signed-in session on every request, to push its idle
expiry on. Django's database store wraps each save in a transaction (BEGIN, UPDATE, COMMIT: three
round trips to the database) so that a failed INSERT of a new session cannot spoil an enclosing
transaction. An UPDATE is atomic on its own: outside any transaction it goes alone.

When the database cannot be reached, a load fails once per request: SessionMiddleware reads the
session again while it answers, and a hung database would otherwise cost a second connect timeout.
"""

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router

from .dependencies import DATABASE_ERRORS


class SessionStore(db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._unavailable: Exception | None = None

    def load(self) -> dict[str, Any]:
        if self._unavailable is not None:
            raise self._unavailable
        try:
            return super().load()
        except DATABASE_ERRORS as exc:
            self._unavailable = exc
            raise

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        obj = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]  # (not in the stubs)
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            super().save()
            return
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as exc:  # the row is gone: signed out or expired meanwhile
            raise UpdateError from exc

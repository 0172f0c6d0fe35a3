"""Database sessions that are not written back on every request.

Sessions end after 30 idle minutes, so the expiry must move with each request
(``SESSION_SAVE_EVERY_REQUEST``); writing the row each time costs three queries on every page.
An unchanged session is written again only once its last write is a minute old: the idle
timeout stays right to within a minute.
"""

from __future__ import annotations

import time

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

REFRESH_SECONDS = 60
_WRITTEN_AT = "_written_at"


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        unchanged = not must_create and not self.modified and self.session_key is not None
        if unchanged and time.time() - self._get_session().get(_WRITTEN_AT, 0) < REFRESH_SECONDS:
            return
        self._get_session()[_WRITTEN_AT] = int(time.time())
        super().save(must_create=must_create)

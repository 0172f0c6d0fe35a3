"""Change stamps that every node sees, read by each process at most twice a second.

A stamp is a random token in the shared cache (PostgreSQL, or Redis with ``CACHE_URL``): a
change renews it once committed, and whatever a process built from the data before (a rendered
page, say) is tagged with the token it read and thrown away when the token differs. Reading
the cache on every request would cost a round trip each time, so a process keeps the token it
read for ``LIFETIME`` seconds: checking costs a clock read nearly always, one cache read per
process and ``LIFETIME`` otherwise, and a change made on any node reaches every process within
``LIFETIME`` of its commit (the renewing process sees it at once).

A token is read before the data it guards, so nothing is ever tagged with a newer token than
the data it was built from. A stamp the cache lost (culled, evicted, Redis restarted) reads as
empty, which is a change too: the worst a lost stamp costs is building things once more.
"""

from __future__ import annotations

import logging
import math
import time
import uuid

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

LIFETIME = 0.5  # seconds a process trusts the token it read; well inside the promised second


class SharedStamp:
    """One named stamp, per database (one Redis may serve several installs, or test runs)."""

    made: list[SharedStamp] = []  # every stamp of the process, for `forget_all`

    def __init__(self, name: str) -> None:
        self.name = name
        self._memo: tuple[float, str] = (-math.inf, "")  # (time.monotonic() it expires, token)
        SharedStamp.made.append(self)

    def key(self) -> str:
        return f"stamp:{connection.settings_dict['NAME']}:{self.name}"

    def current(self) -> str:
        """The token of the last change (empty before the first one), at most LIFETIME old."""
        expires, token = self._memo
        now = time.monotonic()
        if now < expires:
            return token
        try:
            token = cache.get(self.key()) or ""
        except Exception:  # a cache server down (Redis): serve, and let expiry catch up
            logger.exception("Cannot read the %s stamp", self.name)
            return token
        self._memo = (now + LIFETIME, token)  # counted from before the read
        return token

    def renew(self) -> None:
        """Make everything tagged with the current token stale, in every process and node.

        Called once the change has committed; a cache that cannot be written is logged, not
        raised: the change itself is saved, and what depends on the stamp has its own expiry.
        """
        token = uuid.uuid4().hex
        try:
            cache.set(self.key(), token, None)
        except Exception:  # the database cache or a Redis server: the change itself is saved
            logger.exception("Cannot renew the %s stamp: readers catch up on expiry", self.name)
        self._memo = (time.monotonic() + LIFETIME, token)  # this process sees its change at once

    def renew_on_commit(self) -> None:
        """Renew once the current transaction commits, however many changes it makes.

        Inside the transaction this process sees the change at once (a token of its own, not
        written to the cache: no other process could see the change before the commit); the
        one cache write follows the commit (each write is a round trip and, with the database
        cache, a commit of its own). Outside a transaction: at once.
        """
        if not connection.in_atomic_block:
            self.renew()
            return
        self._memo = (time.monotonic() + LIFETIME, uuid.uuid4().hex)
        pending = (getattr(func, "__self__", None) for _ids, func, _r in connection.run_on_commit)
        if not any(owner is self for owner in pending):
            transaction.on_commit(self.renew)

    def forget(self) -> None:
        """Read the stamp again on the next call (a change was made by another process)."""
        self._memo = (-math.inf, "")

    @classmethod
    def forget_all(cls) -> None:
        """Every stamp is read again (a test starts; the database was rolled back)."""
        for stamp in cls.made:
            stamp.forget()

"""The public pages' cache: rendered pages kept per process, made stale for all at once.

Production runs several nodes, each with several gunicorn worker processes, so a process-local
cache alone would keep serving old days in the processes that did not handle the publication.
The design:

* Each worker keeps the pages it rendered in memory (`MEMO`), keyed by what the page depends
  on (for the listing: year, language and today's date), and tagged with a *stamp*: a random
  token in the shared cache (PostgreSQL, or Redis with ``CACHE_URL``), the same for every
  process on every node (``accounts.stamps.SharedStamp``).
* ``services.clear_public_cache`` runs on commit after a publication, swap or replacement and
  calls `new_stamp`, which writes a fresh token.
* A worker reads the token at most twice a second (``accounts.stamps.LIFETIME``) and otherwise
  trusts the one it read: nearly every request pays a clock read, not a round trip. A token
  different from the one the worker's pages were rendered under throws those pages away, so
  the next request in *every* process renders from the database: a change made on one node is
  on every node's public page within a second, with no signalling between processes and
  nothing on a node's disk.
* The stamp is read before the database, so a page is never tagged with a newer stamp than the
  data it shows. The database name in the stamp's key keeps test runs (each on its own
  database) from sharing a stamp with the development server or with each other.
* A page also expires after `PAGE_TTL` seconds, a safety net for changes that do not go through
  the roster services (a leader's position or the room's phone edited in the admin).
* A page's ETag is a hash of its body, so a conditional request gets 304 until the content
  really changes, whichever worker answers (the views in ``schedules.views.public`` hand it to
  Django's ``condition()``).

A request for a cached page therefore costs little more than the middleware every Django view
pays for: about the same as a view that returns a constant (see ``bench/public.py``).
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.stamps import SharedStamp

PAGE_TTL = 300  # seconds a rendered page is kept even when the stamp has not changed
PUBLIC_STAMP_KEY = "public-pages"
DAY = 86400


# --- The stamp --------------------------------------------------------------------------------

STAMP = SharedStamp(PUBLIC_STAMP_KEY)


def new_stamp() -> None:
    """Make every cached public page stale, in every process on every node."""
    STAMP.renew()


def public_data_changed(sender, **kwargs) -> None:
    """Signal receiver for saves and deletions of what the public pages show (leaders, places,
    confirmed years, calendar corrections, duties edited in the admin): new stamp on commit."""
    transaction.on_commit(new_stamp)


def current_stamp() -> str:
    """The token of the last change (empty before the first one), read at most twice a second."""
    return STAMP.current()


# --- Today, once a day ------------------------------------------------------------------------

_today_cache: tuple[float, float, datetime.date] = (0.0, 0.0, datetime.date.min)


def today() -> datetime.date:
    """``timezone.localdate()``, worked out once per day rather than once per request."""
    global _today_cache
    now = time.time()
    start, end, day = _today_cache
    if not start <= now < end:
        local = timezone.localtime()
        day = local.date()
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        # At most a day long, and never across midnight (even one that a DST change moves).
        start = midnight.timestamp()
        end = min(start + DAY, (midnight + datetime.timedelta(days=1)).timestamp())
        _today_cache = (start, end, day)
    return day


# --- The per-process page memo ----------------------------------------------------------------


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    expires: float  # time.monotonic() value


class PageMemo:
    """Rendered pages of one process, all valid for a single stamp."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: str | object = object()
        self._pages: dict[tuple, CachedPage] = {}

    def get(self, stamp: str, key: tuple) -> CachedPage | None:
        if stamp != self._stamp:
            return None
        page = self._pages.get(key)
        if page is None or page.expires < time.monotonic():
            return None
        return page

    def put(self, stamp: str, key: tuple, body: bytes) -> CachedPage:
        page = CachedPage(
            body=body,
            etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
            expires=time.monotonic() + PAGE_TTL,
        )
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                self._pages = {}
            elif len(self._pages) >= 32:  # keep memory bounded: drop what has expired
                now = time.monotonic()
                self._pages = {k: p for k, p in self._pages.items() if p.expires >= now}
            self._pages[key] = page
        return page

    def clear(self) -> None:
        with self._lock:
            self._stamp = object()
            self._pages = {}


MEMO = PageMemo()


class Lookup:
    """One request's page: looked up in `MEMO` (rendered by ``build`` when missing) the first
    time it is asked for, then kept, so the ETag and the body come from one lookup."""

    def __init__(self, key: tuple, build: Callable[[], str]) -> None:
        self.key = key
        self.build = build

    @cached_property
    def page(self) -> CachedPage:
        stamp = current_stamp()
        page = MEMO.get(stamp, self.key)
        if page is None:
            page = MEMO.put(stamp, self.key, self.build().encode())
        return page

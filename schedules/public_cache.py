"""The public pages' cache: rendered pages kept per process, made stale for all at once.

Production runs gunicorn with several worker processes and has no Redis, so a process-local
cache alone would keep serving old days in the workers that did not handle the publication.
The design:

* Each worker keeps the pages it rendered in memory (`MEMO`), keyed by what the page depends
  on (for the listing: year, language and today's date), and tagged with a *stamp*: a random
  token in the file ``var/cache/public-stamp-<database name>``, the same file for every process
  on the machine.
* ``services.clear_public_cache`` runs on commit after a publication, swap or replacement and
  calls `new_stamp`, which writes a fresh token to a temporary file and renames it over the
  stamp (atomic: a reader sees the old token or the new one, never half a file).
* Every request reads the token: one open/read/close of a 32-byte file, a few microseconds, and
  no PostgreSQL. A token different from the one the worker's pages were rendered under throws
  those pages away, so the next request in *every* process renders from the database:
  invalidation reaches all workers at once, with no signalling between processes. The token's
  content is compared, not the file's mtime, whose clock ticks too coarsely to tell apart two
  changes in the same few milliseconds.
* The stamp is read before the database, so a page is never tagged with a newer stamp than the
  data it shows. The database name in the file name keeps test runs (each on its own database)
  from sharing a stamp with the development server or with each other.
* A page also expires after `PAGE_TTL` seconds, a safety net for changes that do not go through
  the roster services (a leader's position or the room's phone edited in the admin).
* A page's ETag is a hash of its body, so a conditional request gets 304 until the content
  really changes, whichever worker answers (the views in ``schedules.views.public`` hand it to
  Django's ``condition()``).

A request for a cached page therefore costs little more than the middleware every Django view
pays for: about the same as a view that returns a constant (see ``bench/public.py``).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

PAGE_TTL = 300  # seconds a rendered page is kept even when the stamp has not changed
# The stamp: the file var/cache/public-stamp-<database name>, read by every worker.
PUBLIC_STAMP_KEY = "public-stamp"
DAY = 86400


# --- The stamp --------------------------------------------------------------------------------

_stamp_paths: dict[str, str] = {}


def stamp_path() -> str:
    """The stamp file of the database in use: ``var/cache/public-stamp-<database name>``."""
    name = str(settings.DATABASES["default"]["NAME"])
    path = _stamp_paths.get(name)
    if path is None:
        safe = re.sub(r"[^\w.-]", "_", name)
        path = str(Path(settings.VAR_DIR) / "cache" / f"{PUBLIC_STAMP_KEY}-{safe}")
        _stamp_paths[name] = path
    return path


def new_stamp() -> None:
    """Make every cached public page stale, in every process (see the module docstring).

    The new token goes to a temporary file that then replaces the stamp: a reader sees the old
    token or the new one, never a half-written file.
    """
    path = Path(stamp_path())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".public-stamp-")
    except OSError:
        # The change itself is committed: say so loudly, and let PAGE_TTL catch up.
        logger.exception("Cannot write %s: public pages stay stale for %s s", path, PAGE_TTL)
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(uuid.uuid4().hex.encode())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def public_data_changed(sender, **kwargs) -> None:
    """Signal receiver for saves and deletions of what the public pages show (leaders, places,
    confirmed years, calendar corrections, duties edited in the admin): new stamp on commit."""
    transaction.on_commit(new_stamp)


def current_stamp() -> bytes:
    """The token of the last change (empty before the first one): one small file read."""
    try:
        handle = os.open(stamp_path(), os.O_RDONLY)
    except FileNotFoundError:
        return b""
    try:
        return os.read(handle, 64)
    finally:
        os.close(handle)


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
        self._stamp: bytes | object = object()
        self._pages: dict[tuple, CachedPage] = {}

    def get(self, stamp: bytes, key: tuple) -> CachedPage | None:
        if stamp != self._stamp:
            return None
        page = self._pages.get(key)
        if page is None or page.expires < time.monotonic():
            return None
        return page

    def put(self, stamp: bytes, key: tuple, body: bytes) -> CachedPage:
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

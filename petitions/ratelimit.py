"""The case lookup's attempt limit: ``LOOKUP_ATTEMPTS_PER_HOUR`` lookups (10) per address and
hour, right or wrong, counted where every node sees the count.

With eight characters of a 32-letter alphabet, ten guesses an hour make guessing a query code
useless. The address is the one sign-in lock-outs count (``PROXY_COUNT`` proxies deep), so a
forged ``X-Forwarded-For`` header does not reset the count.

Each attempt is one atomic step, so attempts arriving at once on several nodes are all
counted: with Redis (``CACHE_URL``) an ``INCR`` that starts the hour's expiry with the first
attempt; otherwise an upsert on a small PostgreSQL table (``INSERT ... ON CONFLICT DO UPDATE
... RETURNING``) that starts a new hour when the last one is over. (Django's DatabaseCache
reads and then writes in ``incr``: two nodes could both count 5 -> 6.) If Redis is down the
attempt is counted in PostgreSQL: a lookup never fails because the counter is away.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django_redis import get_redis_connection
from redis import RedisError

from petitions.access import client_ip

logger = logging.getLogger(__name__)

ATTEMPTS_WINDOW_SECONDS = 3600
ATTEMPTS_KEY_PREFIX = "petitions:lookup:attempts"
TABLE = "petitions_lookup_attempts"  # petitions/migrations/0005_lookup_attempts.py

# KEYS[1]: the counter; ARGV[1]: the window. The first attempt of a window sets its expiry.
REDIS_COUNT = """
local attempts = redis.call('INCR', KEYS[1])
if attempts == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return attempts
"""

# The window's start and its attempts are updated from the old row (both SET expressions
# see it), so a stale window restarts at 1 in the same statement.
UPSERT = f"""
INSERT INTO {TABLE} AS a (key, window_start, attempts) VALUES (%(key)s, %(now)s, 1)
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN a.window_start > %(since)s THEN a.attempts + 1 ELSE 1 END,
    window_start = CASE WHEN a.window_start > %(since)s THEN a.window_start ELSE %(now)s END
RETURNING attempts
"""


def attempts_per_hour() -> int:
    return settings.LOOKUP_ATTEMPTS_PER_HOUR


def client_address(request: HttpRequest) -> str:
    """The address that attempts are counted against (the same one sign-in lockouts use)."""
    return client_ip(request) or request.META.get("REMOTE_ADDR") or "unknown"


def count_attempt(request: HttpRequest, scope: str = "") -> bool:
    """Count one lookup from this address; False once it has used up this hour's attempts.
    A ``scope`` ("booking", "booking-lookup") counts another form's attempts apart."""
    # Per database: one Redis may serve several installs (or test runs).
    prefix = f"{ATTEMPTS_KEY_PREFIX}:{scope}" if scope else ATTEMPTS_KEY_PREFIX
    key = f"{prefix}:{connection.settings_dict['NAME']}:{client_address(request)}"
    return _counted(key[:255]) <= attempts_per_hour()


def _counted(key: str) -> int:
    """The attempts made under ``key`` in its current window, this one included."""
    if settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        try:
            redis = get_redis_connection("default")
            return int(redis.eval(REDIS_COUNT, 1, key, ATTEMPTS_WINDOW_SECONDS))
        except RedisError:
            logger.warning("Redis is unreachable: lookup attempts are counted in PostgreSQL")
    return _counted_in_postgresql(key)


def _counted_in_postgresql(key: str) -> int:
    now = timezone.now()
    since = now - datetime.timedelta(seconds=ATTEMPTS_WINDOW_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, {"key": key, "now": now, "since": since})
        (attempts,) = cursor.fetchone()
        if attempts == 1:  # a new window: the table keeps only windows still running
            cursor.execute(f"DELETE FROM {TABLE} WHERE window_start <= %s", [since])
    return attempts

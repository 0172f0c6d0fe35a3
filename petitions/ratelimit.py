"""The case lookup's attempt limit: ``LOOKUP_ATTEMPTS_PER_HOUR`` lookups (10) per address and
hour, right or wrong, counted in the cache.

With eight characters of a 32-letter alphabet, ten guesses an hour make guessing a query code
useless. The address is the one sign-in lock-outs count (``PROXY_COUNT`` proxies deep), so a
forged ``X-Forwarded-For`` header does not reset the count.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from petitions.access import client_ip

ATTEMPTS_WINDOW_SECONDS = 3600
ATTEMPTS_KEY_PREFIX = "petitions:lookup:attempts"


def attempts_per_hour() -> int:
    return settings.LOOKUP_ATTEMPTS_PER_HOUR


def client_address(request: HttpRequest) -> str:
    """The address that attempts are counted against (the same one sign-in lockouts use)."""
    return client_ip(request) or request.META.get("REMOTE_ADDR") or "unknown"


def count_attempt(request: HttpRequest) -> bool:
    """Count one lookup from this address; False once it has used up this hour's attempts."""
    key = f"{ATTEMPTS_KEY_PREFIX}:{client_address(request)}"
    cache.add(key, 0, ATTEMPTS_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window ran out between add() and incr()
        cache.set(key, 1, ATTEMPTS_WINDOW_SECONDS)
        attempts = 1
    return attempts <= attempts_per_hour()

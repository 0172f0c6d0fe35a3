"""Redis for the tests that run on it too: ``TEST_REDIS_URL`` (default database 15 of the local
server). Unreachable, those tests skip; with ``REQUIRE_REDIS_TESTS=1`` (CI) they fail."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    """The Redis URL, or a skip (a failure in CI) when nothing answers there."""
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return REDIS_URL
    except OSError:
        message = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("REQUIRE_REDIS_TESTS"):
            pytest.fail(message)
        pytest.skip(message)

"""Where the shared cache lives (``config/settings.py``, CACHES): PostgreSQL, with its table
made by ``migrate``, or Redis when ``CACHE_URL`` is set; a malformed URL stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.settings import redis_cache


@pytest.mark.django_db
def test_without_a_cache_url_the_cache_is_a_table_that_migrate_made():
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()


def test_a_redis_url_gives_the_redis_cache():
    cache = redis_cache("CACHE_URL", "redis://:secret@cache.internal:6380/2")
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://:secret@cache.internal:6380/2"


@pytest.mark.parametrize(
    "url",
    [
        "cache.internal:6379",
        "memcached://cache.internal:11211",
        "redis://",
        "redis://cache.internal:port/0",
        "redis://cache.internal:6379/zero",
        "redis://cache.internal:99999/0",
    ],
)
def test_a_malformed_cache_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL is not a Redis URL"):
        redis_cache("CACHE_URL", url)


def test_a_malformed_cache_url_stops_start_up_without_showing_its_password():
    env = {**os.environ, "CACHE_URL": "redis://:hunter2secret@cache.internal:port/0"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "CACHE_URL is not a Redis URL" in started.stderr
    assert "hunter2secret" not in started.stderr

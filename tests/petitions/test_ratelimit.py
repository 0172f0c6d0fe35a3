"""The lookup attempt counter (``petitions/ratelimit.py``): atomic on every backend, an hour's
window, and never in the way of a lookup when Redis is down. The limit as a petitioner meets
it is in ``test_lookup.py``, across two nodes in ``tests/test_nodes.py``."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone
from django_redis import get_redis_connection

from config.settings import redis_cache
from petitions import ratelimit
from tests.shared_cache import require_redis


@pytest.fixture
def key() -> str:
    return f"test-attempts:{uuid.uuid4().hex}"


@pytest.fixture(params=["postgresql", "redis"])
def backend(request, settings, key):
    if request.param != "redis":
        yield request.param
        return
    settings.CACHES = {**settings.CACHES, "default": redis_cache("CACHE_URL", require_redis())}
    yield request.param
    get_redis_connection("default").delete(key)


def count_in_parallel(key: str, times: int) -> list[int]:
    """``times`` attempts counted at the same moment, each in its own thread and connection."""
    results: list[int] = []
    start = threading.Barrier(times)

    def attempt() -> None:
        start.wait()
        try:
            results.append(ratelimit._counted(key))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_attempts_made_at_the_same_moment_are_all_counted(backend, key):
    assert sorted(count_in_parallel(key, 20)) == list(range(1, 21))


@pytest.mark.django_db
def test_attempts_count_up_within_the_hour(key):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert ratelimit._counted(key) == 1
        traveller.shift(datetime.timedelta(minutes=59))
        assert ratelimit._counted(key) == 2


@pytest.mark.django_db
def test_a_new_hour_starts_the_count_again(key):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(11):
            ratelimit._counted(key)
        traveller.shift(datetime.timedelta(minutes=61))
        assert ratelimit._counted(key) == 1


@pytest.mark.django_db
def test_counters_of_ended_hours_are_deleted(key):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ratelimit._counted(f"{key}:old")
        traveller.shift(datetime.timedelta(minutes=61))
        ratelimit._counted(f"{key}:new")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {ratelimit.TABLE} WHERE key LIKE %s", [f"{key}%"])
        assert [row[0] for row in cursor.fetchall()] == [f"{key}:new"]


@pytest.mark.django_db
def test_with_redis_down_attempts_are_counted_in_postgresql(settings, key):
    down = redis_cache("CACHE_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    settings.CACHES = {**settings.CACHES, "default": down}
    assert [ratelimit._counted(key) for _ in range(3)] == [1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT attempts FROM {ratelimit.TABLE} WHERE key = %s", [key])
        assert cursor.fetchone() == (3,)

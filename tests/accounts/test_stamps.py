"""Shared change stamps (``accounts/stamps.py``): one cache read per process and half second,
a change seen by every process within that time, and by its own process at once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import DatabaseError

from accounts import stamps
from accounts.stamps import SharedStamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The stamps' clock, moved by hand: ``clock.now += 0.4``."""
    fake = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(stamps, "time", SimpleNamespace(monotonic=lambda: fake.now))
    return fake


@pytest.fixture
def stamp() -> SharedStamp:
    return SharedStamp("test-stamp")


def renewed_by_another_process(stamp: SharedStamp) -> None:
    """What ``renew`` does in another process: only the shared cache changes."""
    cache.set(stamp.key(), "token-of-another-process", None)


def test_the_stamp_is_read_from_the_cache_once_per_lifetime(
    stamp, clock, django_assert_num_queries
):
    with django_assert_num_queries(1):
        stamp.current()
        clock.now += stamps.LIFETIME * 0.9
        stamp.current()
    clock.now += stamps.LIFETIME * 0.2
    with django_assert_num_queries(1):
        stamp.current()


def test_a_change_in_another_process_is_seen_once_the_lifetime_has_passed(stamp, clock):
    before = stamp.current()
    renewed_by_another_process(stamp)
    clock.now += stamps.LIFETIME * 0.9
    assert stamp.current() == before
    clock.now += stamps.LIFETIME * 0.1
    assert stamp.current() == "token-of-another-process"


def test_the_renewing_process_sees_its_change_at_once(stamp, clock):
    before = stamp.current()
    stamp.renew()
    assert stamp.current() != before


def test_a_renewal_is_stored_where_every_node_reads_it(stamp):
    stamp.renew()
    assert cache.get(stamp.key()) == stamp.current()


def test_a_stamp_the_cache_lost_reads_as_a_change(stamp, clock):
    stamp.renew()
    before = stamp.current()
    cache.delete(stamp.key())
    clock.now += stamps.LIFETIME
    assert stamp.current() != before


def test_a_cache_that_cannot_be_written_does_not_fail_the_committed_change(
    stamp, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise DatabaseError("the cache table is gone")

    monkeypatch.setattr(stamps.cache, "set", broken)
    before = stamp.current()
    stamp.renew()  # no exception: the change itself is saved
    assert stamp.current() != before  # this process still sees it
    assert "Cannot renew the test-stamp stamp" in caplog.text


def test_stamps_are_kept_apart_per_database(stamp, settings):
    assert stamp.key().endswith(":test-stamp")
    assert settings.DATABASES["default"]["NAME"] in stamp.key()


def test_a_cache_server_that_cannot_be_read_leaves_the_page_served(stamp, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("the Redis server is down")

    monkeypatch.setattr(stamps.cache, "get", down)
    assert stamp.current() == ""  # read as "no change known", not an error
    assert "Cannot read the test-stamp stamp" in caplog.text


def test_a_cache_server_that_cannot_be_written_loses_no_change(stamp, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("the Redis server is down")

    monkeypatch.setattr(stamps.cache, "set", down)
    stamp.renew()  # once committed, the change must not turn into an error page
    assert "Cannot renew the test-stamp stamp" in caplog.text

"""The public page's booking links: each upcoming reception day open for appointments shows
"Book" with its places left, and a change of places shows at once despite the page cache."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from schedules import public_cache
from schedules.appointment_days import open_for_appointments
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty
from tests.factories import at, make_duty, make_leader

BOOKING_DAY = datetime.date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _before_the_day(client):
    client.cookies["django_language"] = "en"
    public_cache.MEMO.clear()
    with time_machine.travel(at(2025, 3, 3), tick=False):
        yield
    public_cache.MEMO.clear()


@pytest.fixture
def duty(db) -> Duty:
    return make_duty(make_leader(), BOOKING_DAY)


def _opened(duty: Duty, places: int, django_capture_on_commit_callbacks) -> AppointmentDay:
    with django_capture_on_commit_callbacks(execute=True):
        return open_for_appointments(duty, places=places, slots=[], version=None)


def test_a_day_open_for_appointments_shows_book_and_places_left(
    client, duty, django_capture_on_commit_callbacks
):
    _opened(duty, 12, django_capture_on_commit_callbacks)
    page = client.get("/").content.decode()
    assert f'href="/appointments/day/{duty.pk}/"' in page
    assert "12 places left" in page


def test_a_day_not_opened_has_no_booking_link(client, duty):
    page = client.get("/").content.decode()
    assert "/appointments/day/" not in page


def test_a_full_day_says_so(client, duty, django_capture_on_commit_callbacks):
    day = _opened(duty, 1, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        AppointmentDay.objects.filter(pk=day.pk).update(taken=1)
        public_cache.new_stamp()
    page = client.get("/").content.decode()
    assert "Fully booked" in page
    assert f'href="/appointments/day/{duty.pk}/"' not in page


def test_the_link_is_gone_once_bookings_close(client, duty, django_capture_on_commit_callbacks):
    _opened(duty, 12, django_capture_on_commit_callbacks)
    with time_machine.travel(at(2025, 3, 11), tick=False):
        public_cache.MEMO.clear()
        page = client.get("/").content.decode()
    assert "/appointments/day/" not in page


def test_new_places_show_on_the_cached_page_at_once(
    client, duty, django_capture_on_commit_callbacks
):
    day = _opened(duty, 12, django_capture_on_commit_callbacks)
    assert "12 places left" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        open_for_appointments(duty, places=20, slots=[], version=day.version)
    assert "20 places left" in client.get("/").content.decode()


def test_the_page_stays_one_copy_for_everybody(client, duty, django_capture_on_commit_callbacks):
    _opened(duty, 12, django_capture_on_commit_callbacks)
    page = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page

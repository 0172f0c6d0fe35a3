"""A reception day with bookings cancelled or moved by the office (``schedules.changes``): the
bookings follow the day (``petitions/appointment_changes.py``) and every citizen is told by
text; from the citizen's side (texts, their booking page) and the office's (the roster forms,
the day's bookings)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Message
from petitions import appointments
from petitions.models import Appointment
from petitions.models_appointments import AppointmentState
from schedules import changes
from schedules.appointment_days import open_for_appointments
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty
from tests.factories import at, make_contact, make_duty

D = datetime.date
BOOKING_DAY = D(2025, 3, 12)  # a Wednesday
TODAY = D(2025, 3, 3)
PHONES = ["+8613800138000", "+8613900139000", "+8613700137000"]


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.LANGUAGE_CODE = "en"
    settings.PUBLIC_SITE_URL = "https://xinfang.example.gov.cn"
    settings.SITE_URL = "http://intranet.example"


@pytest.fixture(autouse=True)
def _before_the_day():
    with time_machine.travel(at(2025, 3, 3), tick=False):
        yield


@pytest.fixture
def duty(leader):
    duty = make_duty(leader, BOOKING_DAY)
    open_for_appointments(duty, places=5, slots=["09:00-10:00", "10:00-11:00"], version=None)
    return duty


def book(duty: Duty, phone: str) -> Appointment:
    return appointments.book(
        duty,
        today=TODAY,
        name="张建国",
        phone=phone,
        district="shuangta",
        location="双塔区凌河街道",
        matter="工地夜间施工噪音扰民。",
        category="1",
        slot="09:00-10:00",
        people_count=1,
        representatives="",
        petitioned_before=False,
        earlier_case_number="",
    )


@pytest.fixture
def bookings(duty, clerk) -> dict[str, Appointment]:
    """One waiting, one confirmed and one the citizen cancelled; no text queued yet."""
    waiting = book(duty, PHONES[0])
    confirmed = appointments.confirm(book(duty, PHONES[1]), by=clerk)
    cancelled = appointments.cancel(book(duty, PHONES[2]), today=TODAY)
    Message.objects.all().delete()
    return {"waiting": waiting, "confirmed": confirmed, "cancelled": cancelled}


def fresh(booking: Appointment) -> Appointment:
    return Appointment.objects.get(pk=booking.pk)


def current(duty: Duty) -> Duty:
    return Duty.objects.get(pk=duty.pk)


# --- Cancelled --------------------------------------------------------------------------------


def test_a_cancelled_day_declines_its_waiting_and_confirmed_bookings(duty, bookings):
    changes.cancel_duty(current(duty), version=current(duty).version, reason="全市防汛会议")

    for name in ("waiting", "confirmed"):
        booking = fresh(bookings[name])
        assert booking.state == AppointmentState.DECLINED
        assert booking.decline_reason == "The reception day was cancelled."
    assert fresh(bookings["cancelled"]).state == AppointmentState.CANCELLED
    assert AppointmentDay.objects.get(duty=duty).taken == 0


def test_each_citizen_of_a_cancelled_day_is_told_by_text(duty, bookings, run_jobs, text_messages):
    changes.cancel_duty(current(duty), version=current(duty).version, reason="全市防汛会议")
    run_jobs()

    assert sorted(t.phone for t in text_messages) == sorted(PHONES[:2])
    for text in text_messages:
        assert "on 12 March 2025 is cancelled, and your appointment with it" in text.text
        assert "全市防汛会议" not in text.text  # the reason is the office's
    texts = Message.objects.filter(channel=Message.Channel.SMS)
    topics = set(texts.values_list("topic", flat=True))
    assert topics == {bookings["waiting"].topic, bookings["confirmed"].topic}


def test_a_replacement_day_takes_the_places_and_the_text_links_its_booking_page(
    duty, bookings, run_jobs, text_messages
):
    changes.cancel_duty(
        current(duty), version=current(duty).version, reason="会议", date=D(2025, 3, 17)
    )
    replacement = Duty.objects.get(replaces=duty)
    day = AppointmentDay.objects.get(duty=replacement)
    run_jobs()

    assert (day.places, day.slots, day.taken) == (5, ["09:00-10:00", "10:00-11:00"], 0)
    link = f"https://xinfang.example.gov.cn/appointments/day/{replacement.pk}/"
    assert all("receives on 17 March 2025 instead" in t.text for t in text_messages)
    assert all(link in t.text for t in text_messages)


def test_a_refused_cancellation_changes_no_booking_and_texts_nobody(duty, bookings):
    with pytest.raises(ValidationError):
        changes.cancel_duty(current(duty), version=current(duty).version, reason="")

    assert fresh(bookings["confirmed"]).state == AppointmentState.CONFIRMED
    assert not Message.objects.filter(channel=Message.Channel.SMS).exists()


def test_the_citizen_sees_the_declined_booking_with_the_reason(client, duty, bookings):
    changes.cancel_duty(current(duty), version=current(duty).version, reason="会议")

    booking = bookings["confirmed"]
    response = client.post(
        "/appointments/mine/", {"phone": "13900139000", "code": booking.code}, follow=True
    )
    page = response.content.decode()
    assert "Declined" in page
    assert "The reception day was cancelled." in page


def test_the_administrators_cancellation_shows_on_the_offices_booking_page(
    client_of, administrator, clerk, duty, bookings
):
    data = {"version": current(duty).version, "reason": "全市防汛会议", "date": ""}
    response = client_of(administrator).post(reverse("schedules:duty_cancel", args=[duty.pk]), data)
    assert response.status_code == 302

    assert fresh(bookings["waiting"]).state == AppointmentState.DECLINED
    assert fresh(bookings["waiting"]).decided_by == administrator
    assert Message.objects.filter(about="appointment day-cancelled").count() == 2


# --- Moved ------------------------------------------------------------------------------------


def test_a_moved_day_keeps_its_bookings_waiting_for_the_office(duty, bookings):
    changes.change_duty(
        current(duty), version=current(duty).version, reason="会议", date=D(2025, 3, 14)
    )

    assert fresh(bookings["waiting"]).state == AppointmentState.REQUESTED
    confirmed = fresh(bookings["confirmed"])
    assert confirmed.state == AppointmentState.REQUESTED
    assert confirmed.decided_at is None
    assert fresh(bookings["cancelled"]).state == AppointmentState.CANCELLED
    assert AppointmentDay.objects.get(duty=duty).taken == 2


def test_each_citizen_of_a_moved_day_is_told_the_new_date(duty, bookings, run_jobs, text_messages):
    changes.change_duty(
        current(duty), version=current(duty).version, reason="会议", date=D(2025, 3, 14)
    )
    run_jobs()

    assert sorted(t.phone for t in text_messages) == sorted(PHONES[:2])
    for text in text_messages:
        assert "has moved from 12 March 2025 to 14 March 2025" in text.text
        assert "https://xinfang.example.gov.cn/appointments/mine/" in text.text


def test_the_office_confirms_again_and_the_citizen_is_told_the_new_date(
    duty, bookings, clerk, run_jobs, text_messages
):
    changes.change_duty(
        current(duty), version=current(duty).version, reason="会议", date=D(2025, 3, 14)
    )
    appointments.confirm(fresh(bookings["confirmed"]), by=clerk)
    run_jobs()

    mine = [t.text for t in text_messages if t.phone == PHONES[1]]
    assert len(mine) == 2
    assert "on 14 March 2025" in mine[1] and "is confirmed" in mine[1]


def test_another_change_of_the_day_leaves_the_bookings_alone(duty, bookings):
    changes.change_duty(current(duty), version=current(duty).version, contact=make_contact())

    assert fresh(bookings["confirmed"]).state == AppointmentState.CONFIRMED
    assert not Message.objects.filter(channel=Message.Channel.SMS).exists()


def test_a_day_moved_to_the_rules_date_tells_its_citizens(leader, clerk, run_jobs, text_messages):
    off_rule = make_duty(leader, D(2025, 3, 13))
    open_for_appointments(off_rule, places=2, slots=[], version=None)
    booking = appointments.book(
        off_rule,
        today=TODAY,
        name="李四",
        phone=PHONES[0],
        district="shuangta",
        location="双塔区",
        matter="噪音。",
        category="1",
        slot="",
        people_count=1,
        representatives="",
        petitioned_before=False,
        earlier_case_number="",
    )

    moved = changes.follow_rule(2025, reason="按规则")
    run_jobs()

    assert [m.duty.pk for m in moved] == [off_rule.pk]
    assert fresh(booking).state == AppointmentState.REQUESTED
    assert "has moved from 13 March 2025 to 12 March 2025" in text_messages[0].text


# --- The public address -----------------------------------------------------------------------


def test_booking_texts_link_the_public_address(duty, clerk, run_jobs, text_messages):
    appointments.confirm(book(duty, PHONES[0]), by=clerk)
    run_jobs()

    assert "https://xinfang.example.gov.cn/appointments/mine/" in text_messages[0].text
    assert "intranet" not in text_messages[0].text


def test_the_day_texts_are_in_chinese_by_default(duty, bookings, settings, run_jobs, text_messages):
    settings.LANGUAGE_CODE = "zh-hans"
    changes.cancel_duty(current(duty), version=current(duty).version, reason="会议")
    run_jobs()

    assert all("接访日已取消，您的预约随之取消" in t.text for t in text_messages)
    assert fresh(bookings["waiting"]).decline_reason == "该接访日已取消。"

"""Appointments for a reception day, from the citizen's side: booking on the public page,
seeing and cancelling with phone and code, the limits (places, closing, one per phone), and
the text messages they receive."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Message
from petitions import appointments
from petitions.models import Appointment, ReferralReason, SubmissionCount
from petitions.models_appointments import AppointmentState
from schedules.appointment_days import open_for_appointments
from schedules.appointment_models import AppointmentDay
from tests.factories import at, make_duty

BOOKING_DAY = datetime.date(2025, 3, 12)  # a Wednesday; bookings close on Tuesday the 11th
PHONE = "13800138000"
E164 = "+8613800138000"


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    monkeypatch.setattr("petitions.ratelimit.ATTEMPTS_KEY_PREFIX", f"test-{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.LANGUAGE_CODE = "en"  # the texts are written in the office's language


@pytest.fixture(autouse=True)
def _before_the_day():
    with time_machine.travel(at(2025, 3, 3), tick=False):
        yield


@pytest.fixture
def duty(leader):
    duty = make_duty(leader, BOOKING_DAY)
    open_for_appointments(duty, places=2, slots=["09:00-10:00", "10:00-11:00"], version=None)
    return duty


def code_of(error: ValidationError) -> str:
    """The code of a refusal, whether or not it names a field."""
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code


def form(**overrides) -> dict:
    data = {
        "name": "张建国",
        "phone": PHONE,
        "district": "shuangta",
        "location": "双塔区凌河街道",
        "matter": "工地夜间施工噪音扰民。\n已持续两周。",
        "category": "1",
        "slot": "09:00-10:00",
        "people_count": "1",
        "representatives": "",
        "earlier_case_number": "",
    }
    data.update(overrides)
    return data


BOOKING = {
    "name": "张建国",
    "district": "shuangta",
    "location": "双塔区凌河街道",
    "matter": "工地夜间施工噪音扰民。",
    "category": "1",
    "people_count": 1,
    "representatives": "",
    "petitioned_before": False,
    "earlier_case_number": "",
}


def book(duty, **overrides) -> Appointment:
    fields = {
        "name": "张建国",
        "phone": E164,
        "district": "shuangta",
        "location": "双塔区凌河街道",
        "matter": "工地夜间施工噪音扰民。",
        "category": "1",
        "slot": "09:00-10:00",
        "people_count": 1,
        "representatives": "",
        "petitioned_before": False,
        "earlier_case_number": "",
        **overrides,
    }
    return appointments.book(duty, today=datetime.date(2025, 3, 3), **fields)


# --- Booking on the public page ---------------------------------------------------------------


def test_the_booking_form_shows_the_places_left(client, duty):
    response = client.get(f"/appointments/day/{duty.pk}/")
    assert response.status_code == 200
    assert "2 places left." in response.content.decode()


def test_a_citizen_books_and_sees_the_code(client, duty):
    response = client.post(f"/appointments/day/{duty.pk}/", form(), follow=True)
    booking = Appointment.objects.get()
    assert booking.code in response.content.decode()
    assert booking.state == AppointmentState.REQUESTED
    assert booking.phone == E164
    assert booking.slot == "09:00-10:00"


def test_the_name_and_phone_are_stored_encrypted(duty):
    from django.db import connection

    book(duty)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM petitions_appointment")
        name, phone = cursor.fetchone()
    assert "张建国" not in name and "13800138000" not in phone


def test_a_booking_takes_a_place(duty):
    book(duty)
    assert AppointmentDay.objects.get(duty=duty).taken == 1


def test_a_landline_is_refused_next_to_the_field(client, duty):
    response = client.post(f"/appointments/day/{duty.pk}/", form(phone="0421-2828888"))
    assert "Enter a mobile phone number" in response.content.decode()
    assert not Appointment.objects.exists()


def test_six_people_must_name_representatives(client, duty):
    response = client.post(f"/appointments/day/{duty.pk}/", form(people_count="6"))
    assert "name at most five representatives" in response.content.decode()
    assert not Appointment.objects.exists()


def test_more_than_five_representatives_are_refused(client, duty):
    names = "甲、乙、丙、丁、戊、己"
    response = client.post(
        f"/appointments/day/{duty.pk}/", form(people_count="8", representatives=names)
    )
    assert "Name at most 5 representatives; 6 were given." in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("field", ["name", "location", "matter"])
def test_a_null_character_is_refused_next_to_its_field(client, duty, field):
    response = client.post(f"/appointments/day/{duty.pk}/", form(**{field: "工地\x00噪音"}))
    assert response.context["form"].errors[field] == ["Null characters are not allowed."]
    assert not Appointment.objects.exists()


def test_a_slot_outside_the_days_slots_is_refused(client, duty):
    response = client.post(f"/appointments/day/{duty.pk}/", form(slot="13:00-14:00"))
    assert response.status_code == 200
    assert not Appointment.objects.exists()


def test_a_matter_of_another_kind_is_answered_with_where_to_go(client, duty):
    ReferralReason.objects.create(
        title="涉法涉诉", destination="court", notice_text="请向人民法院提出。"
    )
    response = client.post(f"/appointments/day/{duty.pk}/", form(category="0"))
    page = response.content.decode()
    assert "no appointment was booked" in page
    assert "请向人民法院提出。" in page
    assert not Appointment.objects.exists()


def test_the_same_phone_books_a_day_once(duty):
    book(duty)
    with pytest.raises(ValidationError) as refused:
        book(duty, slot="10:00-11:00")
    assert code_of(refused.value) == "already_booked"
    assert Appointment.objects.count() == 1


NOT_TAKEN = (
    "We could not take this booking. If you have booked this day already, find your booking "
    "with its booking code; otherwise call the petition office."
)


def test_a_stranger_typing_a_booked_phone_learns_nothing_of_its_booking(client, duty):
    book(duty)
    response = client.post(f"/appointments/day/{duty.pk}/", form(name="某人", matter="随便"))
    page = response.content.decode()
    assert response.context["form"].errors == {"__all__": [NOT_TAKEN]}
    assert "already has an appointment" not in page
    assert Appointment.objects.count() == 1


@pytest.fixture
def big_day(leader):
    duty = make_duty(leader, datetime.date(2025, 3, 13))
    open_for_appointments(duty, places=10, slots=[], version=None)
    return duty


def test_one_address_books_at_most_the_day_s_limit(client, big_day, settings):
    settings.APPOINTMENTS_PER_ADDRESS = 2
    url = f"/appointments/day/{big_day.pk}/"
    for n in range(2):
        client.post(url, form(phone=f"1390013900{n}", slot=""), REMOTE_ADDR="203.0.113.7")
    response = client.post(url, form(phone="13900139009", slot=""), REMOTE_ADDR="203.0.113.7")
    assert response.context["form"].errors == {"__all__": [NOT_TAKEN]}
    assert Appointment.objects.count() == 2
    assert AppointmentDay.objects.get(duty=big_day).taken == 2
    other = client.post(url, form(phone="13900139009", slot=""), REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302
    assert Appointment.objects.count() == 3


def test_a_refused_booking_does_not_use_up_the_address_s_limit(big_day, settings):
    settings.APPOINTMENTS_PER_ADDRESS = 1
    book(big_day, slot="")
    with pytest.raises(ValidationError):
        appointments.book(
            big_day,
            today=datetime.date(2025, 3, 3),
            address="203.0.113.7",
            **{**BOOKING, "phone": E164, "slot": ""},
        )
    appointments.book(
        big_day,
        today=datetime.date(2025, 3, 3),
        address="203.0.113.7",
        **{**BOOKING, "phone": "+8613900139000", "slot": ""},
    )
    assert Appointment.objects.count() == 2


def test_the_address_count_keeps_no_address(client, big_day):
    client.post(f"/appointments/day/{big_day.pk}/", form(slot=""), REMOTE_ADDR="203.0.113.7")
    keys = list(SubmissionCount.objects.values_list("key", "submissions"))
    assert len(keys) == 1 and keys[0][1] == 1
    assert "203.0.113.7" not in keys[0][0]


def test_the_last_place_goes_once(duty):
    book(duty)
    book(duty, phone="+8613900139000")
    with pytest.raises(ValidationError) as refused:
        book(duty, phone="+8613700137000")
    assert code_of(refused.value) == "full"
    assert AppointmentDay.objects.get(duty=duty).taken == 2


def test_a_full_day_says_so_on_its_form(client, duty):
    book(duty)
    book(duty, phone="+8613900139000")
    response = client.get(f"/appointments/day/{duty.pk}/")
    assert "All places on this reception day are booked." in response.content.decode()


def test_bookings_close_the_working_day_before(client, duty):
    with time_machine.travel(at(2025, 3, 11), tick=False):
        response = client.post(f"/appointments/day/{duty.pk}/", form())
    assert "takes no appointments" in response.content.decode()
    assert not Appointment.objects.exists()


def test_bookings_are_still_taken_two_working_days_before(client, duty):
    with time_machine.travel(at(2025, 3, 10), tick=False):
        client.post(f"/appointments/day/{duty.pk}/", form())
    assert Appointment.objects.count() == 1


def test_a_day_not_opened_takes_no_bookings(client, leader):
    duty = make_duty(leader, BOOKING_DAY)
    client.post(f"/appointments/day/{duty.pk}/", form())
    assert not Appointment.objects.exists()


def test_a_visit_day_has_no_booking_form(client, leader):
    duty = make_duty(leader, datetime.date(2025, 3, 17), kind="visit")
    assert client.get(f"/appointments/day/{duty.pk}/").status_code == 404


def test_a_draft_day_has_no_booking_form(client, leader):
    duty = make_duty(leader, BOOKING_DAY, state="draft")
    assert client.get(f"/appointments/day/{duty.pk}/").status_code == 404


def test_bookings_from_one_address_are_limited(client, duty, settings):
    settings.LOOKUP_ATTEMPTS_PER_HOUR = 1
    client.post(f"/appointments/day/{duty.pk}/", form())
    response = client.post(f"/appointments/day/{duty.pk}/", form(phone="13900139000"))
    assert response.status_code == 429
    assert Appointment.objects.count() == 1


# --- Seeing and cancelling --------------------------------------------------------------------


def test_phone_and_code_find_the_booking_on_another_device(client, duty):
    booking = book(duty)
    response = client.post(
        "/appointments/mine/", {"phone": PHONE, "code": booking.code.lower()}, follow=True
    )
    assert "Waiting for the office" in response.content.decode()


def test_a_wrong_code_finds_nothing_and_is_not_shown(client, duty):
    book(duty)
    response = client.post("/appointments/mine/", {"phone": PHONE, "code": "WRONG234"})
    page = response.content.decode()
    assert "No appointment matches" in page
    assert "WRONG234" not in page


def test_another_phone_with_the_right_code_finds_nothing(client, duty):
    booking = book(duty)
    response = client.post("/appointments/mine/", {"phone": "13900139000", "code": booking.code})
    assert "No appointment matches" in response.content.decode()


def test_the_citizen_cancels_frees_the_place_and_is_told(client, duty, run_jobs, text_messages):
    client.post(f"/appointments/day/{duty.pk}/", form())
    response = client.post("/appointments/mine/cancel/", follow=True)
    assert "Your appointment is cancelled" in response.content.decode()
    booking = Appointment.objects.get()
    assert booking.state == AppointmentState.CANCELLED
    assert AppointmentDay.objects.get(duty=duty).taken == 0
    run_jobs()
    assert [t.phone for t in text_messages] == [E164]
    assert "is cancelled, as you asked" in text_messages[0].text
    assert booking.code in text_messages[0].text


def test_a_cancelled_booking_frees_the_phone_for_a_new_one(duty):
    first = book(duty)
    appointments.cancel(first, today=datetime.date(2025, 3, 3))
    assert book(duty).pk != first.pk


def test_nothing_is_cancelled_on_the_day(duty):
    booking = book(duty)
    with pytest.raises(ValidationError):
        appointments.cancel(booking, today=BOOKING_DAY)


def test_cancelling_without_a_booking_on_this_device_does_nothing(client, duty):
    book(duty)
    client.post("/appointments/mine/cancel/")
    assert Appointment.objects.get().state == AppointmentState.REQUESTED


def test_forgetting_removes_the_booking_from_the_device(client, duty):
    client.post(f"/appointments/day/{duty.pk}/", form())
    client.post("/appointments/mine/forget/")
    response = client.get("/appointments/mine/")
    assert "Show my appointment" in response.content.decode()


def test_booking_pages_are_never_cached(client, duty):
    response = client.get(f"/appointments/day/{duty.pk}/")
    assert "no-cache" in response["Cache-Control"]


# --- The texts --------------------------------------------------------------------------------


def test_the_texts_are_tied_to_the_booking(duty, clerk):
    booking = appointments.confirm(book(duty), by=clerk)
    message = Message.objects.get()
    assert message.topic == f"booking:{booking.pk}"
    assert message.channel == Message.Channel.SMS


def test_the_texts_are_in_chinese_by_default(duty, clerk, settings, run_jobs, text_messages):
    settings.LANGUAGE_CODE = "zh-hans"
    appointments.confirm(book(duty), by=clerk)
    run_jobs()
    assert "已确认" in text_messages[0].text


def test_the_day_before_the_citizen_is_reminded_once(duty, clerk, run_jobs, text_messages):
    booking = appointments.confirm(book(duty), by=clerk)
    run_jobs()
    text_messages.clear()
    with time_machine.travel(at(2025, 3, 11, 9), tick=False):
        assert appointments.send_day_before_texts() == 1
        assert appointments.send_day_before_texts() == 0
        run_jobs()
    assert len(text_messages) == 1
    assert "Reminder: your appointment" in text_messages[0].text
    assert "09:00-10:00" in text_messages[0].text
    assert booking.code in text_messages[0].text


def test_a_waiting_booking_gets_no_reminder(duty):
    book(duty)
    with time_machine.travel(at(2025, 3, 11, 9), tick=False):
        assert appointments.send_day_before_texts() == 0


def test_a_reminder_due_in_the_quiet_hours_waits_until_eight(duty, clerk):
    from django.db import connection

    appointments.confirm(book(duty), by=clerk)
    with time_machine.travel(at(2025, 3, 11, 2), tick=False):
        appointments.send_day_before_texts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT scheduled_at FROM procrastinate_jobs ORDER BY id DESC LIMIT 1")
        (scheduled_at,) = cursor.fetchone()
    assert scheduled_at == at(2025, 3, 11, 8)


def test_a_booking_shows_on_the_public_page_at_once(
    client, duty, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    assert "2 places left" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        book(duty)
    assert "1 place left" in client.get("/").content.decode()

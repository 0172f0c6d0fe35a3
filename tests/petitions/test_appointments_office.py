"""Appointments from the office's side: a day's places, confirming and declining (the citizen is
told by text), the briefing, and the case a booking becomes on the day; and who may do it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Message
from petitions import appointments
from petitions.models import Appointment, Case, Channel, State
from petitions.models_appointments import AppointmentState
from schedules.appointment_days import open_for_appointments
from schedules.appointment_models import AppointmentDay
from tests.factories import at, make_duty, register

BOOKING_DAY = datetime.date(2025, 3, 12)
E164 = "+8613800138000"


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _before_the_day():
    with time_machine.travel(at(2025, 3, 3), tick=False):
        yield


@pytest.fixture
def duty(leader):
    duty = make_duty(leader, BOOKING_DAY)
    open_for_appointments(duty, places=3, slots=["09:00-10:00"], version=None)
    return duty


@pytest.fixture
def booking(duty) -> Appointment:
    return appointments.book(
        duty,
        today=datetime.date(2025, 3, 3),
        name="张建国",
        phone=E164,
        district="shuangta",
        location="双塔区凌河街道",
        matter="工地夜间施工噪音扰民。\n已持续两周。",
        category="1",
        slot="09:00-10:00",
        people_count=1,
        representatives="",
        petitioned_before=True,
        earlier_case_number="",
    )


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["unit_handler", "leader_user", "stranger"])
def test_only_the_office_sees_the_bookings(client_of, request, duty, who):
    client = client_of(request.getfixturevalue(who))
    assert client.get(f"/appointments/office/day/{duty.pk}/").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, duty):
    response = client.get(f"/appointments/office/day/{duty.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_office_sees_the_bookings_with_the_citizens_data(client_of, clerk, booking):
    page = client_of(clerk).get(f"/appointments/office/day/{booking.duty_id}/").content.decode()
    assert "张建国" in page and "工地夜间施工噪音扰民" in page


def test_a_unit_cannot_confirm(client_of, unit_handler, booking):
    response = client_of(unit_handler).post(
        f"/appointments/office/{booking.pk}/confirm/", {"version": booking.version}
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.state == AppointmentState.REQUESTED


def test_the_office_list_shows_waiting_bookings(client_of, clerk, booking):
    page = client_of(clerk).get("/appointments/office/").content.decode()
    assert "2025-03-12" in page and 'text-bg-warning">1<' in page


# --- Places -----------------------------------------------------------------------------------


def test_a_day_not_opened_yet_shows_its_empty_places_form(client_of, clerk, leader):
    duty = make_duty(leader, BOOKING_DAY)
    response = client_of(clerk).get(f"/appointments/office/day/{duty.pk}/")
    assert response.status_code == 200
    assert response.context["places_form"].initial == {"places": 0}
    assert "Save places" in response.content.decode()
    assert not AppointmentDay.objects.filter(duty=duty).exists()


def test_the_office_sets_places_and_slots(client_of, clerk, leader):
    duty = make_duty(leader, BOOKING_DAY)
    client_of(clerk).post(
        f"/appointments/office/day/{duty.pk}/places/",
        {"places": "5", "slots": "10:00-11:00\n09:00-10:00", "version": ""},
    )
    day = AppointmentDay.objects.get(duty=duty)
    assert (day.places, day.slots) == (5, ["09:00-10:00", "10:00-11:00"])


def test_a_malformed_slot_is_refused_next_to_the_field(client_of, clerk, duty):
    response = client_of(clerk).post(
        f"/appointments/office/day/{duty.pk}/places/",
        {"places": "5", "slots": "nine to ten", "version": "1"},
    )
    assert response.status_code == 400
    assert "is not a time slot" in response.content.decode()
    assert AppointmentDay.objects.get(duty=duty).places == 3


def test_places_never_fall_below_the_bookings(client_of, clerk, booking):
    day = AppointmentDay.objects.get(duty=booking.duty)
    response = client_of(clerk).post(
        f"/appointments/office/day/{booking.duty_id}/places/",
        {"places": "0", "slots": "", "version": str(day.version)},
    )
    assert "1 places are booked already" in response.content.decode()
    assert AppointmentDay.objects.get(pk=day.pk).places == 3


def test_a_stale_places_form_is_refused(client_of, clerk, duty):
    response = client_of(clerk).post(
        f"/appointments/office/day/{duty.pk}/places/",
        {"places": "9", "slots": "", "version": "0"},
    )
    assert response.status_code == 400
    assert AppointmentDay.objects.get(duty=duty).places == 3


def test_a_visit_day_takes_no_places(leader):
    visit = make_duty(leader, datetime.date(2025, 3, 17), kind="visit")
    with pytest.raises(ValidationError):
        open_for_appointments(visit, places=3, slots=[], version=None)


# --- Confirming and declining -----------------------------------------------------------------


def test_confirming_tells_the_citizen(client_of, clerk, booking, run_jobs, text_messages):
    client_of(clerk).post(
        f"/appointments/office/{booking.pk}/confirm/", {"version": booking.version}
    )
    booking.refresh_from_db()
    assert booking.state == AppointmentState.CONFIRMED
    assert booking.decided_by == clerk
    run_jobs()
    assert [t.phone for t in text_messages] == [E164]
    assert "is confirmed" in text_messages[0].text
    assert "09:00-10:00" in text_messages[0].text


def test_declining_needs_a_reason(client_of, clerk, booking, text_messages, run_jobs):
    response = client_of(clerk).post(
        f"/appointments/office/{booking.pk}/decline/",
        {"version": booking.version, "reason": ""},
        follow=True,
    )
    assert "Give the reason" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == AppointmentState.REQUESTED
    run_jobs()
    assert text_messages == []


def test_declining_frees_the_place_and_sends_the_reason(
    client_of, clerk, booking, run_jobs, text_messages
):
    client_of(clerk).post(
        f"/appointments/office/{booking.pk}/decline/",
        {"version": booking.version, "reason": "该事项已由双塔分局办理。"},
    )
    booking.refresh_from_db()
    assert booking.state == AppointmentState.DECLINED
    assert AppointmentDay.objects.get(duty=booking.duty).taken == 0
    run_jobs()
    assert "该事项已由双塔分局办理。" in text_messages[0].text


def test_a_decision_on_a_changed_booking_is_refused(client_of, clerk, booking):
    appointments.confirm(booking, by=clerk)
    response = client_of(clerk).post(
        f"/appointments/office/{booking.pk}/decline/",
        {"version": booking.version, "reason": "重复"},
        follow=True,
    )
    assert "Someone else changed this appointment" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == AppointmentState.CONFIRMED


def test_a_booking_is_confirmed_once(clerk, booking):
    confirmed = appointments.confirm(booking, by=clerk)
    with pytest.raises(ValidationError):
        appointments.confirm(confirmed, by=clerk)


def test_the_confirmation_is_recorded_with_who(clerk, booking):
    appointments.confirm(booking, by=clerk)
    event = booking.events.order_by("-pgh_id").first()
    assert event.state == AppointmentState.CONFIRMED
    assert event.pgh_context.metadata["user"] == clerk.pk


# --- The briefing -----------------------------------------------------------------------------


def test_the_briefing_lists_confirmed_bookings_with_earlier_cases(
    client_of, clerk, leader_user, booking
):
    earlier = register(clerk, petitioner_phone=E164, title="去年的噪音投诉")
    appointments.confirm(booking, by=clerk)
    page = client_of(clerk).get(f"/cases/day/{booking.duty_id}/").content.decode()
    assert f'id="appointment-{booking.pk}"' in page
    assert earlier.number in page


def test_the_briefing_leaves_out_waiting_bookings(client_of, clerk, booking):
    page = client_of(clerk).get(f"/cases/day/{booking.duty_id}/").content.decode()
    assert f'id="appointment-{booking.pk}"' not in page


def test_the_leader_sees_the_confirmed_bookings_of_the_day(client_of, clerk, leader_user, booking):
    appointments.confirm(booking, by=clerk)
    page = client_of(leader_user).get(f"/cases/day/{booking.duty_id}/").content.decode()
    assert f'id="appointment-{booking.pk}"' in page


# --- On the day: the case ---------------------------------------------------------------------


def test_on_the_day_one_click_registers_the_case(client_of, clerk, booking):
    appointments.confirm(booking, by=clerk)
    with time_machine.travel(at(2025, 3, 12, 9), tick=False):
        response = client_of(clerk).post(
            f"/appointments/office/{booking.pk}/register/", {"classification": "claim"}
        )
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.channel, case.duty_id, case.leader_id) == (
        Channel.RECEPTION_DAY,
        booking.duty_id,
        booking.duty.leader_id,
    )
    assert (case.petitioner_name, case.petitioner_phone) == ("张建国", E164)
    assert case.title == "工地夜间施工噪音扰民。"
    assert case.state == State.REGISTERED
    booking.refresh_from_db()
    assert (booking.state, booking.case) == (AppointmentState.REGISTERED, case)


def test_a_second_click_finds_the_same_case(clerk, booking):
    appointments.confirm(booking, by=clerk)
    with time_machine.travel(at(2025, 3, 12, 9), tick=False):
        first = appointments.register(booking, by=clerk, classification="claim")
        second = appointments.register(booking, by=clerk, classification="claim")
    assert second.case == first.case and not second.created
    assert Case.objects.count() == 1


def test_a_booking_becomes_a_case_only_on_its_day(clerk, booking):
    appointments.confirm(booking, by=clerk)
    with pytest.raises(ValidationError):
        appointments.register(booking, by=clerk, classification="claim")
    assert not Case.objects.exists()


def test_a_waiting_booking_does_not_become_a_case(clerk, booking):
    with time_machine.travel(at(2025, 3, 12, 9), tick=False), pytest.raises(ValidationError):
        appointments.register(booking, by=clerk, classification="claim")


def test_a_unit_cannot_register_a_booking(unit_handler, clerk, booking):
    appointments.confirm(booking, by=clerk)
    with time_machine.travel(at(2025, 3, 12, 9), tick=False), pytest.raises(ValidationError):
        appointments.register(booking, by=unit_handler, classification="claim")
    assert not Case.objects.exists()


# --- The booking's text messages --------------------------------------------------------------


def bookings_row(page: str, booking: Appointment) -> str:
    start = page.index(f'id="booking-{booking.pk}"')
    return page[start : page.index("</tr>", start)]


def test_the_booking_lists_its_texts_sent_and_queued_with_the_phone_masked(
    client_of, clerk, booking, run_jobs
):
    appointments.confirm(booking, by=clerk)
    run_jobs()
    appointments.decline(Appointment.objects.get(pk=booking.pk), by=clerk, reason="已解决")

    page = client_of(clerk).get(f"/appointments/office/day/{booking.duty_id}/").content.decode()
    row = bookings_row(page, booking)
    assert "2 text messages" in row
    assert 'data-text-state="sent"' in row and 'data-text-state="queued"' in row
    assert "appointment confirmed" in row and "appointment declined" in row
    assert "to 138****8000" in row


def test_a_failed_text_shows_its_error(client_of, clerk, booking):
    appointments.confirm(booking, by=clerk)
    Message.objects.filter(topic=booking.topic).update(
        state=Message.State.FAILED, last_error="gateway said: no credit"
    )

    page = client_of(clerk).get(f"/appointments/office/day/{booking.duty_id}/").content.decode()
    row = bookings_row(page, booking)
    assert 'data-text-state="failed"' in row and "gateway said: no credit" in row


def test_a_booking_lists_only_its_own_texts(client_of, clerk, duty, booking):
    other = appointments.book(
        duty,
        today=datetime.date(2025, 3, 3),
        name="李四",
        phone="+8613900139000",
        district="shuangta",
        location="双塔区",
        matter="噪音。",
        category="1",
        slot="09:00-10:00",
        people_count=1,
        representatives="",
        petitioned_before=False,
        earlier_case_number="",
    )
    appointments.confirm(other, by=clerk)

    page = client_of(clerk).get(f"/appointments/office/day/{duty.pk}/").content.decode()
    assert "0 text messages" in bookings_row(page, booking)
    assert "139****9000" in bookings_row(page, other)

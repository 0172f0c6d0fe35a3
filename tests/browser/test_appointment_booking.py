"""A citizen books a place on a leader's reception day from the public page, on a phone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from petitions.models import Appointment
from petitions.models_appointments import AppointmentState
from schedules import services
from schedules.appointment_days import open_for_appointments
from tests.factories import make_duty, make_leader

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def duty(transactional_db):
    day = services.calendar().next_working_day(timezone.localdate() + datetime.timedelta(days=10))
    duty = make_duty(make_leader(), day)
    open_for_appointments(duty, places=8, slots=["09:00-10:00", "10:00-11:00"], version=None)
    return duty


def test_a_citizen_books_an_appointment_on_a_phone(new_page, screenshot, duty):
    page = new_page(locale="en", **PHONE)
    page.goto("/?lang=en")
    expect(page.locator(".places-left").first).to_contain_text("8 places left")
    page.locator(f'a[href="/appointments/day/{duty.pk}/"]').first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Book an appointment")
    page.get_by_label("Your name").fill("张建国")
    page.get_by_label("Mobile phone").fill("138 0013 8000")
    page.get_by_label("District or county").select_option("shuangta")
    page.get_by_label("Where is the problem?").fill("双塔区凌河街道")
    page.get_by_label("Your matter, in a few sentences").fill("工地夜间施工噪音扰民，已持续两周。")
    page.get_by_label("Environmental pollution affecting people's life or production").check()
    page.get_by_label("10:00-11:00").check()
    assert page.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
    screenshot(page, "appointment-form-phone")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your appointment")
    booking = Appointment.objects.get()
    expect(page.locator("#booking-code")).to_have_text(booking.code)
    expect(page.locator("#booking-state")).to_contain_text("Waiting for the office")
    assert (booking.state, booking.slot, booking.phone) == (
        AppointmentState.REQUESTED,
        "10:00-11:00",
        "+8613800138000",
    )
    assert page.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
    screenshot(page, "appointment-booked-phone")

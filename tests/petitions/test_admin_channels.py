"""The Django admin's lists of bookings and hotline work orders: read only, the citizens' data
masked, never a booking code."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from petitions import appointments, transfers
from petitions.models_transfers import WorkOrder
from petitions.transfer_orders import clean_order
from schedules.appointment_days import open_for_appointments
from tests.factories import at, make_duty

TODAY = datetime.date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _before_the_day(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with time_machine.travel(at(2025, 3, 3), tick=False):
        yield


@pytest.fixture
def booking(leader):
    duty = make_duty(leader, datetime.date(2025, 3, 12))
    open_for_appointments(duty, places=3, slots=[], version=None)
    return appointments.book(
        duty,
        today=TODAY,
        name="张建国",
        phone="+8613800138000",
        district="shuangta",
        location="双塔区凌河街道",
        matter="工地夜间施工噪音扰民。",
        category="1",
        slot="",
        people_count=6,
        representatives="赵立军、孙凤琴",
        petitioned_before=False,
        earlier_case_number="",
    )


@pytest.fixture
def work_order(clerk) -> WorkOrder:
    raw = {
        "number": "GD20250303001",
        "ordered_at": "2025-03-03 09:30",
        "caller": "王女士",
        "phone": "13900139000",
        "address": "双塔区凌河街道友谊小区",
        "content": "饭店油烟直排。",
        "deadline": "2025-03-10",
    }
    order, errors = clean_order(raw, now=timezone.now())
    assert errors == {}
    transfers.import_orders("12345", [order], by=clerk, source=WorkOrder.Source.EXCEL)
    return WorkOrder.objects.get()


def test_the_admin_lists_bookings_with_the_citizen_masked(client_of, administrator, booking):
    page = client_of(administrator).get("/admin/petitions/appointment/").content.decode()

    assert "张**" in page and "138****8000" in page
    assert "张建国" not in page and "13800138000" not in page


def test_a_bookings_admin_page_shows_no_personal_data_nor_the_code(
    client_of, administrator, booking
):
    response = client_of(administrator).get(f"/admin/petitions/appointment/{booking.pk}/change/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "赵**、孙**" in page
    for secret in ("张建国", "13800138000", "赵立军", booking.code):
        assert secret not in page


def test_a_booking_cannot_be_changed_or_deleted_in_the_admin(client_of, administrator, booking):
    client = client_of(administrator)
    client.post(f"/admin/petitions/appointment/{booking.pk}/change/", {"state": "confirmed"})
    response = client.post(f"/admin/petitions/appointment/{booking.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.state == "requested"
    assert client.get("/admin/petitions/appointment/add/").status_code == 403


def test_the_admin_lists_work_orders_read_only(client_of, administrator, work_order):
    client = client_of(administrator)
    page = client.get("/admin/petitions/workorder/").content.decode()
    detail = client.get(f"/admin/petitions/workorder/{work_order.pk}/change/").content.decode()

    assert "GD20250303001" in page and work_order.case.number in page
    assert "GD20250303001" in detail and "Excel batch uploaded by the office" in detail
    assert "王女士" not in detail and "13900139000" not in detail
    assert client.get("/admin/petitions/workorder/add/").status_code == 403


def test_a_clerk_has_no_admin(client_of, clerk, booking):
    response = client_of(clerk).get("/admin/petitions/appointment/")
    assert response.status_code == 302

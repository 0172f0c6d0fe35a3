"""The office uploads a hotline platform's Excel batch at /cases/transfers/: each work order
becomes a case once; a bad row imports nothing and is named; only the office may do it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.models import Case, CaseLog, State, WorkOrder
from schedules.models import District
from tests.factories import at
from tests.petitions.transfer_helpers import HEADING, order_row, workbook

PAGE = "/cases/transfers/"


@pytest.fixture(autouse=True)
def march_12():
    with time_machine.travel(at(2025, 3, 12, 14)):
        yield


@pytest.fixture
def office(client_of, clerk):
    client = client_of(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, *rows, platform="12345", **options):
    return client.post(PAGE, {"platform": platform, "file": workbook(*rows, **options)})


def test_each_order_of_a_batch_becomes_a_registered_case(office):
    response = upload(office, order_row("GD001"), order_row("GD002", 地址="北票市台吉镇"))

    assert response.status_code == 200
    assert "2 new cases registered." in response.content.decode()
    cases = Case.objects.order_by("sequence")
    assert [c.channel for c in cases] == ["12345", "12345"]
    assert [c.state for c in cases] == [State.REGISTERED, State.REGISTERED]
    assert [c.district for c in cases] == [District.SHUANGTA, District.BEIPIAO]
    first = cases[0]
    assert first.petitioner_name == "王女士"
    assert first.petitioner_phone == "+8613800138000"
    assert first.location == "朝阳市双塔区凌河街道友谊小区东侧"
    assert first.acceptance_due == datetime.date(2025, 3, 27)  # the legal clock: 15 days


def test_the_platforms_deadline_is_kept_beside_the_legal_one(office):
    upload(office, order_row("GD001"))

    order = WorkOrder.objects.get()
    assert (order.platform, order.number) == ("12345", "GD001")
    assert order.platform_deadline == datetime.date(2025, 3, 20)
    assert order.case.due_date == datetime.date(2025, 3, 27)
    page = office.get(f"/cases/{order.case.pk}/").content.decode()
    assert 'id="platform-deadline">2025-03-20' in page
    assert 'id="legal-due">2025-03-27' in page
    assert "before the legal due date" in page


def test_the_import_is_logged_with_the_clerk(office, clerk):
    upload(office, order_row("GD001"))

    note = CaseLog.objects.get(action=CaseLog.Action.NOTE)
    assert note.by == clerk
    assert "GD001" in note.comment
    assert WorkOrder.objects.get().imported_by == clerk


def test_a_second_import_of_the_same_order_changes_nothing_and_says_so(office):
    upload(office, order_row("GD001"))
    case = Case.objects.get()

    response = upload(office, order_row("GD001", 诉求内容="改过的内容"), order_row("GD002"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"already imported as case {case.number}: nothing was changed" in page
    assert "1 new case registered." in page
    assert Case.objects.count() == 2
    case.refresh_from_db()
    assert case.content == "小区东侧饭店油烟直排，居民无法开窗，请求查处。"
    assert case.version == 1


def test_a_bad_row_imports_nothing_and_is_named(office):
    response = upload(
        office, order_row("GD001"), order_row("GD002", 联系电话="12345", 办理时限="下周")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert "Row 3 · Phone: Enter a valid phone number" in page
    assert "Row 3 · Requested deadline: Write the deadline as a date" in page
    assert Case.objects.count() == 0
    assert WorkOrder.objects.count() == 0


def test_a_date_cell_out_of_range_is_named_not_an_error(office):
    far = datetime.datetime(9999, 12, 31, 23, 59)
    response = upload(office, order_row("GD001", 来电时间=far), order_row("GD002", 办理时限=far))

    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 2 · Time of the order: The year must be between 2000 and 2100." in page
    assert "Row 3 · Requested deadline: The year must be between 2000 and 2100." in page
    assert Case.objects.count() == 0


def test_a_null_character_in_a_row_is_named(office):
    """(openpyxl will not write one into a file; a file from elsewhere can hold one.)"""
    from petitions.transfer_orders import clean_order

    order, errors = clean_order(
        {
            "number": "GD001",
            "ordered_at": "2025-03-12 09:30",
            "address": "双塔区\x00",
            "content": "油烟",
        },
        now=datetime.datetime(2025, 3, 12, 14, tzinfo=datetime.UTC),
        row=2,
    )
    assert order is None
    assert errors == {"address": ["Null characters are not allowed."]}


def test_a_missing_field_and_an_unknown_district_are_named(office):
    response = upload(office, order_row("GD001", 诉求内容=""), order_row("GD002", 地址="某小区"))

    page = response.content.decode()
    assert "Row 2 · Content: This field is required." in page
    assert "Row 3 · District or county: The district cannot be recognised" in page
    assert Case.objects.count() == 0


def test_the_same_order_twice_in_one_file_is_refused(office):
    response = upload(office, order_row("GD001"), order_row("GD001"))

    assert response.status_code == 400
    assert "Work order GD001 appears twice in the file (row 2)." in response.content.decode()
    assert Case.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(office):
    fake = SimpleUploadedFile("batch.xlsx", b"not a spreadsheet")

    response = office.post(PAGE, {"platform": "12345", "file": fake})

    assert response.status_code == 400
    assert "This is not an Excel workbook (.xlsx)" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_file_without_the_needed_columns_is_refused(office):
    response = upload(office, order_row(), heading=HEADING[:3])

    assert response.status_code == 400
    page = response.content.decode()
    assert "missing: Address given、Content" in page


def test_a_district_column_wins_over_the_address(office):
    heading = [*HEADING, "区县"]
    upload(office, order_row("GD001", 区县="建平县"), heading=heading)

    assert Case.objects.get().district == District.JIANPING


def test_an_anonymous_caller_is_registered_as_such(office):
    upload(office, order_row("GD001", 来电人=None, 联系电话=None))

    case = Case.objects.get()
    assert case.petitioner_name == "匿名"
    assert case.petitioner_phone == ""


@pytest.mark.parametrize("who", ["unit_handler", "leader_user", "stranger"])
def test_only_the_office_uploads_batches(request, client_of, who):
    client = client_of(request.getfixturevalue(who))

    assert client.get(PAGE).status_code == 403
    assert upload(client, order_row("GD001")).status_code == 403
    assert Case.objects.count() == 0


def test_the_office_sees_the_page_and_its_orders(office):
    upload(office, order_row("GD001"))

    page = office.get(PAGE).content.decode()
    assert "GD001" in page
    assert Case.objects.get().number in page


def test_the_row_messages_are_in_chinese_by_default(client_of, clerk):
    response = upload(client_of(clerk), order_row("GD001", 来电时间="昨天"))

    page = response.content.decode()
    assert "未导入任何工单" in page
    assert "第2行 · 来电时间: 时间请写成2025-03-12 09:30（日期和时刻）。" in page


def test_a_batch_is_imported_by_one_function_the_page_calls(clerk):
    """transfers.import_batch: every row checked, then all imported, or none with messages."""
    from petitions import transfers

    good = {"number": "GD001", "ordered_at": "2025-03-12 09:30", "address": "双塔区友谊小区"}
    good["content"] = "饭店油烟直排。"
    bad = {**good, "number": "GD002", "phone": "12345"}
    refused = transfers.import_batch("12345", [(2, good), (3, bad)], by=clerk, file_name="a.xlsx")
    assert refused.outcomes == [] and [error[0] for error in refused.row_errors] == [3]
    assert Case.objects.count() == 0
    batch = transfers.import_batch("12345", [(2, good)], by=clerk, file_name="a.xlsx")
    assert (batch.created, batch.row_errors) == (1, [])
    assert WorkOrder.objects.get().file_name == "a.xlsx"

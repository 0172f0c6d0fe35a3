"""Roster exports (.xlsx, CSV, print view) read back and compared with the plan's attachments."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext

from schedules import exports
from schedules.models import Duty
from schedules.workdays import library_confirmed_years
from tests.factories import make_contact, make_duty, make_leader

# The first year whose holiday arrangement the installed `holidays` package does not know.
PROVISIONAL_YEAR = max(library_confirmed_years()) + 1


@pytest.fixture
def provisional_duty(db):
    """A reception duty in a year whose official arrangement is not known yet."""
    day = datetime.date(PROVISIONAL_YEAR, 3, 12)
    return make_duty(make_leader(), day, contact=make_contact())


def sheet_rows(content: bytes) -> list[tuple]:
    """All non-empty rows of the workbook's first sheet, as value tuples."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [row for row in sheet.iter_rows(values_only=True) if any(row)]


def table_rows(content: bytes) -> list[tuple]:
    """The roster table of the sheet: the header row and the duty rows after it."""
    rows = sheet_rows(content)
    start = next(i for i, row in enumerate(rows) if row[0] == "姓名")
    return [row[:4] for row in rows[start:] if row[3]]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- xlsx -------------------------------------------------------------------------------------


def test_xlsx_has_the_attachment_header(plan_2024):
    content, content_type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)

    assert content_type == exports.XLSX_CONTENT_TYPE
    assert table_rows(content)[0] == ("姓名", "职务", "接访联系人", "接访时间")


def test_xlsx_visit_header_names_the_visit_contact(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.VISIT)

    assert table_rows(content)[0] == ("姓名", "职务", "下访联系人", "接访时间")


def test_xlsx_reception_rows_are_the_plans_attachment_1(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)
    rows = table_rows(content)[1:]

    assert len(rows) == 12
    assert rows[0] == ("厚春华", "局长", "王贤熙", "2024年1月12日")
    assert rows[4] == ("郭大维", "执法队队长", "于海宁", "2024年5月13日")
    assert rows[9] == ("郭大维", "执法队队长", "王贤熙", "2024年10月14日")


def test_xlsx_visit_rows_keep_the_plans_own_dates(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.VISIT)
    dates = [row[3] for row in table_rows(content)[1:]]

    assert dates[5] == "2024年6月17日"
    assert dates[8] == "2024年9月16日"
    assert dates[11] == "2024年12月16日"


def test_xlsx_title_is_the_attachments(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)

    assert sheet_rows(content)[0][0] == "朝阳市生态环境局领导班子定期接访日程表"


def test_xlsx_reception_note_takes_place_and_phone_from_the_default_place(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)
    note = sheet_rows(content)[-1][0]

    assert note.startswith("备注：1.局领导信访接待地点统一在市执法队信访室，受理电话：2614858。")
    assert "2.每月参加信访接待的局领导" in note


def test_xlsx_visit_note_asks_sections_to_send_staff(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.VISIT)

    assert sheet_rows(content)[-1][0].startswith("备注：每月局领导信访下访日，原则上其分管科室")


def test_xlsx_of_a_confirmed_year_says_nothing_about_provisional_dates(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)
    texts = [str(cell) for row in sheet_rows(content) for cell in row if cell]

    assert exports.provisional_text() not in texts


def test_xlsx_of_a_provisional_year_says_so_under_the_title(provisional_duty):
    content, _type = exports.roster_xlsx(PROVISIONAL_YEAR, Duty.Kind.RECEPTION)

    assert sheet_rows(content)[1][0] == exports.provisional_text()


def test_xlsx_leaves_out_cancelled_duties(plan_2024):
    Duty.objects.filter(year=2024, kind=Duty.Kind.RECEPTION, month=1).update(
        state=Duty.State.CANCELLED
    )
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)

    assert table_rows(content)[1][3] == "2024年2月12日"


def test_xlsx_sets_column_widths(plan_2024):
    content, _type = exports.roster_xlsx(2024, Duty.Kind.RECEPTION)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active

    assert [sheet.column_dimensions[c].width for c in "ABCD"] == [
        exports.COLUMN_WIDTHS[c] for c in "ABCD"
    ]


# --- CSV --------------------------------------------------------------------------------------


def test_csv_starts_with_a_byte_order_mark_for_excel(plan_2024):
    content, content_type = exports.roster_csv(2024, Duty.Kind.RECEPTION)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content_type == "text/csv; charset=utf-8"


def test_csv_has_the_attachment_header_and_a_provisional_column(plan_2024):
    content, _type = exports.roster_csv(2024, Duty.Kind.VISIT)

    assert csv_rows(content)[0][:4] == ["姓名", "职务", "下访联系人", "接访时间"]
    assert len(csv_rows(content)[0]) == 5


def test_csv_rows_read_back_as_the_plan(plan_2024):
    content, _type = exports.roster_csv(2024, Duty.Kind.RECEPTION)
    rows = csv_rows(content)[1:]

    assert len(rows) == 12
    assert rows[4] == ["郭大维", "执法队队长", "于海宁", "2024年5月13日", ""]


def test_csv_flags_no_date_of_a_confirmed_year(plan_2024):
    content, _type = exports.roster_csv(2024, Duty.Kind.RECEPTION)

    assert {row[4] for row in csv_rows(content)[1:]} == {""}


def test_csv_flags_the_dates_of_a_provisional_year(provisional_duty):
    content, _type = exports.roster_csv(PROVISIONAL_YEAR, Duty.Kind.RECEPTION)
    rows = csv_rows(content)[1:]

    assert rows == [
        ["厚春华", "局长", "王贤熙", f"{PROVISIONAL_YEAR}年3月12日", gettext("provisional")]
    ]


# --- File name and rows ------------------------------------------------------------------------


def test_filename_is_the_chinese_name_url_quoted():
    name = exports.filename(2024, Duty.Kind.RECEPTION, "xlsx")

    assert unquote(name) == "2024年领导接访表.xlsx"
    assert name.isascii()


def test_roster_rows_are_ordered_by_month_and_carry_the_status(plan_2024):
    rows = exports.roster_rows(2024, Duty.Kind.VISIT)

    assert [row["date"] for row in rows][:2] == ["2024年1月15日", "2024年2月15日"]
    assert not any(row["provisional"] for row in rows)


# --- Views ------------------------------------------------------------------------------------


def export_url(fmt: str = "xlsx", kind: str = "reception", year: int = 2024) -> str:
    return reverse("schedules:export", args=[year, kind, fmt])


def test_export_url_is_the_roster_path():
    assert export_url() == "/roster/2024/reception.xlsx"


def test_clerk_downloads_the_xlsx(plan_2024, clerk, client_of):
    response = client_of(clerk).get(export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert table_rows(response.content)[1] == ("厚春华", "局长", "王贤熙", "2024年1月12日")


def test_download_is_named_in_chinese(plan_2024, clerk, client_of):
    response = client_of(clerk).get(export_url("csv", "visit"))

    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''" + exports.filename(2024, "visit", "csv")
    )


def test_user_without_a_role_cannot_download(plan_2024, stranger, client_of):
    assert client_of(stranger).get(export_url()).status_code == 403


def test_anonymous_user_is_sent_to_sign_in(plan_2024, client):
    response = client.get(export_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_print_view_shows_the_attachment(plan_2024, clerk, client_of):
    response = client_of(clerk).get(reverse("schedules:print", args=[2024, "reception"]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "朝阳市生态环境局领导班子" in html and "定期接访日程表" in html
    assert "2024年5月13日" in html
    assert "受理电话：2614858" in html


def test_print_view_has_no_inline_style_or_script(plan_2024, clerk, client_of):
    html = client_of(clerk).get(reverse("schedules:print", args=[2024, "visit"])).content.decode()

    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert "css/print.css" in html


def test_print_view_warns_about_a_provisional_year(provisional_duty, clerk, client_of):
    url = reverse("schedules:print", args=[PROVISIONAL_YEAR, "reception"])
    html = client_of(clerk).get(url).content.decode()

    assert exports.provisional_text() in html


# --- Formula-like cells -----------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.org","点击")'


@pytest.fixture
def formula_position(db):
    """A leader whose position was typed as a formula, and a contact person typed full-width."""
    leader = make_leader("厚春华", FORMULA)
    return make_duty(leader, datetime.date(2025, 1, 13), contact=make_contact("＋王贤熙"))


def test_xlsx_keeps_a_formula_like_position_as_text(formula_position):
    content, _type = exports.roster_xlsx(2025, Duty.Kind.RECEPTION)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value}

    assert "'" + FORMULA in cells
    assert cells["'" + FORMULA].data_type == "s"  # a string, not a formula
    assert FORMULA not in cells


def test_xlsx_keeps_a_full_width_plus_as_text(formula_position):
    content, _type = exports.roster_xlsx(2025, Duty.Kind.RECEPTION)

    assert table_rows(content)[1][2] == "'＋王贤熙"


def test_csv_keeps_formula_like_cells_as_text(formula_position):
    content, _type = exports.roster_csv(2025, Duty.Kind.RECEPTION)

    assert csv_rows(content)[1][:3] == ["厚春华", "'" + FORMULA, "'＋王贤熙"]


def test_a_clerk_downloads_a_csv_without_live_formulas(formula_position, clerk, client_of):
    url = reverse("schedules:export", args=[2025, "reception", "csv"])
    content = client_of(clerk).get(url).content

    assert csv_rows(content)[1][1] == "'" + FORMULA

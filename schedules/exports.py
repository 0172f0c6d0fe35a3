"""Roster exports with the plan's attachment columns: .xlsx, CSV and a print view.

The exported headings, title and notes are the plan's own Chinese text (attachments 1 and 2),
so that an export can replace the attachment as it stands; only what the plan does not have
(the provisional-date warning) follows the interface language. Every cell that comes from the
database goes through ``accounts.spreadsheets.safe_cell``, so that no name or position typed
like a formula runs when the file is opened.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from accounts.spreadsheets import safe_cell
from schedules import services
from schedules.models import Duty, Place

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

TITLE_PREFIX = "朝阳市生态环境局领导班子"
TITLES = {Duty.Kind.RECEPTION: "定期接访日程表", Duty.Kind.VISIT: "定期下访日程表"}
# The plan heads the date column 接访时间 in both tables.
HEADERS = {
    Duty.Kind.RECEPTION: ["姓名", "职务", "接访联系人", "接访时间"],
    Duty.Kind.VISIT: ["姓名", "职务", "下访联系人", "接访时间"],
}
FILE_STEMS = {Duty.Kind.RECEPTION: "领导接访表", Duty.Kind.VISIT: "领导下访表"}

# Attachment 1, note 1 takes the place and phone from the default Place.
RECEPTION_PLACE_NOTE = "局领导信访接待地点统一在{place}，受理电话：{phone}。"
RECEPTION_PLACE_NOTE_NO_PHONE = "局领导信访接待地点统一在{place}。"
RECEPTION_DUTY_NOTE = (
    "每月参加信访接待的局领导在接待下访日当天不要安排出差，原则上在指定接待场所坐班，"
    "如有冲突，由局领导相互调整，并告知朝阳市生态环境保护综合行政执法队。"
)
VISIT_NOTE = (
    "每月局领导信访下访日，原则上其分管科室须派人随同领导做好下访工作；"
    "具体下访中，需相关科室配合调处，应及时派人共同参与下访工作。"
)

# Column widths in characters for the four columns (the date needs the most room).
COLUMN_WIDTHS = {"A": 14, "B": 16, "C": 16, "D": 22}


def plan_date(day) -> str:
    """The plan's date style, "2024年1月12日", whatever the interface language."""
    return f"{day.year}年{day.month}月{day.day}日"


def _local_phone(phone: str) -> str:
    """The plan prints the room's phone without the city's area code (2614858)."""
    prefix = settings.CITY_AREA_CODE
    for separator in ("-", " ", ""):
        if prefix and phone.startswith(prefix + separator):
            return phone[len(prefix + separator) :].strip()
    return phone


def roster_rows(year: int, kind: str) -> list[dict]:
    """The year's standing duties of one kind, by month, in the attachment's columns."""
    cal = services.calendar()
    duties = Duty.objects.of_year(year).filter(kind=kind).current().with_people().order_by("month")
    return [
        {
            "name": duty.leader.name,
            "position": duty.leader.position,
            "contact": duty.contact.name if duty.contact else "",
            "date": plan_date(duty.date),
            "iso_date": duty.date.isoformat(),
            "provisional": not cal.is_confirmed(duty.date.year),
            "draft": duty.is_draft,
        }
        for duty in duties
    ]


def title(kind: str) -> str:
    return TITLE_PREFIX + TITLES[kind]


def notes(kind: str) -> list[str]:
    """The attachment's 备注 lines (numbered when there are several), without the 备注： label."""
    if kind == Duty.Kind.VISIT:
        return [VISIT_NOTE]
    lines = []
    place = Place.objects.filter(is_default=True).first()
    if place is not None:
        lines.append(
            RECEPTION_PLACE_NOTE.format(place=place.name, phone=_local_phone(place.phone))
            if place.phone
            else RECEPTION_PLACE_NOTE_NO_PHONE.format(place=place.name)
        )
    lines.append(RECEPTION_DUTY_NOTE)
    if len(lines) == 1:
        return lines
    return [f"{number}.{line}" for number, line in enumerate(lines, start=1)]


def provisional_text() -> str:
    return _(
        "Provisional dates: the official holiday arrangement for this year has not been "
        "published yet, so these dates may still change."
    )


def is_provisional(year: int) -> bool:
    return not services.calendar().is_confirmed(year)


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)


def roster_xlsx(year: int, kind: str) -> tuple[bytes, str]:
    """The roster as a worksheet laid out like the attachment, ready to print on A4."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}{TITLES[kind]}"[:31]

    row = 1
    _full_width_line(
        sheet, row, title(kind), font=Font(bold=True, size=16), alignment=CENTRE, height=36
    )
    if is_provisional(year):
        row += 1
        _full_width_line(
            sheet,
            row,
            provisional_text(),
            font=Font(bold=True, color="C00000"),
            alignment=WRAP,
            height=32,
        )
    header_row = row + 1
    row = _table(sheet, header_row, HEADERS[kind], roster_rows(year, kind))

    row += 1
    note_lines = notes(kind)
    _full_width_line(
        sheet,
        row,
        "备注：" + "\n".join(note_lines),
        font=Font(size=10),
        alignment=WRAP,
        height=18 * (1 + sum(len(line) // 40 for line in note_lines) + len(note_lines)),
    )
    _set_up_page(sheet, header_row)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), XLSX_CONTENT_TYPE


def _full_width_line(sheet, row: int, text: str, *, font: Font, alignment: Alignment, height: int):
    """One merged cell across the table's four columns (title, warning, notes)."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = alignment
    sheet.row_dimensions[row].height = height


def _table(sheet, header_row: int, headers: list[str], rows: list[dict]) -> int:
    """The bordered table of headings and duties from ``header_row``; returns its last row."""
    for column, heading in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = CENTRE
        cell.border = BORDER
    row = header_row
    for item in rows:
        row += 1
        values = (item["name"], item["position"], item["contact"], item["date"])
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_cell(value))
            cell.alignment = CENTRE
            cell.border = BORDER
        sheet.row_dimensions[row].height = 22
    return row


def _set_up_page(sheet, header_row: int) -> None:
    """Column widths, frozen and repeated headings, A4 portrait fitted to the page width."""
    for letter, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def roster_csv(year: int, kind: str) -> tuple[bytes, str]:
    """The roster's rows as CSV with a BOM, so that Excel reads the Chinese text as UTF-8.

    A last column flags provisional dates; it is always there (empty when the year is
    confirmed) so that a program reading the file sees the same columns every year.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*HEADERS[kind], _("Provisional")])
    flag = _("provisional")
    for item in roster_rows(year, kind):
        cells = [item["name"], item["position"], item["contact"], item["date"]]
        writer.writerow([*map(safe_cell, cells), flag if item["provisional"] else ""])
    return buffer.getvalue().encode("utf-8-sig"), CSV_CONTENT_TYPE


def filename(year: int, kind: str, fmt: str) -> str:
    """The download's file name, URL-quoted for ``Content-Disposition: filename*=UTF-8''``."""
    return quote(f"{year}年{FILE_STEMS[kind]}.{fmt}")


def print_context(year: int, kind: str) -> dict:
    """What ``schedules/print.html`` shows: the attachment's table and notes for one year."""
    rows = roster_rows(year, kind)
    return {
        "year": year,
        "kind": kind,
        "title_lines": [TITLE_PREFIX, TITLES[kind]],
        "title": title(kind),
        "headers": HEADERS[kind],
        "rows": rows,
        "has_drafts": any(item["draft"] for item in rows),
        "notes": notes(kind),
        "provisional": is_provisional(year),
        "provisional_text": provisional_text(),
    }

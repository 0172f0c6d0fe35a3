"""Exports of the register (台账): the filtered list as an .xlsx workbook or a CSV file.

What goes into a file: the columns, each case as cells (its petitioner shown as the user may see
them, every text cell kept from running as a formula, times local), the two file formats, and
the access log of an unmasked export. A file is masked by default, like a case page (contact
data masked, names as family names only, ``张**``); the office and administrators may choose an
unmasked one (a second button, a POST), and each case it holds is written to the access log.

Apart from the register's rules (``petitions/register.py``, which picks the cases to export and
holds the size limit) because building files is its own purpose: the ``case_export`` view
(``petitions/views/register.py``) reads the filters, gets the cases there, refuses an oversized
export with a message, and hands the cases to ``export_response`` here.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.spreadsheets import safe_cell
from petitions.access import Petitioner, client_ip, may_reveal, petitioner
from petitions.identity import mask_name
from petitions.models import AccessLog, Case

# --------------------------------------------------------------------------- cells and columns


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Local time without tzinfo: spreadsheets cannot store time zones."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def export_columns() -> list[str]:
    return [
        _("Case number"),
        _("Received at"),
        _("Channel"),
        _("Petitioner"),
        _("Phone"),
        _("Resident ID number"),
        _("Petitioner's address"),
        _("Number of people"),
        _("Representatives"),
        _("Group petition"),
        _("District or county"),
        _("Where the problem is"),
        _("Title"),
        _("Full text"),
        _("Category"),
        _("Classification"),
        _("Skipped a level"),
        _("In litigation"),
        _("State"),
        _("Handling unit"),
        _("Receiving leader"),
        _("Accepted at"),
        _("Due date"),
        _("Days left"),
        _("Answered at"),
        _("Closed at"),
        _("Satisfaction"),
        _("Repeat petition"),
    ]


def _people(case: Case, who: Petitioner) -> tuple[str, str]:
    """The petitioner's name and the representatives as the file may show them: withheld,
    masked (family names, ``张**``) or, in an unmasked export, in full."""
    if who.withheld:
        return who.name, ""
    if not who.masked:
        return who.name, case.representatives
    names = [mask_name(name) for name in case.representatives.split("、") if name]
    return mask_name(who.name), "、".join(names)


def export_row(case: Case, user, unmasked: bool, today: datetime.date) -> list[Any]:
    """One case as spreadsheet cells, its petitioner shown as the user may see them."""
    who = petitioner(user, case, unmasked=unmasked)
    name, representatives = _people(case, who)
    yes, no = _("yes"), _("no")
    row = [
        case.number,
        _local(case.received_at),
        case.get_channel_display(),
        name,
        "" if who.withheld else who.phone,
        "" if who.withheld else who.id_number,
        "" if who.withheld else who.address,
        case.people_count,
        representatives,
        yes if case.is_group else no,
        case.get_district_display(),
        case.location,
        case.title,
        case.content,
        case.get_category_display(),
        case.get_classification_display(),
        yes if case.skipped_level else no,
        yes if case.in_litigation else no,
        case.get_state_display(),
        case.unit.name if case.unit else "",
        case.leader.name if case.leader else "",
        _local(case.accepted_at),
        case.due_date,
        case.days_left(today),
        _local(case.answered_at),
        _local(case.closed_at),
        case.get_satisfaction_display() if case.satisfaction else "",
        yes if case.is_repeat else no,
    ]
    return [safe_cell(cell) for cell in row]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                cell.strftime("%Y-%m-%d %H:%M") if isinstance(cell, datetime.datetime) else cell
                for cell in row
            ]
        )
    # The byte-order mark makes Excel read the file as UTF-8 (Chinese text otherwise garbles).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Register"))
    bold = Font(bold=True)
    heading = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_FORMATS = {
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (_csv, "text/csv; charset=utf-8"),
}


# --------------------------------------------------------------------------- the file


def export_response(
    request: HttpRequest, cases: list[Case], fmt: str, *, unmasked: bool = False
) -> HttpResponse:
    """The file as a download: masked (as a case page shows the petitioner) unless the user
    chose an unmasked export and may have one; that one writes each case to the access log."""
    if unmasked and not may_reveal(request.user):
        raise PermissionError("Only the petition office may export unmasked data.")
    today = timezone.localdate()
    rows = [export_row(case, request.user, unmasked, today) for case in cases]
    if unmasked and cases:
        detail = f"{fmt} {request.GET.urlencode()}"[:200]
        address = client_ip(request)
        AccessLog.objects.bulk_create(
            AccessLog(
                user=request.user,
                case=case,
                action=AccessLog.Action.EXPORT,
                detail=detail,
                ip_address=address,
            )
            for case in cases
        )
    build, content_type = EXPORT_FORMATS[fmt]
    response = HttpResponse(build(export_columns(), rows), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response

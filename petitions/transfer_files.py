"""The hotline platforms' Excel files: a transfer batch read in, the replies written out.

Reading: the first sheet, a heading row (the platform's column names, ``transfer_orders.HEADINGS``)
and one work order a row; empty rows are skipped. A file that is not an .xlsx workbook, or that
lacks a needed column, is refused as a whole with a message. Writing: the replies in the
platform's reply format, one order a row, every text cell kept from running as a formula.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.spreadsheets import safe_cell
from petitions.models_transfers import WorkOrder
from petitions.transfer_orders import FIELD_LABELS, REQUIRED, heading_field
from petitions.transfers import MAX_BATCH_ROWS, reply_of

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 50


@dataclass
class Sheet:
    """The rows of a batch: each a dict of the fields found, with its row number in Excel."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def read_batch(upload) -> Sheet:
    """The batch's rows, or a ValidationError saying why the file cannot be read at all."""
    if upload.size > MAX_FILE_BYTES:
        raise _refuse(_("The file is larger than 5 MB: split the batch."), "file_size")
    not_xlsx = _refuse(
        _("This is not an Excel workbook (.xlsx): export the batch from the platform again."),
        "not_xlsx",
    )
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # any file a user sends: a message, never a 500
        raise not_xlsx from None
    try:
        return _rows(workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS))
    except ValidationError:
        raise
    except Exception:  # a damaged sheet inside a readable archive
        raise not_xlsx from None
    finally:
        workbook.close()


def _rows(cells: Iterable[tuple]) -> Sheet:
    lines = iter(cells)
    heading = next(lines, None)
    found = {position: heading_field(title) for position, title in enumerate(heading or ())}
    columns = {position: name for position, name in found.items() if name is not None}
    missing = [FIELD_LABELS[name] for name in REQUIRED if name not in columns.values()]
    if missing:
        raise _refuse(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": "、".join(str(label) for label in missing)},
            "columns",
        )
    sheet = Sheet()
    for number, values in enumerate(lines, start=2):
        row = {name: values[pos] for pos, name in columns.items() if pos < len(values)}
        if all(value in (None, "") for value in row.values()):
            continue
        if len(sheet.rows) >= MAX_BATCH_ROWS:
            raise _refuse(
                _("A batch has at most %(max)d work orders: split the file.")
                % {"max": MAX_BATCH_ROWS},
                "too_many",
            )
        sheet.rows.append((number, row))
    if not sheet.rows:
        raise _refuse(_("The file holds no work order."), "empty")
    return sheet


# --- The replies -------------------------------------------------------------------------------

# The platform's reply template: its column names, as its import reads them (not translated).
REPLY_COLUMNS = (
    ("order_number", "工单编号"),
    ("case_number", "信访件编号"),
    ("status", "办理结果"),
    ("reply", "答复内容"),
    ("replied_at", "答复时间"),
    ("handled_by", "承办单位"),
    ("platform_deadline", "办理时限"),
    ("legal_due", "法定期限"),
)
# The platform's words for each result code.
STATUS_WORDS = {
    "answered": "已办结",
    "not_accepted": "不予受理",
    "transferred": "已转送",
    "pending": "办理中",
}


def reply_workbook(orders: Iterable[WorkOrder]) -> bytes:
    """The replies of these orders as the platform imports them (one sheet, a row each)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("回复")
    bold = Font(bold=True)
    heading = []
    for _key, title in REPLY_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for order in orders:
        reply = reply_of(order)
        reply["status"] = STATUS_WORDS[reply["status"]]
        sheet.append([safe_cell(_cell(reply[key])) for key, _title in REPLY_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: str) -> Any:
    """ISO dates and times as spreadsheet dates and times (local, no zone), the rest as text."""
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value) if len(value) > 10 else None
    except ValueError:
        return value
    if moment is not None and moment.tzinfo is not None:
        return timezone.localtime(moment).replace(tzinfo=None)
    return value

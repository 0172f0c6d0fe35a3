"""The period's statistics to hand on: an Excel workbook and a Word 信访情况通报.

Both are written from the ``Report`` the page shows (``petitions/stats_report.py``), so the
numbers agree; every workbook cell goes through ``accounts.spreadsheets.safe_cell``.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook

from accounts.spreadsheets import safe_cell
from petitions.stats_report import Report


def dimension_titles() -> dict[str, str]:
    return {
        "channel": _("Channel"),
        "category": _("Category"),
        "classification": _("Classification"),
        "district": _("District or county"),
        "unit": _("Handling unit"),
        "leader": _("Receiving leader"),
        "industry": _("Industry"),
        "pollution": _("Pollution type"),
        "subtype": _("Pollution sub-type"),
    }


def headline(report: Report) -> list[tuple[str, int]]:
    """The headline figures, as the page, the workbook and the document show them."""
    c, p = report.figures.cases, report.figures.people
    return [
        (_("Cases"), c["total"]),
        (_("People"), p["total"]),
        (_("Group petitions (batches)"), c["group_petitions"]),
        (_("Group petitions (people)"), p["group_petitions"]),
        (_("Skip-level petitions"), c["skip_level"]),
        (_("Repeat petitions"), c["repeat"]),
        (_("Not accepted"), c["not_accepted"]),
    ]


def rate_rows(report: Report) -> list[tuple[str, int, int, float | None]]:
    labels = {
        "acceptance": _("Accepted on time (及时受理率)"),
        "closing": _("Closed on time (按期办结率)"),
        "satisfaction": _("Satisfied (群众满意率)"),
        "rating": _("Rated (参评率)"),
    }
    return [
        (
            label,
            report.rates[key].numerator,
            report.rates[key].denominator,
            report.rates[key].percent,
        )
        for key, label in labels.items()
    ]


def _period_text(report: Report) -> str:
    return f"{report.period.start:%Y-%m-%d} – {report.period.end:%Y-%m-%d}"


def workbook(report: Report) -> bytes:
    """One sheet of headline figures and rates, one sheet per breakdown."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([safe_cell(_("Period")), safe_cell(_period_text(report))])
    for label, value in headline(report):
        sheet.append([safe_cell(label), value])
    sheet.append([])
    sheet.append([safe_cell(h) for h in (_("Rate"), _("Numerator"), _("Denominator"), "%")])
    for row in rate_rows(report):
        sheet.append([safe_cell(row[0]), row[1], row[2], row[3]])
    headers = (
        _("Group"),
        _("Cases"),
        _("People"),
        _("Share %"),
        _("Previous period"),
        _("A year earlier"),
    )
    for dimension, title in dimension_titles().items():
        page = book.create_sheet(title[:31])
        page.append([safe_cell(h) for h in headers])
        for row in report.breakdowns[dimension]:
            page.append(
                [
                    safe_cell(row.label),
                    row.cases,
                    row.people,
                    row.share,
                    row.previous,
                    row.year_earlier,
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(doc, headers: list[str], rows: list[list], style) -> None:
    """A table made at once with all its rows (``add_row`` per row copies the table's grid
    each time), each cell's text written into its empty paragraph."""
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = style
    for row, values in zip(table.rows, [headers, *rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run("—" if value is None else str(value))


def document(report: Report) -> bytes:
    """信访情况通报: title, period, headline figures, breakdowns, rates, overdue cases."""
    doc = Document()
    grid = doc.styles["Table Grid"]  # looked up once, not per table
    doc.add_heading(_("Petition work report (信访情况通报)"), level=0)
    doc.add_paragraph(_("Period: %(period)s") % {"period": _period_text(report)})
    doc.add_heading(_("Headline figures"), level=1)
    _table(doc, [_("Figure"), _("Value")], [list(row) for row in headline(report)], grid)
    doc.add_heading(_("Rates"), level=1)
    _table(
        doc,
        [_("Rate"), _("Numerator"), _("Denominator"), "%"],
        [list(row) for row in rate_rows(report)],
        grid,
    )
    for dimension, title in dimension_titles().items():
        doc.add_heading(title, level=1)
        _table(
            doc,
            [_("Group"), _("Cases"), _("People"), _("Share %")],
            [[r.label, r.cases, r.people, r.share] for r in report.breakdowns[dimension]],
            grid,
        )
    doc.add_heading(_("Overdue cases"), level=1)
    _table(
        doc,
        [_("Case number"), _("Title"), _("Handling unit"), _("Due date")],
        [[c.number, c.title, c.unit.name if c.unit else "—", c.due_date] for c in report.overdue],
        grid,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

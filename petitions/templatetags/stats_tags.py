"""The statistics page's table rows (``templates/petitions/stats.html``): precompiled rows of
HTML, filled per row.

Not template loops: a year's page has a row per duty day, unit, leader and breakdown value
(hundreds), and a template resolves each cell's variables one by one, which took longer than
the page's queries (the monthly trend's loop also looked for each month among 36 entries).
Here each row fills a ``%`` format with its numbers and its escaped text; the register's link
is escaped once per table, as in ``register_tags``.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

NONE = "—"
BREAKDOWN_ROW = (
    '<tr><th scope="row">%s</th>\n    <td>%s</td>\n'
    "    <td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
)
LEADER_ROW = (
    '<tr><th scope="row">%(name)s</th><td>%(people)s</td>'
    '<td><a href="%(link)s">%(total)s</a></td>'
    '<td><a href="%(link)s&amp;figure=answered">%(answered)s</a></td>'
    '<td><a href="%(link)s&amp;figure=closed_on_time">%(closed_on_time)s</a></td>'
    '<td><a href="%(link)s&amp;figure=satisfied">%(satisfied)s</a> / %(rated)s</td></tr>'
)
DAY_ROW = (
    '<tr><th scope="row">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s / %s</td></tr>'
)
UNIT_ROW = (
    '<tr><th scope="row">%(name)s</th><td><a href="%(link)s">%(total)s</a></td>'
    '<td><a href="%(link)s&amp;figure=closed_on_time">%(closed_on_time)s</a></td>'
    '<td><a href="%(overdue_link)s">%(overdue)s</a></td><td>%(average)s</td></tr>'
)


def number(value) -> str:
    """A number as the template writes it (``localize``; "—" for none): plainly when the
    settings use no thousands separator, as the page's two languages write the decimal
    point."""
    if value is None:
        return NONE
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def _numbers():
    """``number``, with the setting read once for a table."""
    if settings.USE_THOUSAND_SEPARATOR:
        return number
    return lambda value: NONE if value is None else str(value)


@register.simple_tag
def stats_breakdown_rows(dimension: str, rows, register_url: str) -> SafeString:
    """A breakdown's body rows: the cases link to the register filtered by the row's value
    (not the unassigned unit's or leader's, which the register cannot filter by)."""
    if not rows:
        return mark_safe(f'<tr><td colspan="6">{escape(_("No cases in this period."))}</td></tr>')
    link = f'<a href="{escape(register_url)}&amp;{escape(dimension)}=%s">%s</a>'
    unlinked = dimension in ("unit", "leader")
    number = _numbers()
    html = []
    for row in rows:
        cases = number(row.cases)
        if not (unlinked and row.value == "none"):
            cases = link % (escape(quote(str(row.value), safe="/")), cases)
        html.append(
            BREAKDOWN_ROW
            % (
                escape(str(row.label)),
                cases,
                number(row.people),
                number(row.share),
                number(row.mom),
                number(row.yoy),
            )
        )
    return mark_safe("".join(html))  # every cell escaped or a number


@register.simple_tag
def stats_trend_rows(trend: dict) -> SafeString:
    """Twelve rows, one per month: each figure's count this year, the year before and the
    change ("up", "down", "same")."""
    words = {1: escape(_("up")), -1: escape(_("down")), 0: escape(_("same"))}
    number = _numbers()
    by_month: dict[int, list[str]] = {month: [] for month in range(1, 13)}
    for rows in trend.values():
        for month, now, before in rows:
            change = words[(now > before) - (now < before)]
            cells = f"<td>{number(now)}</td><td>{number(before)}</td><td>{change}</td>"
            by_month.setdefault(month, []).append(cells)
    html = [
        f'<tr><th scope="row">{month}</th>\n    {"".join(by_month[month])}\n  </tr>'
        for month in range(1, 13)
    ]
    return mark_safe("".join(html))  # numbers and translated words, escaped


@register.simple_tag
def stats_leader_rows(leaders, register_url: str) -> SafeString:
    link = f"{escape(register_url)}&amp;leader=%s"
    return mark_safe(  # names escaped, the rest numbers
        "".join(
            LEADER_ROW
            % {
                "name": escape(str(name)),
                "link": link % escape(str(key)),
                "people": number(tally.people["total"]),
                **_case_cells(tally),
            }
            for key, name, tally in leaders
        )
    )


def _case_cells(tally) -> dict[str, str]:
    names = ("total", "answered", "closed_on_time", "satisfied", "rated")
    return {name: number(tally.cases[name]) for name in names}


@register.simple_tag
def stats_day_rows(days) -> SafeString:
    number = _numbers()
    html = []
    for _key, label, tally in days:
        c = tally.cases
        html.append(
            DAY_ROW
            % (
                escape(str(label)),
                number(tally.people["total"]),
                number(c["total"]),
                number(c["answered"]),
                number(c["closed_on_time"]),
                number(c["satisfied"]),
                number(c["rated"]),
            )
        )
    return mark_safe("".join(html))  # the label escaped, the rest numbers


@register.simple_tag
def stats_unit_rows(units, register_url: str) -> SafeString:
    link = f"{escape(register_url)}&amp;unit=%s"
    overdue = f"{escape(reverse('petitions:list'))}?unit=%s&amp;deadline=overdue"
    html = []
    for unit in units:
        key = escape(str(unit["id"]))
        cells = _case_cells(unit["tally"])
        html.append(
            UNIT_ROW
            % {
                "name": escape(str(unit["name"])),
                "link": link % key,
                "total": cells["total"],
                "closed_on_time": cells["closed_on_time"],
                "overdue_link": overdue % key,
                "overdue": number(unit["overdue"]),
                "average": number(unit["average_days"]),
            }
        )
    return mark_safe("".join(html))  # names escaped, the rest numbers

"""The worklist's rows (``petitions/_work_cases.html``, ``_work_supervisions.html``): one
precompiled row, filled per case or supervision.

The same reason as the register's rows (``register_tags``): a template loop resolves each cell
and translates each badge once per row, which costs several times the page's queries when the
office's sections hold 200 rows. Here what the rows of a section share (badges, the link,
the states and their next steps, the texts of the days left) is translated and escaped once;
each row escapes its case's own text. The HTML is the template's, cell for cell.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from petitions.register import ListedCase

register = template.Library()

ROW = (
    '<tr data-case="%s" class="%s"><th scope="row"><a href="%s">%s</a></th>'
    "<td>%s%s</td><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
)
ROW_CLASS = {"overdue": "table-danger", "due_soon": "table-warning"}
EXTENSION_SECTIONS = {"extension_requests", "extension_approvals"}


def _memo(make: Callable[[int], str]) -> Callable[[int], str]:
    """``make`` for each number once per section: the same few texts of days recur."""
    made: dict[int, str] = {}

    def text(days: int) -> str:
        if days not in made:
            made[days] = make(days)
        return made[days]

    return text


class WorkRows:
    """What the rows of one section share, made once; :meth:`row` fills ``ROW``."""

    def __init__(self, key: str, today: datetime.date, acceptance_days: int) -> None:
        self.key = key
        self.today = today
        self.detail_url = reverse("petitions:detail", args=[987654321]).replace("987654321", "%d")
        badge = ' <span class="badge text-bg-%s">%s</span>'
        self.repeat = badge % ("secondary", escape(_("Repeat")))
        self.first = badge % ("info", escape(_("First petition")))
        self.group = badge % ("secondary", escape(_("Group")))
        self.extension = key in EXTENSION_SECTIONS
        self.by_state: dict[str, tuple[str, str]] = {}
        self.overdue = _memo(self._overdue)
        self.left = _memo(self._left)
        self.asked = _memo(
            lambda days: escape(
                ngettext("%(days)s day asked", "%(days)s days asked", days) % {"days": days}
            )
        )
        self.acceptance_left = _memo(lambda days: self._acceptance_left(days, acceptance_days))

    @staticmethod
    def _overdue(days: int) -> str:
        text = ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", days)
        return escape(text % {"days": days})

    @staticmethod
    def _left(days: int) -> str:
        return escape(ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days})

    @staticmethod
    def _acceptance_left(days: int, total: int) -> str:
        text = ngettext("%(days)s of %(total)s day left", "%(days)s of %(total)s days left", days)
        css = "badge text-bg-warning" if days <= 3 else "text-body-secondary"
        shown = escape(text % {"days": days, "total": total})
        return f'<span class="{css}" data-acceptance-left="{days}">{shown}</span>'

    def due(self, case: ListedCase, status: str) -> str:
        """The due date and the days left, as ``petitions/_due.html`` shows them (``status``:
        the case's ``due_status``)."""
        left = case.days_left(self.today)
        if not case.due_date or left is None:
            return '<span class="text-body-secondary">—</span>'
        if status == "overdue":
            mark = '<span class="badge text-bg-danger" data-due="overdue">%s</span>'
            days = self.overdue(-left if left < 0 else 0)
        elif status == "due_soon":
            mark, days = '<span class="badge text-bg-warning" data-due="soon">%s</span>', None
        else:
            mark, days = '<span class="text-body-secondary" data-due="ok">%s</span>', None
        shown = days if days is not None else self.left(left)
        return f'<span class="case-due">{case.due_date.isoformat()}</span>\n{mark % shown}'

    def acceptance(self, case: ListedCase) -> str:
        """The acceptance notice's date and its days left (or how late it is)."""
        day = case.acceptance_due.isoformat() if case.acceptance_due else ""
        if case.acceptance_late:
            mark = '<span class="badge text-bg-danger" data-due="overdue">%s</span>'
            return f"{day}\n{mark % self.overdue(case.acceptance_late)}"
        if case.acceptance_left is None:
            return day
        return f"{day}\n{self.acceptance_left(case.acceptance_left)}"

    def badges(self, case: ListedCase) -> str:
        marks = [
            self.repeat if case.is_repeat else "",
            self.first if case.is_first_petition else "",
            self.group if case.is_group else "",
        ]
        if case.leader_in_charge__name:
            text = _("in charge: %(name)s") % {"name": case.leader_in_charge__name}
            marks.append(f' <span class="badge text-bg-light border">{escape(text)}</span>')
        return "".join(marks)

    def state_texts(self, case: ListedCase) -> tuple[str, str]:
        """The state's label and the step it waits for, translated once per state."""
        texts = self.by_state.get(case.state)
        if texts is None:
            texts = (escape(str(case.state_label)), escape(str(case.next_step)))
            self.by_state[case.state] = texts
        return texts

    def row(self, case: ListedCase) -> str:
        number = escape(case.number)
        extension = " · " + self.asked(case.extension_days) if self.extension else ""
        status = case.due_status(self.today)
        state, next_step = self.state_texts(case)
        return ROW % (
            number,
            ROW_CLASS.get(status, ""),
            self.detail_url % case.pk,
            number,
            escape(case.title),
            self.badges(case),
            state,
            extension,
            escape(case.unit__name or "—"),
            next_step,
            self.acceptance(case) if self.key == "to_accept" else self.due(case, status),
        )


@register.simple_tag
def work_case_rows(
    key: str, cases: Iterable[ListedCase], today: datetime.date, acceptance_days: int
) -> SafeString:
    """The table's body rows of one worklist section, every cell escaped by ``WorkRows``."""
    rows = WorkRows(key, today, acceptance_days)
    return mark_safe("\n".join(map(rows.row, cases)))  # escaped in WorkRows.row


SUPERVISION_ROW = (
    '<tr data-case="%s" class="%s"><th scope="row"><a href="%s">%s</a></th>'
    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
)
REPLY = '<span class="badge text-bg-%s" data-reply="%s">%s</span>'


class SupervisionRows:
    """The supervisions' rows (``petitions/_work_supervisions.html``), made like the cases':
    the texts of the reply cell translated once, each row's own text escaped."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.detail_url = reverse("petitions:detail", args=[987654321]).replace("987654321", "%d")
        self.replied = _("Replied %(date)s")
        self.late = _("Reply overdue since %(date)s")
        self.due = _("Reply due %(date)s")

    def reply(self, supervision: ListedCase) -> str:
        if supervision.is_answered:
            day = timezone.localtime(supervision.replied_at).strftime("%Y-%m-%d")
            return REPLY % ("success", "answered", escape(self.replied % {"date": day}))
        day = supervision.reply_due.isoformat()
        if supervision.is_overdue(self.today):
            return REPLY % ("danger", "overdue", escape(self.late % {"date": day}))
        return REPLY % ("warning", "waiting", escape(self.due % {"date": day}))

    def row(self, supervision: ListedCase) -> str:
        number = escape(supervision.case__number)
        return SUPERVISION_ROW % (
            number,
            "table-danger" if supervision.is_overdue(self.today) else "",
            self.detail_url % supervision.case_id,
            number,
            escape(supervision.case__title),
            escape(supervision.leader__name),
            escape(Truncator(supervision.instruction).chars(80)),
            escape(supervision.case__unit__name or "—"),
            self.reply(supervision),
        )


@register.simple_tag
def work_supervision_rows(supervisions: Iterable[ListedCase], today: datetime.date) -> SafeString:
    """The table's body rows of one supervisions section, escaped by ``SupervisionRows``."""
    rows = SupervisionRows(today)
    return mark_safe("\n".join(map(rows.row, supervisions)))  # escaped in SupervisionRows.row

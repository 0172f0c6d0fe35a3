"""Mail about cases: what the workflow tells the unit, the administrators and the leaders, and
the daily reminders (``send_due_reminders``, ``send_supervision_reminders``: late replies to a
leader's supervision, to that leader), run by petitions/reminders.py.

The workflow calls the ``notify_*`` functions inside the transaction that changes the case;
each mail is written then (in the language of the request) and queued in that transaction
(accounts/outbox.py): the worker sends it once the change has committed, and a refused or
rolled-back change mails nobody. This module never imports the workflow. An accusation
(检举控告类) is never mailed to a unit: the office handles it itself.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import outbox
from accounts.roles import Role
from petitions.models import Case, Classification, State, Supervision
from schedules.models import Leader, Unit

# --- Who gets the mail ------------------------------------------------------------------------


def unit_recipients(unit: Unit | None, case: Case | None = None) -> list[str]:
    """The unit's own address, else its members' addresses; nobody for an accusation, which
    the office handles itself and never mails to a unit."""
    if unit is None or (case is not None and case.classification == Classification.ACCUSATION):
        return []
    if unit.email:
        return [unit.email]
    return sorted({m.email for m in unit.members.filter(is_active=True) if m.email})


def _administrator_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True)
    admins = users.filter(Q(groups__name=Role.ADMINISTRATOR) | Q(is_superuser=True))
    return sorted({u.email for u in admins if u.email})


def _mail(subject: str, body: str, recipients: Sequence[str], case: Case) -> None:
    outbox.queue_mail(recipients, subject, body, about=_case_line(case))


def _case_line(case: Case) -> str:
    return f"{case.number} {case.title}"


# --- What the workflow tells ------------------------------------------------------------------


def notify_assigned(case: Case) -> None:
    """The unit learns of a case assigned to it, with the office's instructions."""
    _mail(
        _("New case for %(unit)s: %(case)s") % {"unit": case.unit.name, "case": _case_line(case)},
        _("The petition office assigned case %(case)s to you. Due: %(due)s.\n\n%(text)s")
        % {
            "case": _case_line(case),
            "due": case.due_date.isoformat() if case.due_date else "-",
            "text": case.instructions,
        },
        unit_recipients(case.unit, case),
        case,
    )


def notify_review_requested(case: Case, reasons: str) -> None:
    """The unit learns that a (second) review was opened, with the petitioner's reasons."""
    _mail(
        _("Review requested: %(case)s") % {"case": _case_line(case)},
        _("The petitioner asked for a %(kind)s of case %(case)s. Due: %(due)s.\n\n%(text)s")
        % {
            "kind": State(case.state).label,
            "case": _case_line(case),
            "due": case.due_date.isoformat(),
            "text": reasons,
        },
        unit_recipients(case.unit, case),
        case,
    )


def notify_extension_requested(case: Case, text: str) -> None:
    """The administrators, who decide, learn of a request, with a link to the case."""
    _mail(
        _("Extension requested: %(case)s") % {"case": _case_line(case)},
        text + "\n" + reverse("petitions:detail", args=[case.pk]),
        _administrator_addresses(),
        case,
    )


def notify_extension_approved(case: Case, text: str) -> None:
    _mail(
        _("Extension approved: %(case)s") % {"case": _case_line(case)},
        text,
        unit_recipients(case.unit, case),
        case,
    )


def notify_extension_refused(case: Case, text: str) -> None:
    _mail(
        _("Extension refused: %(case)s") % {"case": _case_line(case)},
        text,
        unit_recipients(case.unit, case),
        case,
    )


def notify_supervision(case: Case, instruction: str, reply_due: datetime.date) -> list[str]:
    """The unit reads the leader's instruction (督办) at once; returns who is mailed (nobody
    while no unit handles the case, or when the unit has no address)."""
    recipients = unit_recipients(case.unit, case)
    _mail(
        _("Supervision instruction: %(case)s") % {"case": _case_line(case)},
        _("%(text)s\n\nReply on the case by %(date)s.")
        % {"text": instruction, "date": reply_due.isoformat()},
        recipients,
        case,
    )
    return recipients


def notify_supervision_reply(case: Case, leader: Leader, reply: str) -> None:
    """The leader who gave the instruction reads the unit's reply."""
    _mail(
        _("Reply to your supervision instruction: %(case)s") % {"case": _case_line(case)},
        reply + "\n" + reverse("petitions:detail", args=[case.pk]),
        [leader.reminder_email()] if leader.reminder_email() else [],
        case,
    )


def notify_leader_in_charge(case: Case, leader: Leader) -> None:
    """A leader put in charge of a case (包案) by the office learns of it."""
    _mail(
        _("You are in charge of case %(case)s") % {"case": _case_line(case)},
        _("The petition office put you in charge of case %(case)s (包案).")
        % {"case": _case_line(case)}
        + "\n"
        + reverse("petitions:detail", args=[case.pk]),
        [leader.reminder_email()] if leader.reminder_email() else [],
        case,
    )


# --- Reminders --------------------------------------------------------------------------------


def _due_line(case: Case, today: datetime.date) -> str:
    left = (case.due_date - today).days
    status = (
        _("overdue by %(days)d days") % {"days": -left}
        if left < 0
        else _("%(days)d days left") % {"days": left}
    )
    return f"{_case_line(case)} · {case.due_date.isoformat()} · {status}"


def _reminder(unit: Unit, cases: list[Case], today: datetime.date) -> tuple[str, str]:
    """The subject and body of one unit's reminder."""
    overdue = sum(1 for c in cases if c.due_date < today)
    subject = _("%(unit)s: %(overdue)d overdue, %(soon)d due soon") % {
        "unit": unit.name,
        "overdue": overdue,
        "soon": len(cases) - overdue,
    }
    return subject, "\n".join(_due_line(case, today) for case in cases)


def send_due_reminders(today: datetime.date) -> int:
    """Queue each handling unit's list of overdue and due-soon cases; returns how many units
    were reminded now (a unit is reminded once a day, however often the day is run)."""
    soon = today + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    cases = (
        Case.objects.open()
        .filter(unit__isnull=False, due_date__isnull=False, due_date__lte=soon)
        .exclude(classification=Classification.ACCUSATION)
        .select_related("unit")
        .order_by("due_date", "number")
    )
    per_unit: dict[Unit, list[Case]] = defaultdict(list)
    for case in cases:
        per_unit[case.unit].append(case)
    reminded = 0
    for unit, unit_cases in per_unit.items():
        subject, body = _reminder(unit, unit_cases, today)
        key = f"due-reminder:{unit.pk}:{today.isoformat()}"
        if outbox.queue_mail(unit_recipients(unit), subject, body, about=unit.name, dedupe_key=key):
            reminded += 1
    return reminded


def send_supervision_reminders(today: datetime.date) -> int:
    """Queue to each leader the replies to their instructions (督办) that are late; returns how
    many leaders were reminded now (once a day, however often the day is run)."""
    from_leader: dict[Leader, list[str]] = defaultdict(list)
    late = (
        Supervision.objects.overdue(today)
        .select_related("leader__user", "case__unit")
        .order_by("reply_due", "id")
    )
    for supervision in late:
        case = supervision.case
        unit = case.unit.name if case.unit else _("no unit yet")
        from_leader[supervision.leader].append(
            _("%(case)s · %(unit)s · reply due %(date)s")
            % {"case": _case_line(case), "unit": unit, "date": supervision.reply_due.isoformat()}
        )
    sent = 0
    for leader, lines in from_leader.items():
        address = leader.reminder_email()
        if not address:
            continue
        subject = ngettext(
            "%(count)d supervision reply is late",
            "%(count)d supervision replies are late",
            len(lines),
        ) % {"count": len(lines)}
        key = f"supervision-reminder:{leader.pk}:{today.isoformat()}"
        if outbox.queue_mail(address, subject, "\n".join(lines), about=leader.name, dedupe_key=key):
            sent += 1
    return sent

"""Roster warnings: what the administrators should look at before (or after) publishing,
and how the duties are spread over the leaders. Read-only: nothing here changes a duty."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from schedules import services, workdays
from schedules.models import Absence, Duty, Leader
from schedules.services import short_date


@dataclass(frozen=True)
class RosterWarning:
    """One thing wrong with a stored duty; ``code`` names the kind for templates and tests."""

    duty: Duty
    code: str
    message: str
    rule_date: datetime.date | None = None


def duty_warnings(
    duties: Sequence[Duty], *, cal: workdays.Calendar | None = None, makeup: bool | None = None
) -> list[RosterWarning]:
    """What is wrong with stored duties: absent leader, a leader twice a day, a day off,
    a date that is not the rule's (the last two not for a duty whose date is kept)."""
    cal = cal or services.calendar()
    makeup = services.allow_makeup(makeup)
    rules = _rules(duties, cal, makeup)
    absences = _absences(duties)
    per_day = Counter((d.leader_id, d.date) for d in duties if d.state != Duty.State.CANCELLED)
    found: list[RosterWarning] = []
    for duty in duties:
        if duty.state == Duty.State.CANCELLED:
            continue
        found += _absent(duty, absences[duty.leader_id])
        if per_day[(duty.leader_id, duty.date)] > 1:
            found.append(_double(duty))
        if duty.kept:  # the date is the leaders' choice: it is not pointed out again
            continue
        found += _day_off(duty, cal, makeup)
        found += _not_rule_date(duty, rules.get((duty.kind, duty.year, duty.month)))
    return found


@dataclass(frozen=True)
class OffRule:
    """A published duty whose date is not the rule's: where it is, where the rule puts it, and
    every warning about it (the reasons ``rostercheck`` prints)."""

    duty: Duty
    date: datetime.date
    rule_date: datetime.date
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def off_rule(warnings: Iterable[RosterWarning]) -> list[OffRule]:
    """The published duties among ``warnings`` whose date departs from the rule (not the
    kept ones: ``duty_warnings`` leaves them out), in the order of the warnings."""
    messages: dict[int, list[str]] = defaultdict(list)
    found: dict[int, OffRule] = {}
    for warning in warnings:
        messages[warning.duty.pk].append(warning.message)
        if warning.code == "not_rule_date" and warning.duty.is_published:
            found[warning.duty.pk] = OffRule(warning.duty, warning.duty.date, warning.rule_date, ())
    return [
        OffRule(item.duty, item.date, item.rule_date, tuple(messages[pk]))
        for pk, item in found.items()
    ]


def _rules(
    duties: Sequence[Duty], cal: workdays.Calendar, makeup: bool
) -> dict[tuple[str, int, int], workdays.DutyDate]:
    """The rule's date per (kind, year, month), for every year the duties lie in."""
    return {
        (kind, dd.nominal.year, dd.nominal.month): dd
        for year in {d.year for d in duties}
        for kind, dds in services.rule_dates(year, makeup=makeup, cal=cal).items()
        for dd in dds
    }


def _absences(duties: Sequence[Duty]) -> defaultdict[int, list[Absence]]:
    """The duties' leaders' absences that overlap the duties' dates, per leader."""
    absences: defaultdict[int, list[Absence]] = defaultdict(list)
    if duties:
        low = min(d.date for d in duties)
        high = max(d.date for d in duties)
        for absence in Absence.objects.filter(
            leader_id__in={d.leader_id for d in duties}, start__lte=high, end__gte=low
        ):
            absences[absence.leader_id].append(absence)
    return absences


def _absent(duty: Duty, absences: list[Absence]) -> list[RosterWarning]:
    return [
        RosterWarning(
            duty,
            "absent",
            _("%(leader)s is away (%(kind)s) from %(start)s to %(end)s.")
            % {
                "leader": duty.leader.name,
                "kind": absence.get_kind_display(),
                "start": short_date(absence.start),
                "end": short_date(absence.end),
            },
        )
        for absence in absences
        if absence.start <= duty.date <= absence.end
    ]


def _double(duty: Duty) -> RosterWarning:
    return RosterWarning(
        duty,
        "double",
        _("%(leader)s has two duties on %(date)s.")
        % {"leader": duty.leader.name, "date": short_date(duty.date)},
    )


def _day_off(duty: Duty, cal: workdays.Calendar, makeup: bool) -> list[RosterWarning]:
    """A duty on a day off, or on a make-up working day when those carry no duty."""
    if not cal.is_working_day(duty.date):
        name = cal.day_name(duty.date)
        values = {"date": short_date(duty.date), "name": name}
        message = (
            _("%(date)s is not a working day (%(name)s).") % values
            if name
            else _("%(date)s is not a working day.") % values
        )
        return [RosterWarning(duty, "day_off", message)]
    if cal.is_makeup_day(duty.date) and not makeup:
        message = _("%(date)s is a weekend make-up working day, which carries no duty.") % {
            "date": short_date(duty.date)
        }
        return [RosterWarning(duty, "makeup_day", message)]
    return []


def _not_rule_date(duty: Duty, rule: workdays.DutyDate | None) -> list[RosterWarning]:
    if not rule or rule.date == duty.date:
        return []
    reason = services.move_reason(rule)
    message = _("The rule gives %(rule)s, not %(date)s.") % {
        "rule": short_date(rule.date),
        "date": short_date(duty.date),
    }
    return [
        RosterWarning(
            duty, "not_rule_date", message + (f" {reason}" if reason else ""), rule_date=rule.date
        )
    ]


def leader_load(duties: Iterable[Duty]) -> list[tuple[Leader, int, int]]:
    """Per leader: (leader, reception days, visit days) among standing duties."""
    counts: dict[int, Counter] = defaultdict(Counter)
    leaders: dict[int, Leader] = {}
    for duty in duties:
        if duty.state == Duty.State.CANCELLED:
            continue
        counts[duty.leader_id][duty.kind] += 1
        leaders[duty.leader_id] = duty.leader
    return [
        (leaders[pk], counts[pk][Duty.Kind.RECEPTION], counts[pk][Duty.Kind.VISIT])
        for pk in sorted(leaders, key=lambda pk: (leaders[pk].rotation_order, leaders[pk].name))
    ]

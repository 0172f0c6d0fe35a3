"""The checks before a leader is put on a day: not away (an Absence), not on duty twice that day.

Attachment 1, note 2 of the plan: the leader on duty does not travel that day; if there is a
conflict, leaders swap among themselves. A replacement, a swap or a move that breaks either
check is refused unless an administrator overrides it with a stated reason.

`Availability` loads the absences and standing duties of a set of days once, so that a form
can test every possible swap partner without a query per partner.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable

from django.utils import formats
from django.utils.translation import gettext as _

from schedules.models import Absence, Duty, Leader


def _short(day: datetime.date) -> str:
    return formats.date_format(day, "MONTH_DAY_FORMAT")


class Availability:
    """Who is away, and who is on duty, on the given days (read once, from the database)."""

    def __init__(self, days: Collection[datetime.date]) -> None:
        self.absences: defaultdict[int, list[Absence]] = defaultdict(list)
        self.on_duty: defaultdict[tuple[int, datetime.date], set[int]] = defaultdict(set)
        if not days:
            return
        for absence in Absence.objects.filter(start__lte=max(days), end__gte=min(days)):
            self.absences[absence.leader_id].append(absence)
        standing = Duty.objects.current().filter(date__in=set(days))
        for pk, leader_id, day in standing.values_list("pk", "leader_id", "date"):
            self.on_duty[(leader_id, day)].add(pk)

    def conflicts(
        self, leader: Leader, day: datetime.date, *, excluding: Iterable[int] = ()
    ) -> list[str]:
        """Why ``leader`` cannot take a duty on ``day`` (empty when they can). ``excluding``:
        the duties being changed, which do not count as the leader's other duty that day."""
        found = [
            _("%(leader)s is away (%(kind)s) from %(start)s to %(end)s.")
            % {
                "leader": leader.name,
                "kind": absence.get_kind_display(),
                "start": _short(absence.start),
                "end": _short(absence.end),
            }
            for absence in self.absences[leader.pk]
            if absence.start <= day <= absence.end
        ]
        if self.on_duty[(leader.pk, day)] - set(excluding):
            found.append(
                _("%(leader)s already has a duty on %(date)s.")
                % {"leader": leader.name, "date": _short(day)}
            )
        return found


def leader_conflicts(
    leader: Leader, day: datetime.date, *, excluding: Iterable[int] = ()
) -> list[str]:
    """Why ``leader`` cannot take a duty on ``day``: away, or already on duty that day."""
    return Availability([day]).conflicts(leader, day, excluding=excluding)


def swap_conflicts(a: Duty, b: Duty, availability: Availability | None = None) -> list[str]:
    """What a swap of the two duties' leaders would break: each leader on the other's day."""
    availability = availability or Availability([a.date, b.date])
    both = (a.pk, b.pk)
    return availability.conflicts(b.leader, a.date, excluding=both) + availability.conflicts(
        a.leader, b.date, excluding=both
    )

"""Writing the record of a duty day (接访记录 / 下访记录) and closing its follow-up tasks.

A record is written once the day has come, for a published duty; a correction replaces what the
form showed, and a form opened before someone else's save is refused (the record's version).
Who may write is the petitions app's to say (``petitions/access.py``): the pages show cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schedules.models import DayRecord, Duty, Finding, FollowUp
from schedules.services import recorded

RECORD_FIELDS = (
    "leader_attended",
    "contact_attended",
    "others_present",
    "people_count",
    "group_count",
    "decisions",
    "places_visited",
)
STALE_RECORD = gettext_lazy(
    "Someone else saved this record while you were editing it. "
    "Reload the page to see their change, then try again."
)


@dataclass(frozen=True)
class FollowUpEntry:
    """A follow-up task as the form gives it; ``pk`` None for a new one."""

    pk: int | None
    task: str
    owner: object
    due: datetime.date
    remove: bool = False


@dataclass(frozen=True)
class FindingEntry:
    """A problem found on a visit day as the form gives it; ``pk`` None for a new one."""

    pk: int | None
    place: str
    district: str
    problem: str
    raised_by: str = ""
    remove: bool = False


def check_recordable(duty: Duty, today: datetime.date | None = None) -> None:
    """Only a published day that has come can be recorded."""
    if duty.state != Duty.State.PUBLISHED:
        raise ValidationError(_("Only a published duty day can be recorded."), code="state")
    if duty.date > (today or timezone.localdate()):
        raise ValidationError(
            _("The day has not come yet: it can be recorded from %(date)s.")
            % {"date": duty.date.isoformat()},
            code="too_early",
        )


def record_day(
    duty: Duty,
    *,
    by,
    version: int,
    values: dict,
    sections: Sequence = (),
    follow_ups: Sequence[FollowUpEntry] = (),
    findings: Sequence[FindingEntry] = (),
) -> DayRecord:
    """Write (``version`` 0) or correct the day's record with its tasks and problems found."""
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"record_day() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic(), recorded(by, reason="record"):
        locked = Duty.objects.select_for_update().get(pk=duty.pk)  # one record per day
        check_recordable(locked)
        record = DayRecord.objects.filter(duty=locked).first()
        if (record.version if record else 0) != version:
            raise ValidationError(STALE_RECORD, code="stale")
        if record is None:
            record = DayRecord(duty=locked, written_by=by if getattr(by, "pk", None) else None)
        else:
            record.version += 1
        for name, value in values.items():
            setattr(record, name, value)
        if locked.kind != Duty.Kind.VISIT:
            record.places_visited = ""
        record.save()
        record.sections.set(sections)
        _keep_follow_ups(record, follow_ups)
        _keep_findings(record, findings if locked.kind == Duty.Kind.VISIT else ())
    return record


def _existing(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("The form refers to an entry of another record."), code="foreign")
    return found


def _keep_follow_ups(record: DayRecord, entries: Sequence[FollowUpEntry]) -> None:
    for entry in entries:
        task = _existing(record.follow_ups, entry.pk) if entry.pk else FollowUp(record=record)
        if entry.remove:
            if task.pk:
                task.delete()
            continue
        task.task, task.owner, task.due = entry.task, entry.owner, entry.due
        task.save()


def _keep_findings(record: DayRecord, entries: Sequence[FindingEntry]) -> None:
    for entry in entries:
        found = _existing(record.findings, entry.pk) if entry.pk else Finding(record=record)
        if entry.remove:
            if found.pk:
                _remove_finding(found)
            continue
        found.place, found.district = entry.place, entry.district
        found.problem, found.raised_by = entry.problem, entry.raised_by
        found.save()


def _remove_finding(finding: Finding) -> None:
    try:
        finding.delete()
    except ProtectedError:
        raise ValidationError(
            _("“%(place)s” became a case and stays in the record.") % {"place": finding.place},
            code="has_case",
        ) from None


def complete_follow_up(task: FollowUp, *, by, note: str = "") -> FollowUp:
    """Mark a task done with what was done; a task already done stays as it was."""
    with transaction.atomic(), recorded(by, reason="follow-up"):
        locked = FollowUp.objects.select_for_update().get(pk=task.pk)
        if locked.is_done:
            return locked
        locked.done_at = timezone.now()
        locked.done_by = by if getattr(by, "pk", None) else None
        locked.done_note = note.strip()[:300]
        locked.save()
    return locked

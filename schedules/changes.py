"""Changes to published duties: move, contact person, 下访 destination and sections, cancel,
keep a date, and move every duty that departs from the rule to the rule's date.

The continuation of ``schedules.services`` (apart for size), in the same shape: each verb locks
the duty at the version the user saw, checks, changes it in one transaction, records who and
why in the history context, tells the leading group's office and makes the public pages show
the change ("updated on") once committed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schedules import conflicts, signals
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty
from schedules.services import (
    _lock,
    _mark_changed,
    _require_reason,
    check_duty_date,
    clear_public_cache,
    describe,
    notify_office,
    overridden,
    recorded,
    refuse_conflicts,
    short_date,
)
from schedules.warnings import OffRule, duty_warnings, off_rule

# The fields of a published duty that can change without a swap or a replacement.
CHANGEABLE = ("date", "contact", "destination", "sections")


def _require_published(duty: Duty) -> None:
    if duty.is_cancelled:
        raise ValidationError(_("A cancelled duty cannot be changed."), code="cancelled")
    if not duty.is_published:
        raise ValidationError(_("This duty is a draft: edit it directly."), code="not_published")


def _shown(field: str, value) -> str:
    """A value as the office's notification shows it."""
    if field == "date":
        return short_date(value)
    if field == "sections":
        return "、".join(unit.name for unit in value) or "—"
    return str(value) if value else "—"


def _current(duty: Duty, field: str):
    if field == "sections":
        return list(duty.sections.all())
    return getattr(duty, field)


def changed_fields(duty: Duty, values: Mapping) -> dict[str, tuple]:
    """(before, after) of each field whose value ``values`` changes."""
    found = {}
    for field in CHANGEABLE:
        if field not in values:
            continue
        before, after = _current(duty, field), values[field]
        same = (
            {u.pk for u in before} == {u.pk for u in after}
            if field == "sections"
            else before == after
        )
        if not same:
            found[field] = (before, after)
    return found


def needs_reason(changed: Mapping[str, tuple]) -> bool:
    """Filling in what was published as open (no destination, no sections, no contact person
    yet) needs no reason; changing what the public or the office was told does."""
    return any(before for before, _after in changed.values())


def change_duty(
    duty: Duty,
    *,
    version: int,
    by=None,
    reason: str = "",
    override: str = "",
    allow_day_off: bool = False,
    **values,
) -> Duty:
    """Change a published duty's date, contact person, destination or accompanying sections.

    A new date is checked like any duty date (a working day in the year unless allowed, the
    leader not away nor on duty twice that day unless overridden); it is no longer kept."""
    unknown = set(values) - set(CHANGEABLE)
    if unknown:
        raise TypeError(f"change_duty() cannot change {sorted(unknown)}")
    reason = (reason or "").strip()
    with transaction.atomic(), recorded(by, reason=reason, override=override):
        locked = _lock(duty, version)
        _require_published(locked)
        changed = changed_fields(locked, values)
        if not changed:
            raise ValidationError(_("Nothing was changed."), code="unchanged")
        if needs_reason(changed):
            _require_reason(reason)
        problems: list[str] = []
        previous_date = locked.date
        if "date" in changed:
            new_date = values["date"]
            check_duty_date(new_date, locked.year, override=allow_day_off)
            problems = conflicts.leader_conflicts(locked.leader, new_date, excluding=[locked.pk])
            refuse_conflicts(problems, override, field="date")
            locked.kept = False
        for field, (_before, after) in changed.items():
            if field != "sections":
                setattr(locked, field, after)
        _mark_changed(locked)
        if "sections" in changed:
            locked.sections.set(changed["sections"][1])
        lines = [
            _("%(field)s: %(before)s → %(after)s")
            % {"field": _label(field), "before": _shown(field, b), "after": _shown(field, a)}
            for field, (b, a) in changed.items()
        ]
        _tell(locked, lines, reason, problems, override, by)
        if "date" in changed:
            signals.duty_moved.send(Duty, duty=locked, previous_date=previous_date, by=by)
    return locked


def _label(field: str) -> str:
    return str(Duty._meta.get_field(field).verbose_name).capitalize()


def _tell(duty: Duty, lines: list[str], reason: str, problems, override: str, by) -> None:
    body = [describe(duty), *lines]
    if reason:
        body.append(_("Reason: %(reason)s") % {"reason": reason})
    notify_office(
        subject=_("Roster change: %(duty)s") % {"duty": describe(duty)},
        body="\n".join(body) + overridden(problems, override),
        duties=[duty],
        by=by,
    )


def cancel_duty(
    duty: Duty,
    *,
    version: int,
    reason: str,
    by=None,
    date: datetime.date | None = None,
    allow_day_off: bool = False,
    override: str = "",
) -> Duty:
    """Cancel a published duty; with ``date``, publish a replacement on that day (same leader,
    contact person, place, destination and sections). The public page shows the cancelled day
    with the replacement's date. Returns the cancelled duty."""
    reason = _require_reason(reason)
    with transaction.atomic(), recorded(by, reason=reason, override=override):
        locked = _lock(duty, version)
        _require_published(locked)
        problems: list[str] = []
        if date is not None:
            if date == locked.date:
                raise ValidationError(
                    {"date": _("The replacement must be on another day.")}, code="same_day"
                )
            check_duty_date(date, locked.year, override=allow_day_off)
            problems = conflicts.leader_conflicts(locked.leader, date, excluding=[locked.pk])
            refuse_conflicts(problems, override, field="date")
        now = timezone.now()
        locked.state = Duty.State.CANCELLED
        locked.changed_after_publication_at = now
        locked.version += 1
        locked.save()
        lines = [_("Cancelled.")]
        replacement = None
        if date is not None:
            replacement = _replacement(locked, date, now)
            lines.append(_("Replaced by %(duty)s") % {"duty": describe(replacement)})
        transaction.on_commit(clear_public_cache)
        _tell(locked, lines, reason, problems, override, by)
        signals.duty_cancelled.send(Duty, duty=locked, replacement=replacement, by=by)
    return locked


def _replacement(cancelled: Duty, day: datetime.date, now: datetime.datetime) -> Duty:
    replacement = Duty.objects.create(
        kind=cancelled.kind,
        year=cancelled.year,
        month=cancelled.month,
        date=day,
        leader=cancelled.leader,
        contact=cancelled.contact,
        place=cancelled.place,
        destination=cancelled.destination,
        note=cancelled.note,
        state=Duty.State.PUBLISHED,
        published_at=now,
        changed_after_publication_at=now,
        replaces=cancelled,
    )
    replacement.sections.set(cancelled.sections.all())
    opened = AppointmentDay.objects.filter(duty=cancelled, places__gt=0).first()
    if opened is not None:  # the same places and slots, all free: citizens may book again
        AppointmentDay.objects.create(duty=replacement, places=opened.places, slots=opened.slots)
    return replacement


def set_kept(duty: Duty, *, kept: bool, version: int, by=None, reason: str = "") -> Duty:
    """Mark a duty's date as kept on purpose (it leaves the list of duties off the rule), or
    no longer kept. Keeping needs the reason; nothing the public sees changes."""
    if kept:
        reason = _require_reason(reason)
    with transaction.atomic(), recorded(by, reason=reason):
        locked = _lock(duty, version)
        if locked.is_cancelled:
            raise ValidationError(_("A cancelled duty cannot be changed."), code="cancelled")
        locked.kept = kept
        locked.version += 1
        locked.save()
    return locked


def off_rule_duties(year: int, *, makeup: bool | None = None) -> list[OffRule]:
    """The year's published duties whose date departs from the rule (not the kept ones)."""
    duties = list(Duty.objects.of_year(year).current().with_people().order_by("date", "kind"))
    return off_rule(duty_warnings(duties, makeup=makeup))


def follow_rule(
    year: int,
    *,
    reason: str,
    by=None,
    makeup: bool | None = None,
    expected: Mapping[int, int] | None = None,
) -> list[OffRule]:
    """Move every published duty of ``year`` that departs from the rule to the rule's date, in
    one step; returns what moved. ``expected`` (duty pk -> version, as the page listed them)
    refuses the step when the list changed since the page was shown."""
    reason = _require_reason(reason)
    with transaction.atomic(), recorded(by, reason=reason):
        standing = Duty.objects.of_year(year).current().select_related("leader", "contact")
        duties = list(standing.select_for_update(of=("self",)).order_by("date", "kind"))
        moves = off_rule(duty_warnings(duties, makeup=makeup))
        if expected is not None and {m.duty.pk: m.duty.version for m in moves} != dict(expected):
            raise ValidationError(
                _(
                    "The list of duties to move changed since the page was shown. "
                    "Review the new list, then confirm again."
                ),
                code="stale",
            )
        for move in moves:
            move.duty.date = move.rule_date
            move.duty.kept = False
            _mark_changed(move.duty)
        if moves:
            _tell_moves(moves, reason, by)
        for move in moves:
            signals.duty_moved.send(Duty, duty=move.duty, previous_date=move.date, by=by)
    return moves


def _tell_moves(moves: Iterable[OffRule], reason: str, by) -> None:
    moves = list(moves)
    lines = [
        _("%(duty)s (was %(date)s)") % {"duty": describe(m.duty), "date": short_date(m.date)}
        for m in moves
    ]
    lines.append(_("Reason: %(reason)s") % {"reason": reason})
    notify_office(
        subject=_("Roster change: %(count)d duties moved to the rule's dates")
        % {"count": len(moves)},
        body="\n".join(lines),
        duties=[m.duty for m in moves],
        by=by,
    )

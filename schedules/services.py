"""Roster rules with side effects: publication, swaps, reminders (generation: ``rotation``).

Each verb checks the state, changes it in one transaction, records who and why in the history
context (``by``, when given, is the user; otherwise the history middleware's user of the
request stands), and queues its mail in the same transaction (accounts/outbox.py): the
worker sends it once the change is committed, and a refused change mails nobody.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts import outbox
from schedules import conflicts, public_cache, workdays
from schedules.models import (
    CalendarCorrection,
    ConfirmedYear,
    Duty,
    Leader,
    Notification,
    SiteSettings,
)


class StaleEdit(ValidationError):
    """Someone else changed the record since the form was opened."""

    def __init__(self):
        super().__init__(
            gettext_lazy(
                "Someone else changed this duty while you were editing it. "
                "Reload the page to see their change, then try again."
            ),
            code="stale",
        )


def recorded(by, **metadata) -> contextlib.AbstractContextManager:
    """The history context of a change: who made it (``by``, when known) and why (empty
    values are left out)."""
    metadata = {key: value for key, value in metadata.items() if value not in (None, "")}
    if getattr(by, "pk", None) is not None:
        metadata["user"] = by.pk
    return pghistory.context(**metadata) if metadata else contextlib.nullcontext()


# --- Calendar -------------------------------------------------------------------------------


def calendar() -> workdays.Calendar:
    """The official calendar with the administrators' corrections, in the interface language."""
    corrections = [
        workdays.Correction(day=c.day, is_working_day=c.is_working_day, note=c.note)
        for c in CalendarCorrection.objects.all()
    ]
    years = ConfirmedYear.objects.values_list("year", flat=True)
    language = "en_US" if (get_language() or "").startswith("en") else "zh_CN"
    return workdays.Calendar(corrections=corrections, confirmed_years=years, language=language)


def is_provisional(year: int) -> bool:
    """The year's official holiday arrangement is not known yet: its dates may still move."""
    return not calendar().is_confirmed(year)


def allow_makeup(value: bool | None = None) -> bool:
    return SiteSettings.load().makeup_days_carry_duty if value is None else value


def rule_dates(
    year: int, *, makeup: bool | None = None, cal: workdays.Calendar | None = None
) -> dict[str, list[workdays.DutyDate]]:
    """The dates the plan's rule gives for a year's two rosters."""
    return workdays.roster_dates(
        cal or calendar(),
        year,
        allow_makeup=allow_makeup(makeup),
        reception_day=settings.RECEPTION_DAY,
        visit_day=settings.VISIT_DAY,
    )


def short_date(day: datetime.date) -> str:
    return formats.date_format(day, "MONTH_DAY_FORMAT")


CAUSE_TEXT = {
    workdays.Cause.HOLIDAY: gettext_lazy("a public holiday"),
    workdays.Cause.DAY_OFF: gettext_lazy("a day off"),
    workdays.Cause.WEEKEND: gettext_lazy("a weekend day"),
    workdays.Cause.MAKEUP_DAY: gettext_lazy("a weekend make-up working day, which carries no duty"),
    workdays.Cause.RECEPTION_DAY: gettext_lazy("the reception day"),
}


def move_reason(dd: workdays.DutyDate) -> str:
    """A sentence a person can read, e.g. "2月12日为春节假期，顺延至2月19日"."""
    if not dd.moved:
        return ""
    if dd.cause == workdays.Cause.HOLIDAY and dd.day_name:
        why = _("the %(name)s holiday") % {"name": dd.day_name}
    elif dd.cause == workdays.Cause.DAY_OFF and dd.day_name:
        why = dd.day_name
    else:
        why = str(CAUSE_TEXT[dd.cause])
    return _("%(nominal)s is %(why)s; moved to %(date)s") % {
        "nominal": short_date(dd.nominal),
        "why": why,
        "date": short_date(dd.date),
    }


# --- Editing and publication ----------------------------------------------------------------


def _lock(duty: Duty, version: int | None) -> Duty:
    locked = Duty.objects.select_for_update().get(pk=duty.pk)
    if version is not None and locked.version != version:
        raise StaleEdit()
    return locked


def check_duty_date(
    day: datetime.date, year: int, *, override: bool, cal: workdays.Calendar | None = None
) -> None:
    """A duty date must lie in its year and, unless overridden, on a working day."""
    if day.year != year:
        raise ValidationError(
            {"date": _("The date must lie in %(year)s.") % {"year": year}}, code="wrong_year"
        )
    cal = cal or calendar()
    if not override and not cal.is_working_day(day):
        raise ValidationError(
            {
                "date": _(
                    "%(date)s is not a working day. Choose another date, or tick "
                    "'Allow a non-working day' to keep it."
                )
                % {"date": short_date(day)}
            },
            code="day_off",
        )


def update_draft(duty: Duty, *, version: int, by=None, **values) -> Duty:
    """Change a draft duty's fields (date, leader, contact, place, destination, sections, note)."""
    sections = values.pop("sections", None)
    with transaction.atomic(), recorded(by):
        locked = _lock(duty, version)
        if not locked.is_draft:
            raise ValidationError(
                _(
                    "Only a draft can be edited; a published duty changes by a swap "
                    "or a replacement."
                ),
                code="not_draft",
            )
        for field, value in values.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
        if sections is not None:
            locked.sections.set(sections)
    return locked


def publish(duties: QuerySet[Duty], *, by=None) -> int:
    """Publish the given draft duties; returns how many were published."""
    now = timezone.now()
    with transaction.atomic(), recorded(by, reason="publish"):
        ids = list(duties.drafts().select_for_update().values_list("pk", flat=True))
        Duty.objects.filter(pk__in=ids).update(
            state=Duty.State.PUBLISHED, published_at=now, version=F("version") + 1
        )
    transaction.on_commit(clear_public_cache)
    return len(ids)


def publish_month(year: int, month: int, *, by=None) -> int:
    return publish(Duty.objects.of_year(year).filter(month=month), by=by)


def publish_roster(year: int, kind: str, *, by=None) -> int:
    return publish(Duty.objects.of_year(year).filter(kind=kind), by=by)


def publish_year(year: int, *, by=None) -> int:
    return publish(Duty.objects.of_year(year), by=by)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")}, code="no_reason")
    return reason


def refuse_conflicts(problems: list[str], override: str, *, field: str) -> None:
    """The checks of ``schedules.conflicts`` hold unless an administrator states why not."""
    if problems and not (override or "").strip():
        hint = _("An administrator may override the checks by stating the reason.")
        raise ValidationError(
            {field: [ValidationError(text, code="conflict") for text in [*problems, hint]]}
        )


def overridden(problems: list[str], override: str) -> str:
    """The notification's line about overridden checks (empty when nothing was overridden)."""
    if not problems:
        return ""
    return "\n" + _("Checks overridden: %(problems)s Reason: %(override)s") % {
        "problems": " ".join(problems),
        "override": override,
    }


def _lock_pair(first: Duty, first_version, second: Duty, second_version) -> tuple[Duty, Duty]:
    """Both duties locked in a fixed order, so that two crossing swaps cannot deadlock."""
    ordered = sorted([(first, first_version), (second, second_version)], key=lambda p: p[0].pk)
    locked = {d.pk: _lock(d, v) for d, v in ordered}
    return locked[first.pk], locked[second.pk]


def swap_duties(
    first: Duty,
    second: Duty,
    *,
    reason: str,
    by=None,
    first_version: int | None = None,
    second_version: int | None = None,
    override: str = "",
) -> tuple[Duty, Duty]:
    """Exchange the leaders of two duties; both keep their state. The office is told.

    Refused when a leader would be away on the new day or on duty twice that day, unless
    ``override`` states why it must be so."""
    reason = _require_reason(reason)
    if first.pk == second.pk:
        raise ValidationError(
            {"other": _("A duty cannot be swapped with itself.")}, code="self_swap"
        )
    with transaction.atomic(), recorded(by, reason=reason, override=override):
        a, b = _lock_pair(first, first_version, second, second_version)
        if a.is_cancelled or b.is_cancelled:
            raise ValidationError(_("A cancelled duty cannot be swapped."), code="cancelled")
        if a.leader_id == b.leader_id:
            raise ValidationError(
                {"other": _("Both duties have the same leader: there is nothing to swap.")},
                code="same_leader",
            )
        problems = conflicts.swap_conflicts(a, b)
        refuse_conflicts(problems, override, field="other")
        a.leader, b.leader = b.leader, a.leader
        _mark_changed(a, b)
        if a.is_published or b.is_published:
            notify_office(
                subject=_("Roster change: %(a)s and %(b)s swapped")
                % {"a": a.leader.name, "b": b.leader.name},
                body=_("%(first)s\n%(second)s\nReason: %(reason)s")
                % {"first": describe(a), "second": describe(b), "reason": reason}
                + overridden(problems, override),
                duties=[a, b],
                by=by,
            )
    return a, b


def replace_leader(
    duty: Duty,
    leader: Leader,
    *,
    reason: str,
    by=None,
    version: int | None = None,
    override: str = "",
) -> Duty:
    """Put another leader on a duty; the office is told when the duty was published.

    Refused when the new leader is away that day or already on duty, unless ``override``
    states why it must be so."""
    reason = _require_reason(reason)
    with transaction.atomic(), recorded(by, reason=reason, override=override):
        locked = _lock(duty, version)
        if locked.is_cancelled:
            raise ValidationError(_("A cancelled duty cannot be changed."), code="cancelled")
        if locked.leader_id == leader.pk:
            raise ValidationError(
                {"leader": _("This leader is already on the duty.")}, code="same_leader"
            )
        problems = conflicts.leader_conflicts(leader, locked.date, excluding=[locked.pk])
        refuse_conflicts(problems, override, field="leader")
        previous = locked.leader
        locked.leader = leader
        _mark_changed(locked)
        if locked.is_published:
            notify_office(
                subject=_("Roster change: %(new)s replaces %(old)s")
                % {"new": leader.name, "old": previous.name},
                body=_("%(duty)s\nReason: %(reason)s")
                % {"duty": describe(locked), "reason": reason}
                + overridden(problems, override),
                duties=[locked],
                by=by,
            )
    return locked


def _mark_changed(*duties: Duty) -> None:
    now = timezone.now()
    for duty in duties:
        if duty.is_published:
            duty.changed_after_publication_at = now
        duty.version += 1
        duty.save()
    transaction.on_commit(clear_public_cache)


def describe(duty: Duty) -> str:
    return _("%(kind)s %(date)s: %(leader)s (%(position)s)") % {
        "kind": duty.get_kind_display(),
        "date": formats.date_format(duty.date, "DATE_FORMAT"),
        "leader": duty.leader.name,
        "position": duty.leader.position,
    }


def notify_office(*, subject: str, body: str, duties: Iterable[Duty] = (), by=None) -> Notification:
    """Store a notification for the leading group's office and queue its e-mail, in the
    caller's transaction: the mail exists exactly when the change does."""
    recipient = settings.ROSTER_OFFICE_EMAIL
    queued = outbox.queue_mail(recipient, subject, body, about=subject[:200]) if recipient else []
    note = Notification.objects.create(
        subject=subject[:200],
        body=body,
        created_by=by if getattr(by, "pk", None) else None,
        recipient=recipient,
        message=queued[0] if queued else None,
    )
    note.duties.set(list(duties))
    return note


def clear_public_cache() -> None:
    """Published days changed: a new stamp makes every cached public page stale, in every
    worker process on every node within a second (see schedules.public_cache's docstring)."""
    public_cache.new_stamp()


# --- Reminders ------------------------------------------------------------------------------


def briefing_url(duty: Duty) -> str:
    """The absolute address of the day's briefing (a page of the petitions app, found by its
    URL name: this app does not import that one)."""
    return settings.SITE_URL + reverse("petitions:day_briefing", args=[duty.pk])


def send_duty_reminders(
    day: datetime.date, days_before: int | None = None, *, today: datetime.date | None = None
) -> int:
    """Queue a reminder to each leader and contact person whose duty is ``days_before`` days
    after ``day``; returns how many were queued now.

    Each reminder is queued once, however often the day is run (its dedupe key); a duty that
    already lies before ``today`` (a day caught up late) is not reminded of any more.
    """
    days = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    target = day + datetime.timedelta(days=days)
    if today is not None and target < today:
        return 0
    queued = 0
    for duty in Duty.objects.published().filter(date=target).with_people():
        subject = _("Reminder: %(duty)s") % {"duty": describe(duty)}
        for role, person in (("leader", duty.leader), ("contact", duty.contact)):
            address = person.reminder_email() if person else ""
            if not address:
                continue
            key = f"duty-reminder:{duty.pk}:{role}-{person.pk}:{duty.date.isoformat()}"
            body = _reminder_body(duty, person)
            queued += len(outbox.queue_mail(address, subject, body, about=subject, dedupe_key=key))
    return queued


def _reminder_body(duty: Duty, person) -> str:
    place = duty.place.name if duty.place else duty.destination
    return _(
        "Dear %(name)s,\n\nyou are on duty on %(date)s (%(kind)s). Leader: %(leader)s. "
        "Contact person: %(contact)s. Place: %(place)s.\n\n"
        "The day's briefing (cases, deadlines, follow-ups): %(link)s\n"
    ) % {
        "name": person.name,
        "date": formats.date_format(duty.date, "DATE_FORMAT"),
        "kind": duty.get_kind_display(),
        "leader": duty.leader.name,
        "contact": duty.contact.name if duty.contact else "-",
        "place": place or "-",
        "link": briefing_url(duty),
    }

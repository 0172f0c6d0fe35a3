"""The daily reminders of both apps: duty reminders (schedules), the cases' due reminders to
the units and the late supervision replies to the leaders.

The task queue runs ``catch_up`` every hour on any worker (petitions/tasks.py); the
``sendreminders`` command runs ``remind`` for one day. A day is done once: its ``ReminderRun``
row is inserted in the same transaction as the day's reminders, so a second worker running
the same day waits for the first and then finds the row. Each reminder also has a dedupe key
in the outbox, so running a day again (the command) queues nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from accounts.models import ReminderRun
from petitions import notifications
from schedules import services

# After a longer break only the last days (today included) are caught up: older ones are moot.
CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class DayReminders:
    day: datetime.date
    duty: int
    case: int


def remind(
    day: datetime.date,
    *,
    today: datetime.date | None = None,
    days_before: int | None = None,
    again: bool = True,
) -> DayReminders | None:
    """Queue ``day``'s reminders that are still worth sending on ``today`` (default: ``day``).

    The day's row and its reminders commit together: a run that dies leaves the day undone.
    A day already run is run again only with ``again`` (None otherwise). A day caught up late
    still reminds of duties to come; its case list would be stale, so the cases' due
    reminders go out for today only.
    """
    today = today or day
    # The mails go out in the office's language, whatever the worker's or shell's locale.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        # A concurrent run of the same day waits here until the first one commits.
        run, created = ReminderRun.objects.get_or_create(day=day)
        if not created:
            if not again:
                return None
            run = ReminderRun.objects.select_for_update().get(pk=run.pk)
        duty = services.send_duty_reminders(day, days_before, today=today)
        case = (
            notifications.send_due_reminders(day) + notifications.send_supervision_reminders(day)
            if day == today
            else 0
        )
        run.duty_reminders += duty
        run.case_reminders += case
        run.save(update_fields=["duty_reminders", "case_reminders"])
    return DayReminders(day, duty, case)


def catch_up(now: datetime.datetime | None = None) -> list[DayReminders]:
    """Run every day since the last run that is not done yet (today from REMINDER_HOUR on),
    at most ``CATCH_UP_DAYS`` back; a day another worker did is skipped."""
    now = timezone.localtime(now)
    today = now.date()
    last = today if now.hour >= settings.REMINDER_HOUR else today - datetime.timedelta(days=1)
    # (A day run ahead by hand, ``sendreminders --date``, does not stop the days before it.)
    done = ReminderRun.objects.filter(day__lte=today).aggregate(last=Max("day"))["last"]
    if done is None:  # a new install starts today, with no backlog
        first = today
    else:
        oldest = today - datetime.timedelta(days=CATCH_UP_DAYS - 1)
        first = max(done + datetime.timedelta(days=1), oldest)
    results = []
    day = first
    while day <= last:
        result = remind(day, today=today, again=False)
        if result is not None:
            results.append(result)
        day += datetime.timedelta(days=1)
    return results

"""``manage.py sendreminders``: queue one day's reminder mails.

The task queue does this every day by itself (petitions/tasks.py); the command runs the same
code for a given date, for cron users and for checking. Running a day twice queues nothing
twice.
"""

from __future__ import annotations

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from petitions import reminders


def _date(value: str) -> datetime.date:
    """argparse type: an ISO date, with a readable error instead of a traceback."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Queue the reminder mails due today: to the leader and contact person of each published "
        "duty N days ahead (REMINDER_DAYS_BEFORE), the cases' due-date reminders, and to each "
        "leader the replies to their supervision instructions that are late. The task queue's "
        "workers send them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", type=_date, default=None, help="Act as if today were this day (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Remind this many days before the duty (default: REMINDER_DAYS_BEFORE).",
        )

    def handle(self, *args, date: datetime.date | None, days: int | None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError(_("--days must be 0 or more."))
        today = date or timezone.localdate()
        done = reminders.remind(today, days_before=days)
        # The report is in the office's language too, like the mails.
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(
                _("%(date)s: queued %(count)d duty reminder(s).")
                % {"date": today.isoformat(), "count": done.duty}
            )
            self.stdout.write(
                _("%(date)s: queued %(count)d case reminder(s).")
                % {"date": today.isoformat(), "count": done.case}
            )


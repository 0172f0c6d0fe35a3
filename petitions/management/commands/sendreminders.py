"""``manage.py sendreminders``: the daily reminder mails (run it once a day from cron)."""

from __future__ import annotations

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from petitions import notifications
from schedules import services


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
        "Send the reminder mails due today: to the leader and contact person of each published "
        "duty N days ahead (REMINDER_DAYS_BEFORE), the cases' due-date reminders, and to each "
        "leader the replies to their supervision instructions that are late."
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
        # The mails go out in the office's language, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            sent = services.send_duty_reminders(today, days)
            self.stdout.write(
                _("%(date)s: sent %(count)d duty reminder(s).")
                % {"date": today.isoformat(), "count": sent}
            )
            due = notifications.send_due_reminders(today)
            self.stdout.write(
                _("%(date)s: sent %(count)s case reminder(s).")
                % {"date": today.isoformat(), "count": due}
            )
            late = notifications.send_supervision_reminders(today)
            self.stdout.write(
                _("%(date)s: sent %(count)s reminder(s) of late supervision replies.")
                % {"date": today.isoformat(), "count": late}
            )

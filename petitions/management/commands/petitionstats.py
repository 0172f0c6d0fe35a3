"""``petitionstats``: the statistics of a date range as CSV, for scripts and checks.

    python manage.py petitionstats --from 2025-01-01 --to 2025-03-31
    python manage.py petitionstats --from 2025-01-01 --to 2025-03-31 --by pollution

Without ``--by``: one ``name,value`` row per headline figure (``statistics.COMMAND_FIGURES``);
with it: ``group,cases,people`` per value of the breakdown. The numbers are the page's.
"""

from __future__ import annotations

import csv
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from petitions import statistics as st
from petitions.stats_queries import DIMENSIONS
from petitions.stats_report import breakdown, build_report


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Print the statistics of the cases received in a date range as CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--by", choices=DIMENSIONS, help="one row per value of this")

    def handle(self, *args, start: str, end: str, by: str | None = None, **options) -> None:
        period = st.Period("range", _date(start), _date(end))
        if period.start > period.end:
            raise CommandError("--to is before --from.")
        writer = csv.writer(self.stdout, lineterminator="\n")
        if by:
            writer.writerow(["group", "cases", "people"])
            for row in breakdown(None, by, period, 0):
                if row.cases:
                    writer.writerow([row.label, row.cases, row.people])
            return
        report = build_report(period, timezone.localdate())
        writer.writerow(["name", "value"])
        writer.writerows(report.command_figures())

"""``manage.py refreshstats``: count the statistics' summary again from every case.

PostgreSQL keeps the summary up to date by itself (``petitions/stats_summary.py``). Run this
after changing ``TIME_ZONE``, ``GROUP_PETITION_SIZE``, ``ACCEPTANCE_DAYS`` or ``HANDLING_DAYS``
(until then the statistics are counted live, slowly), or after loading cases with triggers off.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from petitions.stats_summary import refresh, summary_ready


class Command(BaseCommand):
    help = "Count the statistics' summary again from every case, with the running settings."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only say whether it is counted with these settings",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            self.stdout.write("current" if summary_ready() else "stale: run refreshstats")
            return
        started = time.perf_counter()
        refresh()
        self.stdout.write(f"counted in {time.perf_counter() - started:.1f} s")

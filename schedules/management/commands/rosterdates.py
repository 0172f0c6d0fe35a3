"""``manage.py rosterdates YEAR``: the dates the plan's rule gives, as CSV.

Also holds the options and CSV output that ``rostercheck`` shares with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import translation
from django.utils.translation import gettext as _

from schedules import services
from schedules.models import Duty
from schedules.workdays import YEARS

MAKEUP_CHOICES = {"use": True, "skip": False}


def add_year_argument(parser) -> None:
    parser.add_argument("year", type=int, help="The roster year, e.g. 2024.")


def add_makeup_argument(parser) -> None:
    parser.add_argument(
        "--makeup-days",
        choices=sorted(MAKEUP_CHOICES),
        default=None,
        help=(
            "Whether weekend make-up working days (补班) may carry a duty. Default: the site "
            "setting administrators change in the app."
        ),
    )


def makeup_option(value: str | None) -> bool | None:
    """None lets the services read the site setting."""
    return None if value is None else MAKEUP_CHOICES[value]


def check_year(year: int) -> int:
    """The same bounds as the web pages: a typo like 224 fails loudly instead of printing."""
    if year not in YEARS:
        # The message names the bounds of YEARS; it is kept as translated.
        raise CommandError(_("%(year)s is not a roster year (2000-2100).") % {"year": year})
    return year


def write_csv(stdout: OutputWrapper, header: list[str], rows: Iterable[list]) -> None:
    """Write CSV to the command's output in one piece, with plain newlines for pipes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    stdout.write(buffer.getvalue(), ending="")


HEADER = ["kind", "nominal_date", "date", "status", "reason"]


class Command(BaseCommand):
    help = (
        "Print as CSV the reception and visit dates that the rule '遇节假日顺延至下一个工作日' "
        "gives for each month of YEAR, with the reason when a date moved."
    )

    def add_arguments(self, parser) -> None:
        add_year_argument(parser)
        parser.add_argument(
            "--kind", choices=Duty.Kind.values, help="Only this roster (default: both)."
        )
        add_makeup_argument(parser)

    def handle(self, *args, year: int, kind: str | None, makeup_days: str | None, **options):
        year = check_year(year)
        kinds = [kind] if kind else [Duty.Kind.RECEPTION, Duty.Kind.VISIT]
        # Reasons and holiday names are for people: in the office's language, not the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            dates = services.rule_dates(year, makeup=makeup_option(makeup_days))
            rows = [
                [
                    each,
                    dd.nominal.isoformat(),
                    dd.date.isoformat(),
                    "provisional" if dd.provisional else "confirmed",
                    services.move_reason(dd),
                ]
                for each in kinds
                for dd in dates[each]
            ]
        write_csv(self.stdout, HEADER, rows)

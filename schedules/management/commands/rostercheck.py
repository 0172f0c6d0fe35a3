"""``manage.py rostercheck YEAR``: the stored duties that depart from the rule, as CSV."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from schedules import services
from schedules.management.commands.rosterdates import (
    add_makeup_argument,
    add_year_argument,
    check_year,
    makeup_option,
    write_csv,
)
from schedules.models import Duty
from schedules.warnings import duty_warnings

HEADER = ["kind", "date", "leader", "rule_date", "reason"]


class Command(BaseCommand):
    help = (
        "Print as CSV every standing duty of YEAR that departs from the rule or has a warning "
        "(day off, absent leader, two duties a day): one line per duty, reasons joined by '; '."
    )

    def add_arguments(self, parser) -> None:
        add_year_argument(parser)
        add_makeup_argument(parser)

    def handle(self, *args, year: int, makeup_days: str | None, **options) -> None:
        year = check_year(year)
        makeup = makeup_option(makeup_days)
        with translation.override(settings.LANGUAGE_CODE):
            cal = services.calendar()
            duties = list(
                Duty.objects.of_year(year).current().with_people().order_by("date", "kind")
            )
            rules = {
                (kind, dd.nominal.month): dd.date
                for kind, dds in services.rule_dates(year, makeup=makeup, cal=cal).items()
                for dd in dds
            }
            reasons: dict[int, list[str]] = {}
            for warning in duty_warnings(duties, cal=cal, makeup=makeup):
                reasons.setdefault(warning.duty.pk, []).append(warning.message)
            # One line per duty keeps the output a list of the duties to look at.
            rows = [
                [
                    duty.kind,
                    duty.date.isoformat(),
                    duty.leader.name,
                    rules[(duty.kind, duty.month)].isoformat(),
                    "; ".join(reasons[duty.pk]),
                ]
                for duty in duties
                if duty.pk in reasons
            ]
        write_csv(self.stdout, HEADER, rows)

"""``manage.py rostercheck YEAR``: the stored duties that depart from the rule, as CSV.

With ``--apply --reason TEXT`` it moves the published duties that depart from the rule to the
rule's date (as the year page's confirmed step does) and prints what it moved, in the same
columns: ``date`` is where the duty was, ``rule_date`` where it is now.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from schedules import changes, services
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
        "(day off, absent leader, two duties a day): one line per duty, reasons joined by '; '. "
        "With --apply --reason TEXT, move the published duties that depart from the rule to the "
        "rule's date and print those."
    )

    def add_arguments(self, parser) -> None:
        add_year_argument(parser)
        add_makeup_argument(parser)
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Move the published duties that depart from the rule to the rule's date.",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why they move (kept in the history and sent to the office); needed with --apply.",
        )

    def handle(self, *args, year: int, makeup_days: str | None, **options) -> None:
        year = check_year(year)
        makeup = makeup_option(makeup_days)
        if options["apply"] and not options["reason"].strip():
            raise CommandError(_("--apply needs --reason TEXT: say why the duties move."))
        with translation.override(settings.LANGUAGE_CODE):
            rows = (
                self._apply(year, makeup, options["reason"])
                if options["apply"]
                else self._check(year, makeup)
            )
        write_csv(self.stdout, HEADER, rows)

    def _check(self, year: int, makeup: bool | None) -> list[list[str]]:
        cal = services.calendar()
        duties = list(Duty.objects.of_year(year).current().with_people().order_by("date", "kind"))
        rules = {
            (kind, dd.nominal.month): dd.date
            for kind, dds in services.rule_dates(year, makeup=makeup, cal=cal).items()
            for dd in dds
        }
        reasons: dict[int, list[str]] = {}
        for warning in duty_warnings(duties, cal=cal, makeup=makeup):
            reasons.setdefault(warning.duty.pk, []).append(warning.message)
        # One line per duty keeps the output a list of the duties to look at.
        return [
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

    def _apply(self, year: int, makeup: bool | None, reason: str) -> list[list[str]]:
        try:
            moved = changes.follow_rule(year, reason=reason, makeup=makeup)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return [
            [m.duty.kind, m.date.isoformat(), m.duty.leader.name, m.rule_date.isoformat(), m.reason]
            for m in moved
        ]

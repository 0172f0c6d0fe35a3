"""The roster app's management commands: rosterdates and rostercheck."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schedules.models import Duty, SiteSettings
from schedules.workdays import library_confirmed_years

PROVISIONAL_YEAR = max(library_confirmed_years()) + 1


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def csv_lines(*args) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run(*args))))


@pytest.fixture
def makeup_days_allowed(db):
    site = SiteSettings.load()
    site.makeup_days_carry_duty = True
    site.save()


# --- rosterdates ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rosterdates_header():
    assert run("rosterdates", "2024").splitlines()[0] == "kind,nominal_date,date,status,reason"


@pytest.mark.django_db
def test_rosterdates_moves_february_reception_past_spring_festival():
    february = csv_lines("rosterdates", "2024")[2]

    assert february[:4] == ["reception", "2024-02-12", "2024-02-19", "confirmed"]
    assert "春节" in february[4] and "2月19日" in february[4]


@pytest.mark.django_db
def test_rosterdates_lists_reception_then_visit_rows():
    kinds = [row[0] for row in csv_lines("rosterdates", "2024")[1:]]

    assert kinds == ["reception"] * 12 + ["visit"] * 12


@pytest.mark.django_db
def test_rosterdates_leaves_reason_empty_when_not_moved():
    january = csv_lines("rosterdates", "2024")[1]

    assert january == ["reception", "2024-01-12", "2024-01-12", "confirmed", ""]


@pytest.mark.django_db
def test_rosterdates_skips_makeup_days_by_default():
    october = csv_lines("rosterdates", "2024", "--kind", "reception")[10]

    assert october[1:3] == ["2024-10-12", "2024-10-14"]


@pytest.mark.django_db
def test_rosterdates_use_makeup_days_keeps_saturday_12_october():
    october = csv_lines("rosterdates", "2024", "--kind", "reception", "--makeup-days", "use")[10]

    assert october[1:4] == ["2024-10-12", "2024-10-12", "confirmed"]


def test_rosterdates_default_follows_the_site_setting(makeup_days_allowed):
    october = csv_lines("rosterdates", "2024", "--kind", "reception")[10]

    assert october[2] == "2024-10-12"


def test_rosterdates_skip_overrides_the_site_setting(makeup_days_allowed):
    october = csv_lines("rosterdates", "2024", "--kind", "reception", "--makeup-days", "skip")[10]

    assert october[2] == "2024-10-14"


@pytest.mark.django_db
def test_rosterdates_marks_an_unconfirmed_year_provisional():
    rows = csv_lines("rosterdates", str(PROVISIONAL_YEAR))[1:]

    assert {row[3] for row in rows} == {"provisional"}


@pytest.mark.django_db
def test_rosterdates_kind_visit_prints_only_visit_rows():
    lines = run("rosterdates", "2024", "--kind", "visit").splitlines()

    assert len(lines) == 13
    assert all(line.startswith("visit,") for line in lines[1:])


@pytest.mark.django_db
def test_rosterdates_refuses_an_implausible_year():
    with pytest.raises(CommandError):
        run("rosterdates", "224")


# --- rostercheck ------------------------------------------------------------------------------


def checked(*options) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in csv_lines("rostercheck", "2024", *options)[1:]]


def test_rostercheck_header(plan_2024):
    assert run("rostercheck", "2024").splitlines()[0] == "kind,date,leader,rule_date,reason"


def test_rostercheck_lists_the_three_duties_the_plan_keeps_on_days_off(plan_2024):
    assert checked() == [
        ("reception", "2024-02-12"),
        ("visit", "2024-02-15"),
        ("visit", "2024-09-16"),
    ]


def test_rostercheck_with_makeup_days_adds_14_october(plan_2024):
    assert checked("--makeup-days", "use") == [
        ("reception", "2024-02-12"),
        ("visit", "2024-02-15"),
        ("visit", "2024-09-16"),
        ("reception", "2024-10-14"),
    ]


def test_rostercheck_default_follows_the_site_setting(plan_2024, makeup_days_allowed):
    assert ("reception", "2024-10-14") in checked()


def test_rostercheck_gives_leader_rule_date_and_every_reason(plan_2024):
    february = csv_lines("rostercheck", "2024")[1]

    assert february[2:4] == ["王晓东", "2024-02-19"]
    assert "; " in february[4]  # a day off, and not the rule's date
    assert "春节" in february[4]


def test_rostercheck_ignores_cancelled_duties(plan_2024):
    Duty.objects.filter(year=2024, month=9, kind=Duty.Kind.VISIT).update(state=Duty.State.CANCELLED)

    assert ("visit", "2024-09-16") not in checked()

"""Tests for schedules.workdays: the "遇节假日顺延至下一个工作日" rule on the official calendar.

Pure functions only: no Django settings and no database are needed here.
The expected tables below were worked out by hand from the State Council's arrangements
(2024, 2025 and 2026 notices, as carried by holidays.China), not copied from the code.
"""

from datetime import date

import holidays
import pytest
from holidays.countries.china import ChinaStaticHolidays

from schedules import workdays
from schedules.workdays import (
    Calendar,
    Cause,
    Correction,
    DutyDate,
    duty_date,
    library_confirmed_years,
    roster_dates,
)


def d(text: str) -> date:
    """Shorthand: d("2024-02-12")."""
    return date.fromisoformat(text)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


# --- Hand-made tables -------------------------------------------------------------------------
#
# 2024 (Jan 1 is a Monday). Off: Jan 1; Feb 10-17 (make-up Sun Feb 4, Sun Feb 18); Apr 4-6
# (make-up Sun Apr 7); May 1-5 (make-up Sun Apr 28, Sat May 11); Jun 10; Sep 15-17 (make-up
# Sat Sep 14); Oct 1-7 (make-up Sun Sep 29, Sat Oct 12).
#   12th: Fri, Mon*, Tue, Fri, Sun, Wed, Fri, Mon, Thu, Sat(make-up), Tue, Thu
#   15th: Mon, Thu*, Fri, Mon, Wed, Sat, Mon, Thu, Sun, Tue, Fri, Sun
# 2025 (Jan 1 is a Wednesday). Off: Jan 1; Jan 28-Feb 4 (make-up Sun Jan 26, Sat Feb 8);
# Apr 4-6; May 1-5 (make-up Sun Apr 27); May 31-Jun 2; Oct 1-8 (make-up Sun Sep 28, Sat Oct 11).
#   12th: Sun, Wed, Wed, Sat, Mon, Thu, Sat, Tue, Fri, Sun, Wed, Fri
#   15th: Wed, Sat, Sat, Tue, Thu, Sun, Tue, Fri, Mon, Wed, Sat, Mon
#   No make-up day is ever reached from the 12th or 15th, so both settings agree.
# 2026 (Jan 1 is a Thursday). Off: Jan 1-3 (make-up Sun Jan 4); Feb 15-23 (make-up Sat Feb 14,
# Sat Feb 28); Apr 4-6; May 1-5 (make-up Sat May 9); Jun 19-21; Sep 25-27; Oct 1-7 (make-up
# Sun Sep 20, Sat Oct 10).
#   12th: Mon, Thu, Thu, Sun, Tue, Fri, Sun, Wed, Sat, Mon, Thu, Sat
#   15th: Thu, Sun, Sun, Wed, Fri, Mon, Wed, Sat, Tue, Thu, Sun, Tue
#   Again no make-up day is reached, so both settings agree.

EXPECTED_NO_MAKEUP: dict[int, dict[str, list[str]]] = {
    2024: {
        "reception": [
            "2024-01-12", "2024-02-19", "2024-03-12", "2024-04-12", "2024-05-13", "2024-06-12",
            "2024-07-12", "2024-08-12", "2024-09-12", "2024-10-14", "2024-11-12", "2024-12-12",
        ],
        "visit": [
            "2024-01-15", "2024-02-20", "2024-03-15", "2024-04-15", "2024-05-15", "2024-06-17",
            "2024-07-15", "2024-08-15", "2024-09-18", "2024-10-15", "2024-11-15", "2024-12-16",
        ],
    },
    2025: {
        "reception": [
            "2025-01-13", "2025-02-12", "2025-03-12", "2025-04-14", "2025-05-12", "2025-06-12",
            "2025-07-14", "2025-08-12", "2025-09-12", "2025-10-13", "2025-11-12", "2025-12-12",
        ],
        "visit": [
            "2025-01-15", "2025-02-17", "2025-03-17", "2025-04-15", "2025-05-15", "2025-06-16",
            "2025-07-15", "2025-08-15", "2025-09-15", "2025-10-15", "2025-11-17", "2025-12-15",
        ],
    },
    2026: {
        "reception": [
            "2026-01-12", "2026-02-12", "2026-03-12", "2026-04-13", "2026-05-12", "2026-06-12",
            "2026-07-13", "2026-08-12", "2026-09-14", "2026-10-12", "2026-11-12", "2026-12-14",
        ],
        "visit": [
            "2026-01-15", "2026-02-24", "2026-03-16", "2026-04-15", "2026-05-15", "2026-06-15",
            "2026-07-15", "2026-08-17", "2026-09-15", "2026-10-15", "2026-11-16", "2026-12-15",
        ],
    },
}  # fmt: skip


def _with_makeup_days() -> dict[int, dict[str, list[str]]]:
    """Same tables with make-up days allowed: only February and October 2024 differ."""
    table = {year: {k: list(v) for k, v in rosters.items()} for year, rosters in
             EXPECTED_NO_MAKEUP.items()}  # fmt: skip
    # Sunday Feb 18 is a make-up day: the reception lands on it, the visit moves past it.
    table[2024]["reception"][1] = "2024-02-18"
    table[2024]["visit"][1] = "2024-02-19"
    # Saturday Oct 12 is a make-up day and may now carry the reception.
    table[2024]["reception"][9] = "2024-10-12"
    return table


EXPECTED_WITH_MAKEUP = _with_makeup_days()


@pytest.mark.parametrize(
    ("year", "allow_makeup", "expected"),
    [(year, False, EXPECTED_NO_MAKEUP[year]) for year in (2024, 2025, 2026)]
    + [(year, True, EXPECTED_WITH_MAKEUP[year]) for year in (2024, 2025, 2026)],
)
def test_roster_dates_match_hand_tables(
    calendar: Calendar, year: int, allow_makeup: bool, expected: dict[str, list[str]]
) -> None:
    rosters = roster_dates(calendar, year, allow_makeup=allow_makeup)
    got = {kind: [duty.date.isoformat() for duty in duties] for kind, duties in rosters.items()}
    assert got == expected


def test_roster_dates_nominal_days_are_12th_and_15th(calendar: Calendar) -> None:
    rosters = roster_dates(calendar, 2024, allow_makeup=False)
    assert [duty.nominal for duty in rosters["reception"]] == [
        date(2024, month, 12) for month in range(1, 13)
    ]
    assert [duty.nominal for duty in rosters["visit"]] == [
        date(2024, month, 15) for month in range(1, 13)
    ]


def test_roster_dates_custom_days(calendar: Calendar) -> None:
    rosters = roster_dates(calendar, 2024, allow_makeup=False, reception_day=10, visit_day=20)
    # Feb 10 falls in the Spring Festival break; Jan 20 2024 is a Saturday.
    assert rosters["reception"][1].date == d("2024-02-19")
    assert rosters["visit"][0].date == d("2024-01-22")


# --- Known 2024 facts, one by one ---------------------------------------------------------------


def test_reception_february_2024_moves_past_spring_festival_and_makeup_sunday(
    calendar: Calendar,
) -> None:
    duty = duty_date(calendar, 2024, 2, 12, allow_makeup=False)
    assert duty.nominal == d("2024-02-12")
    assert duty.date == d("2024-02-19")
    assert duty.cause is Cause.HOLIDAY
    assert duty.day_name is not None and "春节" in duty.day_name
    assert duty.moved
    assert not duty.provisional


def test_visit_february_2024_avoids_reception_day(calendar: Calendar) -> None:
    rosters = roster_dates(calendar, 2024, allow_makeup=False)
    visit = rosters["visit"][1]
    # Feb 15-16 are moved days off, 17 Sat, 18 a make-up Sunday, 19 the reception day.
    assert visit.date == d("2024-02-20")
    assert visit.cause is Cause.DAY_OFF


@pytest.mark.parametrize(
    ("month", "nominal_day", "expected", "cause"),
    [
        (5, 12, "2024-05-13", Cause.WEEKEND),  # Sunday
        (6, 15, "2024-06-17", Cause.WEEKEND),  # Saturday
        (9, 15, "2024-09-18", Cause.WEEKEND),  # Sunday, then 16 day off and 17 Mid-Autumn
        (10, 12, "2024-10-14", Cause.MAKEUP_DAY),  # Saturday make-up working day
        (12, 15, "2024-12-16", Cause.WEEKEND),  # Sunday
    ],
)
def test_2024_moves(
    calendar: Calendar, month: int, nominal_day: int, expected: str, cause: Cause
) -> None:
    duty = duty_date(calendar, 2024, month, nominal_day, allow_makeup=False)
    assert duty.date == d(expected)
    assert duty.cause is cause


def test_weekend_move_has_no_day_name(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 5, 12, allow_makeup=False)
    assert duty.day_name is None


def test_makeup_move_has_no_day_name(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 10, 12, allow_makeup=False)
    assert duty.day_name is None


def test_working_day_stays(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 9, 12, allow_makeup=False)
    assert duty == DutyDate(
        nominal=d("2024-09-12"),
        date=d("2024-09-12"),
        cause=None,
        day_name=None,
        provisional=False,
    )
    assert not duty.moved


def test_makeup_day_kept_when_allowed(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 10, 12, allow_makeup=True)
    assert duty.date == d("2024-10-12")
    assert duty.cause is None


def test_visit_on_reception_day_gets_reception_cause(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 3, 12, allow_makeup=False, avoid=(d("2024-03-12"),))
    assert duty.date == d("2024-03-13")
    assert duty.cause is Cause.RECEPTION_DAY


def test_avoided_makeup_day_when_allowed_is_reception_cause(calendar: Calendar) -> None:
    # The make-up Saturday is eligible when allowed, so only `avoid` can move it.
    duty = duty_date(calendar, 2024, 10, 12, allow_makeup=True, avoid=(d("2024-10-12"),))
    assert duty.date == d("2024-10-14")
    assert duty.cause is Cause.RECEPTION_DAY


# --- Calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-02-18", True),  # make-up Sunday (补班)
        ("2024-10-12", True),  # make-up Saturday (补班)
        ("2024-02-12", False),  # Spring Festival
        ("2024-09-16", False),  # moved day off (调休)
        ("2024-06-15", False),  # ordinary Saturday
        ("2024-09-12", True),  # ordinary Thursday
    ],
)
def test_is_working_day(calendar: Calendar, day: str, expected: bool) -> None:
    assert calendar.is_working_day(d(day)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2024-02-18", True), ("2024-10-12", True), ("2024-06-15", False), ("2024-09-12", False)],
)
def test_is_makeup_day(calendar: Calendar, day: str, expected: bool) -> None:
    assert calendar.is_makeup_day(d(day)) is expected


@pytest.mark.parametrize(
    ("day", "cause"),
    [
        ("2024-02-12", Cause.HOLIDAY),
        ("2024-02-13", Cause.HOLIDAY),  # Spring Festival in lieu (补假) of the weekend days
        ("2024-02-10", Cause.HOLIDAY),  # Spring Festival on a Saturday
        ("2024-02-15", Cause.DAY_OFF),
        ("2024-09-16", Cause.DAY_OFF),
        ("2024-09-17", Cause.HOLIDAY),
        ("2024-06-15", Cause.WEEKEND),
        ("2024-09-12", None),
        ("2024-02-18", None),
    ],
)
def test_cause(calendar: Calendar, day: str, cause: Cause | None) -> None:
    assert calendar.cause(d(day)) is cause


def test_day_name_of_moved_day_off_is_the_library_label(calendar: Calendar) -> None:
    # The library label names the weekend day the day off was moved from, and 调休.
    name = calendar.day_name(d("2024-09-16"))
    assert name is not None and "2024-09-14" in name and "调休" in name


def test_day_name_of_festival(calendar: Calendar) -> None:
    assert calendar.day_name(d("2024-09-17")) == "中秋节"


def test_day_name_of_plain_day_is_none(calendar: Calendar) -> None:
    assert calendar.day_name(d("2024-06-15")) is None


def test_day_name_in_english() -> None:
    calendar = Calendar(language="en_US")
    name = calendar.day_name(d("2024-02-12"))
    assert name is not None and "Spring Festival" in name


def test_cause_does_not_depend_on_language() -> None:
    calendar = Calendar(language="en_US")
    assert calendar.cause(d("2024-09-16")) is Cause.DAY_OFF
    assert calendar.cause(d("2024-09-17")) is Cause.HOLIDAY


def test_unsupported_language_is_rejected() -> None:
    with pytest.raises(ValueError):
        Calendar(language="fr")


def test_next_working_day_skips_makeup_when_not_allowed(calendar: Calendar) -> None:
    assert calendar.next_working_day(d("2024-10-12"), allow_makeup=False) == d("2024-10-14")


def test_next_working_day_keeps_makeup_by_default(calendar: Calendar) -> None:
    assert calendar.next_working_day(d("2024-10-12")) == d("2024-10-12")


def test_next_working_day_skips_avoided_days(calendar: Calendar) -> None:
    avoid = {d("2024-03-12"), d("2024-03-13")}
    assert calendar.next_working_day(d("2024-03-12"), avoid=avoid) == d("2024-03-14")


def test_next_working_day_gives_up_after_a_year() -> None:
    start = d("2024-03-01")
    everything_off = [
        Correction(day=date.fromordinal(start.toordinal() + i), is_working_day=False)
        for i in range(400)
    ]
    with pytest.raises(ValueError):
        Calendar(corrections=everything_off).next_working_day(start)


def test_library_built_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real_china = holidays.China

    def counting_china(*args: object, **kwargs: object) -> holidays.HolidayBase:
        built.append(kwargs.get("years"))
        return real_china(*args, **kwargs)

    calendar = Calendar()
    monkeypatch.setattr(workdays.holidays, "China", counting_china)
    roster_dates(calendar, 2024, allow_makeup=False)
    assert built == [2024]


# --- Corrections --------------------------------------------------------------------------------


def test_correction_makes_holiday_a_working_day() -> None:
    calendar = Calendar(corrections=[Correction(day=d("2024-02-12"), is_working_day=True)])
    assert calendar.is_working_day(d("2024-02-12"))
    assert calendar.cause(d("2024-02-12")) is None


def test_correction_makes_weekday_a_day_off() -> None:
    calendar = Calendar(
        corrections=[Correction(day=d("2024-03-12"), is_working_day=False, note="临时调休")]
    )
    assert not calendar.is_working_day(d("2024-03-12"))
    assert calendar.cause(d("2024-03-12")) is Cause.DAY_OFF
    assert calendar.day_name(d("2024-03-12")) == "临时调休"


def test_correction_day_off_moves_duty_with_note() -> None:
    calendar = Calendar(
        corrections=[Correction(day=d("2024-03-12"), is_working_day=False, note="临时调休")]
    )
    duty = duty_date(calendar, 2024, 3, 12, allow_makeup=False)
    assert duty.date == d("2024-03-13")
    assert duty.cause is Cause.DAY_OFF
    assert duty.day_name == "临时调休"


def test_correction_makes_saturday_a_makeup_day() -> None:
    calendar = Calendar(
        corrections=[Correction(day=d("2024-06-15"), is_working_day=True, note="补班")]
    )
    assert calendar.is_makeup_day(d("2024-06-15"))
    assert duty_date(calendar, 2024, 6, 15, allow_makeup=True).date == d("2024-06-15")


def test_correction_cancelling_makeup_day_is_a_weekend() -> None:
    calendar = Calendar(corrections=[Correction(day=d("2024-10-12"), is_working_day=False)])
    assert not calendar.is_working_day(d("2024-10-12"))
    assert calendar.cause(d("2024-10-12")) is Cause.WEEKEND


def test_correction_note_overrides_library_name() -> None:
    calendar = Calendar(
        corrections=[Correction(day=d("2024-09-17"), is_working_day=False, note="中秋")]
    )
    assert calendar.day_name(d("2024-09-17")) == "中秋"
    assert calendar.cause(d("2024-09-17")) is Cause.HOLIDAY


# --- Confirmed years ----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_library_confirms_published_years(calendar: Calendar, year: int) -> None:
    assert year in library_confirmed_years()
    assert calendar.is_confirmed(year)


def test_library_confirmed_years_follow_library_data() -> None:
    assert max(library_confirmed_years()) == max(ChinaStaticHolidays.special_public_holidays)


def test_2027_is_not_confirmed(calendar: Calendar) -> None:
    assert 2027 not in library_confirmed_years()
    assert not calendar.is_confirmed(2027)


def test_confirmed_years_argument_confirms_2027() -> None:
    assert Calendar(confirmed_years=[2027]).is_confirmed(2027)


def test_2027_duties_are_provisional(calendar: Calendar) -> None:
    rosters = roster_dates(calendar, 2027, allow_makeup=False)
    assert all(duty.provisional for duty in rosters["reception"] + rosters["visit"])


def test_2027_duties_final_when_confirmed() -> None:
    rosters = roster_dates(Calendar(confirmed_years=[2027]), 2027, allow_makeup=False)
    assert not any(duty.provisional for duty in rosters["reception"] + rosters["visit"])


def test_2027_february_reception_stays_after_known_spring_festival(calendar: Calendar) -> None:
    # The library knows Spring Festival 2027 as Feb 5-10 (eve, days 1-3, two in lieu days);
    # Friday Feb 12 is past it, so the reception keeps its day until the arrangement appears.
    duty = duty_date(calendar, 2027, 2, 12, allow_makeup=False)
    assert duty.date == d("2027-02-12")
    assert duty.provisional


def test_2027_day_in_spring_festival_moves_off_it(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2027, 2, 8, allow_makeup=False)
    assert duty.date == d("2027-02-11")
    assert duty.cause is Cause.HOLIDAY
    assert duty.day_name is not None and "春节" in duty.day_name
    assert duty.provisional


def test_2027_visit_moves_off_mid_autumn(calendar: Calendar) -> None:
    visit = roster_dates(calendar, 2027, allow_makeup=False)["visit"][8]
    assert visit.nominal == d("2027-09-15")
    assert visit.date == d("2027-09-16")
    assert visit.cause is Cause.HOLIDAY
    assert visit.day_name == "中秋节"


def test_move_into_unconfirmed_year_is_provisional(calendar: Calendar) -> None:
    # Friday 2026-12-31 is a working day; a correction pushes the duty into 2027.
    calendar = Calendar(corrections=[Correction(day=d("2026-12-31"), is_working_day=False)])
    duty = duty_date(calendar, 2026, 12, 31, allow_makeup=False)
    assert duty.date == d("2027-01-04")  # Jan 1 New Year's Day, then the weekend
    assert duty.provisional


# --- Month lengths ------------------------------------------------------------------------------


def test_nominal_day_clamped_to_month_length(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2024, 2, 31, allow_makeup=False)
    assert duty.nominal == d("2024-02-29")  # leap year, a Thursday
    assert duty.date == d("2024-02-29")


def test_move_crosses_month_end(calendar: Calendar) -> None:
    # 2026-02-28 is a make-up Saturday, skipped by default; Mar 1 is a Sunday.
    duty = duty_date(calendar, 2026, 2, 31, allow_makeup=False)
    assert duty.nominal == d("2026-02-28")
    assert duty.date == d("2026-03-02")
    assert duty.cause is Cause.MAKEUP_DAY


def test_move_crosses_year_end(calendar: Calendar) -> None:
    duty = duty_date(calendar, 2023, 12, 31, allow_makeup=False)
    assert duty.date == d("2024-01-02")  # Sunday, then New Year's Day
    assert duty.cause is Cause.WEEKEND
    assert not duty.provisional


@pytest.mark.parametrize("nominal_day", [0, 32])
def test_nominal_day_out_of_range_is_rejected(calendar: Calendar, nominal_day: int) -> None:
    with pytest.raises(ValueError):
        duty_date(calendar, 2024, 1, nominal_day, allow_makeup=False)

"""Working-day arithmetic for the reception and visit rosters.

The plan says a duty day that is not a working day "遇节假日顺延至下一个工作日": it moves
forward to the next working day of the official Chinese calendar. That calendar is the
State Council's yearly arrangement (statutory holidays, moved days off 调休 and weekend
make-up working days 补班), which `holidays.China` carries for the years already published.
Administrators can correct single days by hand (for a year the library does not know yet,
or if the library is wrong), so corrections always win over the library.

Everything here is pure: no Django, no database, no clock. Callers build a `Calendar` per
request (with the corrections and confirmed years they loaded) and pass it around.
"""

from calendar import monthrange
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import holidays
from holidays.countries.china import ChinaStaticHolidays

# Saturday and Sunday, as `date.weekday()` numbers them.
WEEKEND_DAYS = frozenset({5, 6})

# A search for the next working day never needs more than a few weeks; a year is a safe
# bound that still stops a loop when corrections mark every day off.
MAX_SEARCH_DAYS = 366

# The years the application plans for: rosters, case numbers and every year typed in a URL.
YEARS = range(2000, 2101)


class Cause(StrEnum):
    """Why the nominal day of a duty could not be used."""

    HOLIDAY = "holiday"  # statutory public holiday in holidays.China
    DAY_OFF = "day_off"  # State Council moved day off (调休), or a correction marking a day off
    WEEKEND = "weekend"  # ordinary Saturday/Sunday
    MAKEUP_DAY = "makeup_day"  # weekend make-up working day (补班), skipped by the setting
    RECEPTION_DAY = "reception_day"  # a visit day that would fall on the month's reception day


@dataclass(frozen=True)
class Correction:
    """An administrator's override of one day of the official calendar."""

    day: date
    is_working_day: bool
    note: str = ""


@dataclass(frozen=True)
class DutyDate:
    """A duty day as the rule gives it, with the reason when it moved off the nominal day."""

    nominal: date  # the day the plan names, e.g. 2024-02-12
    date: date  # the day the rule gives, e.g. 2024-02-19
    cause: Cause | None  # None when date == nominal
    day_name: str | None  # name of the nominal day when it is a holiday/day off, else None
    provisional: bool  # the year's official arrangement is not confirmed yet

    @property
    def moved(self) -> bool:
        """True when the rule moved the duty off its nominal day."""
        return self.date != self.nominal


def library_confirmed_years() -> range:
    """Years whose official arrangement (调休) the installed `holidays` package carries.

    Derived from the library's own data so that upgrading the package confirms a new year
    without a code change. The library records arrangements from its first entry (2001)
    through its last one; a year in between without swaps is still a published year.
    """
    years = ChinaStaticHolidays.special_public_holidays.keys()
    return range(min(years), max(years) + 1)


def _substituted_days(year: int) -> frozenset[date]:
    """Days off the State Council moved (调休) in `year`, from the library's own table.

    The library stores them as (to_month, to_day, from_month, from_day[, from_year]) tuples;
    3-tuples are named special holidays (e.g. an extended Spring Festival), not moves.
    Reading the table keeps the classification independent of the display language.
    """
    entries = ChinaStaticHolidays.special_public_holidays.get(year, ())
    if entries and isinstance(entries[0], int):  # a year with a single, unwrapped entry
        entries = (entries,)
    return frozenset(date(year, entry[0], entry[1]) for entry in entries if len(entry) >= 4)


class Calendar:
    """The official working-day calendar, with administrators' corrections on top.

    Built per request: it caches one `holidays.China` object per year it is asked about,
    so walking day by day through a roster does not rebuild the library's tables.
    """

    def __init__(
        self,
        corrections: Iterable[Correction] = (),
        confirmed_years: Iterable[int] = (),
        language: str = "zh_CN",
    ) -> None:
        if language not in holidays.China.supported_languages:
            raise ValueError(f"holidays.China does not support language {language!r}")
        # A later correction for the same day replaces an earlier one.
        self._corrections: dict[date, Correction] = {c.day: c for c in corrections}
        self._confirmed_years = frozenset(confirmed_years)
        self._library_years = library_confirmed_years()
        self.language = language
        self._libraries: dict[int, holidays.HolidayBase] = {}
        self._substituted: dict[int, frozenset[date]] = {}

    def _library(self, year: int) -> holidays.HolidayBase:
        """The library's holidays for one year, built once per Calendar."""
        if year not in self._libraries:
            self._libraries[year] = holidays.China(years=year, language=self.language)
        return self._libraries[year]

    def _is_substituted(self, day: date) -> bool:
        """True when the library has `day` as a moved day off (调休), not a festival."""
        if day.year not in self._substituted:
            self._substituted[day.year] = _substituted_days(day.year)
        return day in self._substituted[day.year]

    def _library_is_working_day(self, day: date) -> bool:
        """The library's answer, ignoring corrections."""
        library = self._library(day.year)
        if day.weekday() in WEEKEND_DAYS:
            # Make-up days (补班) of the arrangement are the only working weekend days.
            return day in library.weekend_workdays
        return day not in library

    def is_working_day(self, day: date) -> bool:
        """Whether the office works on `day`: a correction wins, else the official calendar."""
        correction = self._corrections.get(day)
        if correction is not None:
            return correction.is_working_day
        return self._library_is_working_day(day)

    def is_makeup_day(self, day: date) -> bool:
        """A Saturday or Sunday that is a working day (补班, or corrected to one)."""
        return day.weekday() in WEEKEND_DAYS and self.is_working_day(day)

    def is_confirmed(self, year: int) -> bool:
        """Whether the year's official arrangement is known, so its rosters are final."""
        return year in self._library_years or year in self._confirmed_years

    def day_name(self, day: date) -> str | None:
        """What to call the day in a notice: the correction's note, else the holiday name."""
        correction = self._corrections.get(day)
        if correction is not None and correction.note:
            return correction.note
        return self._library(day.year).get(day)

    def cause(self, day: date) -> Cause | None:
        """Why `day` is not a working day (HOLIDAY, DAY_OFF or WEEKEND); None when it is one."""
        if self.is_working_day(day):
            return None
        is_weekend = day.weekday() in WEEKEND_DAYS
        if self._library_is_working_day(day):
            # Only a correction can make the day off here; on a weekend it is just a weekend
            # (e.g. a make-up day the official arrangement dropped).
            return Cause.WEEKEND if is_weekend else Cause.DAY_OFF
        if day in self._library(day.year):
            return Cause.DAY_OFF if self._is_substituted(day) else Cause.HOLIDAY
        return Cause.WEEKEND

    def is_eligible(self, day: date, *, allow_makeup: bool = True) -> bool:
        """Whether a duty may be held on `day` under the make-up setting."""
        if not self.is_working_day(day):
            return False
        return allow_makeup or not self.is_makeup_day(day)

    def previous_working_day(self, day: date) -> date:
        """The last working day before `day` (when bookings for a day held on `day` close)."""
        candidate = day - timedelta(days=1)
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate -= timedelta(days=1)
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days before {day.isoformat()}")

    def next_working_day(
        self, day: date, *, allow_makeup: bool = True, avoid: Collection[date] = ()
    ) -> date:
        """First day on or after `day` that may carry a duty.

        That is a working day, not a make-up weekend day unless `allow_makeup`, and not one
        of the `avoid` days (e.g. the month's reception day, for a visit).
        """
        candidate = day
        for _ in range(MAX_SEARCH_DAYS):
            if candidate not in avoid and self.is_eligible(candidate, allow_makeup=allow_makeup):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days of {day.isoformat()}")


def nominal_date(year: int, month: int, nominal_day: int) -> date:
    """The plan's day in a month, clamped to the month's length (e.g. 31 -> 29 February)."""
    if not 1 <= nominal_day <= 31:
        raise ValueError(f"nominal day must be between 1 and 31, got {nominal_day}")
    return date(year, month, min(nominal_day, monthrange(year, month)[1]))


def duty_date(
    calendar: Calendar,
    year: int,
    month: int,
    nominal_day: int,
    *,
    allow_makeup: bool,
    avoid: Collection[date] = (),
) -> DutyDate:
    """Apply "遇节假日顺延至下一个工作日" to one month's duty day, recording why it moved.

    The cause is the first reason found on the nominal day itself: not a working day, then
    a make-up day the setting forbids, then a day in `avoid` (the month's reception day).
    """
    nominal = nominal_date(year, month, nominal_day)
    actual = calendar.next_working_day(nominal, allow_makeup=allow_makeup, avoid=avoid)

    cause: Cause | None = None
    if actual != nominal:
        cause = calendar.cause(nominal)
        if cause is None and not allow_makeup and calendar.is_makeup_day(nominal):
            cause = Cause.MAKEUP_DAY
        elif cause is None:
            # The nominal day was eligible, so only `avoid` can have moved it.
            cause = Cause.RECEPTION_DAY

    day_name = calendar.day_name(nominal) if cause in (Cause.HOLIDAY, Cause.DAY_OFF) else None
    # A move across New Year depends on the next year's arrangement too.
    provisional = not (calendar.is_confirmed(year) and calendar.is_confirmed(actual.year))
    return DutyDate(
        nominal=nominal, date=actual, cause=cause, day_name=day_name, provisional=provisional
    )


def roster_dates(
    calendar: Calendar,
    year: int,
    *,
    allow_makeup: bool,
    reception_day: int = 12,
    visit_day: int = 15,
) -> dict[str, list[DutyDate]]:
    """The rule's reception and visit dates for each month of `year`.

    A leader cannot hold a reception and a visit on the same day, so each month's visit
    also avoids that month's reception date and moves to the next eligible day after it.
    """
    reception: list[DutyDate] = []
    visit: list[DutyDate] = []
    for month in range(1, 13):
        received = duty_date(calendar, year, month, reception_day, allow_makeup=allow_makeup)
        reception.append(received)
        visit.append(
            duty_date(
                calendar,
                year,
                month,
                visit_day,
                allow_makeup=allow_makeup,
                avoid=(received.date,),
            )
        )
    return {"reception": reception, "visit": visit}

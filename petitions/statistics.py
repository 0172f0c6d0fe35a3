"""The definitions of the statistics, once, as pure functions over rows (no database here).

``petitions/stats_queries.py`` fetches the rows: each ``Facts`` row is a kind of case with how
many cases of that kind there are (``count``), so a year of cases arrives as a few thousand
GROUP BY rows; a hand-made test case is a row with ``count=1``. The page's footnotes, the
workbook, the document and the ``petitionstats`` command all read the figures made here.

The definitions (shown as footnotes on the page):

* Period: a case belongs to the day it was received, in local time (a case received at 23:59
  on 31 January is January's), from and to inclusive. A case counts in that period only, once,
  whatever month its later steps fall in: the rates of a past period can still change while its
  cases are handled.
* Group petition (群体访): people >= GROUP_PETITION_SIZE (批次 = cases, 人次 = people).
* Repeat (重复访): the repeat mark intake sets (``is_repeat``). Skip-level (越级访): the mark.
* Accepted on time (及时受理): accepted, or recorded as not accepted, within ACCEPTANCE_DAYS
  days after the day of receipt (day 15 counts, day 16 is late). Counted among the cases
  decided and those still undecided after the limit (late); a case within its limit is not
  counted yet.
* Not accepted: counts in every total and breakdown and in the acceptance rate; never in the
  closing or satisfaction rates (there is no answer to give).
* Closed on time (按期办结): the first answer within HANDLING_DAYS after acceptance, plus the
  approved extension. Counted among the accepted cases answered and those unanswered past
  their limit. A review (复查/复核) is not a new case: the case keeps its first answer's result.
* Satisfaction (满意率): satisfied or basically satisfied among the rated answers; 参评率:
  rated among the answered.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings

SATISFIED_VALUES = ("satisfied", "basically")
NOT_ACCEPTED = "not_accepted"


class Facts(NamedTuple):
    """A kind of case as the rules read it, and how many cases are of that kind.

    Lags are whole days between local dates; ``waiting`` is the days since receipt (not yet
    decided) or since acceptance (accepted, not yet answered), else None.
    """

    count: int = 1
    people_count: int = 1
    state: str = "registered"
    is_repeat: bool = False
    skipped_level: bool = False
    decision_lag: int | None = None
    accepted: bool = False
    answer_lag: int | None = None
    extension_days: int = 0
    satisfaction: str = ""
    waiting: int | None = None
    key: Hashable = None  # what the row is grouped by (a leader, a unit, a month...)


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day a moment belongs to, in the city's time zone (settings.TIME_ZONE)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def in_period(received_at: datetime.datetime, start: datetime.date, end: datetime.date) -> bool:
    """Whether a case received at ``received_at`` belongs to the period (inclusive)."""
    return start <= local_day(received_at) <= end


def is_group(row: Facts) -> bool:
    return row.people_count >= settings.GROUP_PETITION_SIZE


def acceptance_counted(row: Facts) -> bool:
    """In the denominator of the acceptance rate: decided, or undecided past the limit."""
    if row.decision_lag is not None:
        return True
    return row.waiting is not None and row.waiting > settings.ACCEPTANCE_DAYS


def accepted_on_time(row: Facts) -> bool:
    return row.decision_lag is not None and row.decision_lag <= settings.ACCEPTANCE_DAYS


def closing_limit(row: Facts) -> int:
    """Days allowed from acceptance to the answer: the limit plus the approved extension."""
    return settings.HANDLING_DAYS + row.extension_days


def closing_counted(row: Facts) -> bool:
    """In the denominator of the closing rate: accepted and answered, or unanswered late."""
    if not row.accepted:
        return False
    if row.answer_lag is not None:
        return True
    return row.waiting is not None and row.waiting > closing_limit(row)


def closed_on_time(row: Facts) -> bool:
    return row.accepted and row.answer_lag is not None and row.answer_lag <= closing_limit(row)


def answered(row: Facts) -> bool:
    return row.accepted and row.answer_lag is not None


def rated(row: Facts) -> bool:
    return answered(row) and bool(row.satisfaction)


def satisfied(row: Facts) -> bool:
    return rated(row) and row.satisfaction in SATISFIED_VALUES


# The headline figures, in the order the command prints them: name -> which cases count.
FIGURES: dict[str, Callable[[Facts], bool]] = {
    "total": lambda row: True,
    "group_petitions": is_group,
    "skip_level": lambda row: row.skipped_level,
    "repeat": lambda row: row.is_repeat,
    "not_accepted": lambda row: row.state == NOT_ACCEPTED,
    "acceptance_counted": acceptance_counted,
    "accepted_on_time": accepted_on_time,
    "closing_counted": closing_counted,
    "closed_on_time": closed_on_time,
    "answered": answered,
    "rated": rated,
    "satisfied": satisfied,
}
COMMAND_FIGURES = (
    "total",
    "group_petitions",
    "skip_level",
    "repeat",
    "accepted_on_time",
    "closed_on_time",
    "rated",
    "satisfied",
)


@dataclass
class Tally:
    """Cases and people of each figure."""

    cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    people: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, row: Facts, names: Iterable[str] = FIGURES) -> None:
        """Count ``row`` in each figure (or only in ``names``) whose rule it meets."""
        for name in names:
            if FIGURES[name](row):
                self.cases[name] += row.count
                self.people[name] += row.count * row.people_count

    def merge(self, other: Tally) -> None:
        """Add another tally's counts (cases counted apart, e.g. finished and open ones)."""
        for name in FIGURES:
            self.cases[name] += other.cases[name]
            self.people[name] += other.people[name]


def tally(rows: Iterable[Facts]) -> Tally:
    result = Tally()
    for row in rows:
        result.add(row)
    return result


def tally_by_key(rows: Iterable[Facts], names: Iterable[str] = FIGURES) -> dict[Hashable, Tally]:
    """One tally per ``key`` (a leader, a duty day, a unit, a month), of every figure or only
    of ``names`` (the others stay 0)."""
    names = tuple(names)
    result: dict[Hashable, Tally] = {}
    for row in rows:
        result.setdefault(row.key, Tally()).add(row, names)
    return result


class Rate(NamedTuple):
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """The rate in percent, one decimal; None when nothing is counted yet."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


def rates(figures: Tally) -> dict[str, Rate]:
    """及时受理率, 按期办结率, 群众满意率 and 参评率."""
    c = figures.cases
    return {
        "acceptance": Rate(c["accepted_on_time"], c["acceptance_counted"]),
        "closing": Rate(c["closed_on_time"], c["closing_counted"]),
        "satisfaction": Rate(c["satisfied"], c["rated"]),
        "rating": Rate(c["rated"], c["answered"]),
    }


def change(current: int, earlier: int) -> float | None:
    """Change against an earlier period in percent (环比, 同比); None when it had nothing."""
    if not earlier:
        return None
    return round(100 * (current - earlier) / earlier, 1)


def share(part: int, whole: int) -> float | None:
    """A breakdown's share of the period's cases (several pollution types may add up to more
    than 100%)."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def average(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


# --- Periods ----------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "year", "range")


def _minus_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


class Period(NamedTuple):
    """A period of receipt, from and to inclusive."""

    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", datetime.date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls("quarter", datetime.date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def previous(self) -> Period:
        """The period just before (环比): the month, quarter or year before; a range of the same
        length ending the day before."""
        if self.kind == "month":
            before = self.start - datetime.timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            before = self.start - datetime.timedelta(days=1)
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Period("range", end - length, end)

    def year_earlier(self) -> Period:
        """The same period a year earlier (同比)."""
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        return Period(self.kind, _minus_year(self.start), _minus_year(self.end))

"""One period's statistics, assembled once for the page, the workbook, the document and the
command: the figures (``petitions/statistics.py``) over the rows (``petitions/stats_queries.py``).

Seven queries whatever the period (and the overdue list for the document), from the summary
PostgreSQL keeps (``petitions/stats_summary.py``): the period's figures (finished cases from the
summary, open ones live), every breakdown of the period, the previous one and the year earlier
at once with their names (the earlier periods' totals add up from them), the monthly marks of
two years, the units' overdue cases and the open cases' days to answer. The live queries'
SQL is compiled once per process (``petitions/kept_sql.py``); the rest is written-out SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from petitions import statistics as st
from petitions import stats_queries as q
from petitions import stats_summary as summary
from petitions.matters import Industry, PollutionSubtype, PollutionType
from petitions.models import Case, Category, Channel, Classification
from schedules.models import District, Duty

CHOICE_LABELS = {
    "channel": Channel,
    "category": Category,
    "classification": Classification,
    "district": District,
}
OVERDUE_LIST_ROWS = 50


@dataclass
class BreakdownRow:
    value: Any  # what the register filters by ("none": not classified)
    label: str
    cases: int
    people: int
    share: float | None
    previous: int
    year_earlier: int

    @property
    def mom(self) -> float | None:
        return st.change(self.cases, self.previous)

    @property
    def yoy(self) -> float | None:
        return st.change(self.cases, self.year_earlier)


@dataclass
class Report:
    period: st.Period
    today: datetime.date
    figures: st.Tally
    rates: dict[str, st.Rate]
    previous_total: int | None = None  # cases received in the previous period (环比)
    year_earlier_total: int | None = None  # and in the same period a year earlier (同比)
    breakdowns: dict[str, list[BreakdownRow]] = field(default_factory=dict)
    trend: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    leaders: list[tuple[Any, str, st.Tally]] = field(default_factory=list)
    days: list[tuple[Any, str, st.Tally]] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    overdue: list[Case] = field(default_factory=list)

    def command_figures(self) -> list[tuple[str, int]]:
        return [(name, self.figures.cases[name]) for name in st.COMMAND_FIGURES]


def _labeller(dimension: str):
    """The label of a breakdown row's value, as a function; choices translated once."""
    if dimension in CHOICE_LABELS:
        labels = {value: str(label) for value, label in CHOICE_LABELS[dimension].choices}
        return lambda row: labels.get(row["value"], row["value"])
    if dimension in ("unit", "leader"):
        return lambda row: row[f"{dimension}__name"]
    english = (get_language() or "").startswith("en")
    prefix = "industry__" if dimension == "industry" else ""

    def label(row: dict) -> str:
        name = (
            row[f"{prefix}name_en"] if english and row[f"{prefix}name_en"] else row[f"{prefix}name"]
        )
        return f"{row['industry__code']} {name}" if dimension == "industry" else name

    return label


def _label(dimension: str, row: dict, labeller=None) -> str:
    if row["value"] is None:
        return _("Not classified")
    return (labeller or _labeller(dimension))(row)


def breakdown(source, dimension: str, period: st.Period, total: int) -> list[BreakdownRow]:
    if source is None:
        with summary.reading() as source:
            return breakdown(source, dimension, period, total)
    periods = {"now": period, "prev": period.previous(), "yoy": period.year_earlier()}
    labeller = _labeller(dimension)
    rows = [
        BreakdownRow(
            value="none" if row["value"] is None else row["value"],
            label=_label(dimension, row, labeller),
            cases=row["now_cases"],
            people=row["now_people"],
            share=st.share(row["now_cases"], total),
            previous=row["prev_cases"],
            year_earlier=row["yoy_cases"],
        )
        for row in source.breakdown(dimension, periods)
    ]
    rows = [row for row in rows if row.cases or row.previous or row.year_earlier]
    return sorted(rows, key=lambda row: (row.value == "none", -row.cases, row.label))


def _retally(tallies: dict[tuple, st.Tally], index: int) -> dict:
    """The tallies per key merged by one part of the key (the unit, the leader ...)."""
    merged: dict = {}
    for key, tally in tallies.items():
        merged.setdefault(key[index], st.Tally()).merge(tally)
    return merged


def _day_label(key: tuple, kinds: dict | None = None) -> str:
    _unit, _leader, _duty, date, kind = key
    kind_label = kinds[kind] if kinds else Duty.Kind(kind).label
    return f"{date:%Y-%m-%d} {kind_label}"


def _day_rows(days: dict) -> list[tuple[Any, str, st.Tally]]:
    """One row per duty day (its tallies merged over units), labelled, by label."""
    kinds = {value: str(label) for value, label in Duty.Kind.choices}
    return sorted(
        ((key[2], _day_label(key, kinds), tally) for key, tally in _merge_days(days).items()),
        key=lambda item: item[1],
    )


def build_report(
    period: st.Period, today: datetime.date, cases=None, overdue_list: bool = True
) -> Report:
    """Everything the page, the workbook and the document show for ``period`` (the page
    shows no list of overdue cases: ``overdue_list=False`` spares its query)."""
    with summary.reading(cases) as source:
        report = _build(source, period, today)
        if overdue_list:
            overdue = q.overdue_cases(Case.objects.all(), today)[:OVERDUE_LIST_ROWS]
            report.overdue = list(overdue)
        return report


def _build(source, period: st.Period, today: datetime.date) -> Report:
    tallies = source.tallies(period, today)
    figures = summary.tally_sum(tallies)
    report = Report(period=period, today=today, figures=figures, rates=st.rates(figures))
    total = figures.cases["total"]
    for dimension in q.DIMENSIONS:
        report.breakdowns[dimension] = breakdown(source, dimension, period, total)
    # Every case has one channel (or none: a row too), so the channels' rows add up to the
    # cases of each period: the earlier periods' totals without counting their figures.
    report.previous_total = sum(row.previous for row in report.breakdowns["channel"])
    report.year_earlier_total = sum(row.year_earlier for row in report.breakdowns["channel"])
    report.trend = monthly_trend(source, period.end.year)
    _people_and_units(report, source, tallies, today)
    return report


def chart_report(period: st.Period, today: datetime.date, name: str) -> Report:
    """Only what one chart draws (``charts.CHART_NAMES``): two or three queries, not a report
    (the summary's settings, then the summary; the rates read the open cases too)."""
    with summary.reading() as source:
        figures = st.Tally()
        if name == "rates":
            figures = summary.tally_sum(source.tallies(period, today))
        report = Report(period=period, today=today, figures=figures, rates=st.rates(figures))
        if name == "trend":
            report.trend = monthly_trend(source, period.end.year)
        elif name in q.DIMENSIONS:
            report.breakdowns[name] = breakdown(source, name, period, 0)
    return report


def monthly_trend(source, year: int) -> dict[str, list[tuple[int, int, int]]]:
    """群体访, 越级访 and 重复访 per month: (month, this year, the year before)."""
    figures = ("group_petitions", "skip_level", "repeat")
    by_month = st.tally_by_key(source.trend((year - 1, year)), figures)
    trend = {}
    for figure in figures:
        trend[figure] = [
            (
                month,
                by_month.get((year, month), st.Tally()).cases[figure],
                by_month.get((year - 1, month), st.Tally()).cases[figure],
            )
            for month in range(1, 13)
        ]
    return trend


def _people_and_units(report: Report, source, tallies: dict, today) -> None:
    names = {}
    for dimension in ("leader", "unit"):
        names[dimension] = {r.value: r.label for r in report.breakdowns[dimension]}
    leaders = _retally(tallies, 1)
    report.leaders = [
        (key, names["leader"].get(key, ""), tally) for key, tally in leaders.items() if key
    ]
    days = {key: tally for key, tally in tallies.items() if key[2]}
    report.days = _day_rows(days)
    overdue = q.overdue_by_unit(Case.objects.all(), today, "all")
    answered = source.answer_days(report.period)
    for key, tally in _retally(tallies, 0).items():
        if key is None:
            continue
        days_total, days_count = answered.get(key, (0, 0))
        report.units.append(
            {
                "id": key,
                "name": names["unit"].get(key, ""),
                "tally": tally,
                "overdue": overdue.get(key, 0),
                "average_days": st.average(days_total, days_count),
            }
        )
    report.units.sort(key=lambda unit: unit["name"])


def _merge_days(days: dict) -> dict:
    """One tally per duty day (the rows are also split by unit)."""
    merged: dict = {}
    for key, tally in days.items():
        day_key = (None, key[1], key[2], key[3], key[4])
        merged.setdefault(day_key, st.Tally()).merge(tally)
    return merged


# --- The register, opened from a figure ---------------------------------------------------------

FIGURE_LABELS = {
    "group_petitions": gettext_lazy("Group petitions"),
    "skip_level": gettext_lazy("Skip-level petitions"),
    "repeat": gettext_lazy("Repeat petitions"),
    "not_accepted": gettext_lazy("Not accepted"),
    "acceptance_counted": gettext_lazy("Counted for the acceptance rate"),
    "accepted_on_time": gettext_lazy("Accepted or refused on time"),
    "closing_counted": gettext_lazy("Counted for the closing rate"),
    "closed_on_time": gettext_lazy("Answered on time"),
    "answered": gettext_lazy("Answered"),
    "rated": gettext_lazy("Rated"),
    "satisfied": gettext_lazy("Satisfied or basically satisfied"),
}
MATTER_FILTER_MODELS = {
    "pollution": (gettext_lazy("Pollution type"), PollutionType),
    "subtype": (gettext_lazy("Pollution sub-type"), PollutionSubtype),
    "industry": (gettext_lazy("Industry"), Industry),
}


def statistics_filter_notes(data: dict) -> list[tuple[str, str]]:
    """(what, which) for each statistics filter the register applies, so its list reads as
    the figure it came from; at most one small query per active filter."""
    notes = []
    for name, (title, model) in MATTER_FILTER_MODELS.items():
        value = data.get(name)
        if value == "none":
            notes.append((str(title), _("Not classified")))
        elif value:
            entry = model.objects.filter(pk=int(value)).first()
            notes.append((str(title), str(entry) if entry else f"#{value}"))
    if data.get("figure") in FIGURE_LABELS:
        notes.append((_("Figure"), str(FIGURE_LABELS[data["figure"]])))
    return notes


# --- The leader's home --------------------------------------------------------------------------


def headline_report(period: st.Period, today: datetime.date) -> Report:
    """The headline figures and rates alone (no breakdowns): three queries."""
    with summary.reading() as source:
        figures = summary.tally_sum(source.tallies(period, today))
    return Report(period=period, today=today, figures=figures, rates=st.rates(figures))


def leader_days(leader, period: st.Period, today: datetime.date) -> list[tuple[Any, str, st.Tally]]:
    """The results of ``leader``'s own reception and visit days in ``period``: one query."""
    with summary.reading() as source:
        tallies = source.tallies(period, today, leader=leader)
    days = {key: tally for key, tally in tallies.items() if key[2]}
    return _day_rows(days)[::-1]

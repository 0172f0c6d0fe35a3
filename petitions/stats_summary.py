"""Where the statistics' rows come from: the summary PostgreSQL keeps, or the cases themselves.

A million cases cannot be grouped on every page view, so triggers (migration
``0024_statistics_triggers``) keep per-day sums in ``stats_models``, in the transaction that
changes a case or its pollution types:

* every case by each breakdown's value (``StatBreakdown``), and per month by its marks
  (``StatMarks``: people, skip-level, repeat, for the monthly trend, counted by ``statistics``
  itself);
* the figures of each *finished* case (closed, not accepted, transferred) per unit, leader and
  duty day (``StatDay``). A finished case's figures never change with the date: nothing of it
  waits, so its acceptance and closing rate denominators are simply "decided" and "answered".

The figures of *open* cases depend on today (a case undecided after 15 days counts as late), so
they are counted live by ``statistics`` over ``stats_queries.period_facts``, restricted to the
open cases, which the partial index ``case_open_received_idx`` finds without reading the
finished ones. The summary's rules for finished cases are those of ``statistics`` written in
SQL; ``tests/petitions/test_stats_summary.py`` checks that both count the same on varied cases.

The summary records the time zone, group size and time limits it was counted with; while they
differ from the settings (after a change, or before ``refreshstats`` ran), ``reading()``
counts everything live: slower, never wrong.

Costs: a saved case whose statistics' columns did not change writes nothing; one that did
updates a few rows of its day and month, locked until its transaction commits (two desks
registering at once wait a moment for each other). A bulk load with triggers off must end
with ``refreshstats`` (the bench does so).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Hashable, Iterator

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet, Sum

from petitions import stats_queries as q
from petitions.matters import Industry, PollutionSubtype, PollutionType
from petitions.models import Case
from petitions.statistics import FIGURES, Facts, Period, Tally, tally_by_key
from petitions.stats_models import DAY_FIGURES, StatBreakdown, StatDay, StatMarks, StatSettings
from schedules.models import Duty, Leader, Unit

Key = tuple  # (unit id, leader id, duty id, duty date, duty kind), as stats_queries.KEY_FIELDS

# A finished case's column for each figure of ``statistics.FIGURES``.
SUMMARY_COLUMN = {name: name for name in FIGURES} | {
    "acceptance_counted": "decided",
    "closing_counted": "answered",
}


def settings_row() -> dict:
    return {
        "time_zone": settings.TIME_ZONE,
        "group_size": settings.GROUP_PETITION_SIZE,
        "acceptance_days": settings.ACCEPTANCE_DAYS,
        "handling_days": settings.HANDLING_DAYS,
    }


def summary_ready() -> bool:
    """Whether the summary was counted with the running settings (one small query)."""
    stored = StatSettings.objects.values(*settings_row()).first()
    return stored == settings_row()


@checks.register(checks.Tags.database)
def summary_check(app_configs, databases=None, **kwargs) -> list[checks.Warning]:
    """``migrate`` and ``check --database default`` say when the statistics are counted live
    (slowly) because the summary was counted with other settings."""
    if not databases:
        return []
    try:
        ready = summary_ready()
    except DatabaseError:  # not migrated yet
        return []
    if ready:
        return []
    return [
        checks.Warning(
            "The statistics' summary was counted with another time zone, group size or time "
            "limit: the statistics are counted from the cases themselves, slowly.",
            hint="Run: python manage.py refreshstats",
            id="xinfang.W008",
        )
    ]


def refresh() -> None:
    """Record the running settings and count every case again (``manage.py refreshstats``)."""
    with transaction.atomic():
        StatSettings.objects.all().delete()
        StatSettings.objects.create(**settings_row())
        with connection.cursor() as cursor:
            cursor.execute("SELECT petitions_stat_rebuild()")


class LiveSource:
    """The rows grouped from the cases themselves (the definition; slow on a million)."""

    kept_as: str | None = None  # which cases ``self.cases`` are, for ``kept_sql``'s key

    def __init__(self, cases: QuerySet | None = None) -> None:
        self.cases = Case.objects.all() if cases is None else cases

    def tallies(self, period: Period, today: datetime.date, leader=None) -> dict[Key, Tally]:
        return self.tallies_of([period], today, leader)[0]

    def tallies_of(
        self, periods: list[Period], today: datetime.date, leader=None
    ) -> list[dict[Key, Tally]]:
        """Each period's tallies per key (unit, leader, duty day): one query."""
        cases = self.cases if leader is None else self.cases.filter(leader=leader)
        key = None if self.kept_as is None else (self.kept_as, leader and leader.pk)
        return [tally_by_key(rows) for rows in q.periods_facts(cases, periods, today, key)]

    def answer_days(self, period: Period) -> dict[int, tuple[int, int]]:
        return q.answer_days_by_unit(self.cases, period, self.kept_as)

    def breakdown(self, dimension: str, periods: dict[str, Period]) -> list[dict]:
        return q.breakdown_rows(self.cases, dimension, periods)

    def trend(self, years: tuple[int, int]) -> list[Facts]:
        return q.trend_facts(self.cases, years)


def _tally(row: dict) -> Tally:
    """A finished case's sums as a ``statistics.Tally``."""
    return Tally(
        cases={name: row[f"cases_{column}"] for name, column in SUMMARY_COLUMN.items()},
        people={name: row[f"people_{column}"] for name, column in SUMMARY_COLUMN.items()},
    )


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _grains(period: Period) -> list[tuple[bool, datetime.date, datetime.date]]:
    """The summary rows of a period as (whole months?, first day, last day): its whole months'
    rows and the day rows at either end."""
    months_from = period.start if period.start.day == 1 else _first_of_next_month(period.start)
    months_until = _first_of_next_month(period.end)  # exclusive
    if months_until - datetime.timedelta(days=1) != period.end:
        months_until = period.end.replace(day=1)  # the last month is not whole
    if months_from >= months_until:
        return [(False, period.start, period.end)]
    grains = [(True, months_from, months_until - datetime.timedelta(days=1))]
    if period.start < months_from:
        grains.append((False, period.start, months_from - datetime.timedelta(days=1)))
    if months_until <= period.end:
        grains.append((False, months_until, period.end))
    return grains


def _in(period: Period) -> Q:
    inside = Q()
    for whole_month, first, last in _grains(period):
        inside |= Q(whole_month=whole_month, day__gte=first, day__lte=last)
    return inside


DAY_COLUMNS = (
    "answer_days",
    "answer_count",
    *(f"{kind}_{name}" for name in DAY_FIGURES for kind in ("cases", "people")),
)


def _in_sql(period: Period, table: str = "") -> tuple[str, list]:
    """``_in`` as SQL (a condition on the rows of ``table``, an alias) and its parameters."""
    grains = _grains(period)
    column = f"{table}." if table else ""
    where = f"({column}whole_month = %s AND {column}day BETWEEN %s AND %s)"
    return f"({' OR '.join([where] * len(grains))})", [v for grain in grains for v in grain]


def _day_part(tag: int, period: Period, leader) -> tuple[str, list]:
    """One period's finished cases per key, as SQL: written out rather than through the ORM,
    whose compiling of 24 sums three times took longer than the query runs."""
    where, params = _in_sql(period, "d")
    if leader is not None:
        where = f"{where} AND d.leader_id = %s"
        params.append(leader.pk)
    sums = ", ".join(f"sum(d.{column})::bigint" for column in DAY_COLUMNS)
    sql = (
        f"SELECT {tag:d}, d.unit_id, d.leader_id, d.duty_id, u.date, u.kind, {sums} "
        f"FROM {StatDay._meta.db_table} d LEFT JOIN {Duty._meta.db_table} u ON u.id = d.duty_id "
        f"WHERE {where} AND d.cases_total > 0 "
        "GROUP BY d.unit_id, d.leader_id, d.duty_id, u.date, u.kind"
    )
    return sql, params


def _day_rows(periods: list[Period], leader) -> list[dict]:
    parts = [_day_part(tag, period, leader) for tag, period in enumerate(periods)]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]
        )
        names = ("tag", *q.KEY_FIELDS, *DAY_COLUMNS)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class SummarySource(LiveSource):
    """The summary's sums for finished cases plus the live count of the open ones."""

    kept_as = "open"

    def __init__(self) -> None:
        super().__init__(Case.objects.open())
        self._answer_days: dict[Period, dict[int, tuple[int, int]]] = {}
        self._breakdowns: dict[tuple, dict[str, list[dict]]] = {}

    def tallies_of(
        self, periods: list[Period], today: datetime.date, leader=None
    ) -> list[dict[Key, Tally]]:
        """Per period and key: finished cases from the summary (one query), open ones live
        (one query)."""
        rows = _day_rows(periods, leader)
        result: list[dict[Key, Tally]] = [{} for _ in periods]
        answers: list[dict[int, tuple[int, int]]] = [{} for _ in periods]
        for row in rows:
            result[row["tag"]][tuple(row[k] for k in q.KEY_FIELDS)] = _tally(row)
            if row["answer_count"]:
                total, count = answers[row["tag"]].get(row["unit_id"], (0, 0))
                answers[row["tag"]][row["unit_id"]] = (
                    total + row["answer_days"],
                    count + row["answer_count"],
                )
        if leader is None:
            self._answer_days.update(zip(periods, answers, strict=True))
        for tallies, live in zip(result, super().tallies_of(periods, today, leader), strict=True):
            for key, tally in live.items():
                tallies.setdefault(key, Tally()).merge(tally)
        return result

    def answer_days(self, period: Period) -> dict[int, tuple[int, int]]:
        """Finished cases' days (read with ``tallies``) plus the open ones' (one query)."""
        finished = self._answer_days.get(period)
        result = dict(self._finished_answer_days(period) if finished is None else finished)
        for unit, (total, count) in super().answer_days(period).items():
            before = result.get(unit, (0, 0))
            result[unit] = (before[0] + total, before[1] + count)
        return result

    def _finished_answer_days(self, period: Period) -> dict[int, tuple[int, int]]:
        rows = (
            StatDay.objects.filter(_in(period))
            .values("unit_id")
            .annotate(days=Sum("answer_days"), n=Sum("answer_count"))
        )
        return {row["unit_id"]: (row["days"], row["n"]) for row in rows.order_by() if row["n"]}

    def breakdown(self, dimension: str, periods: dict[str, Period]) -> list[dict]:
        """Every breakdown of the periods in one query (and one for the names), kept."""
        key = tuple(sorted(periods.items()))
        if key not in self._breakdowns:
            self._breakdowns[key] = _breakdowns(periods)
        return self._breakdowns[key].get(dimension, [])

    def trend(self, years: tuple[int, int]) -> list[Facts]:
        """The marks per (year, month) of two years, from ``StatMarks``: one query (people
        as 1 or the group size, as ``stats_queries.trend_facts``)."""
        first, last = datetime.date(years[0], 1, 1), datetime.date(years[1], 12, 31)
        size = settings.GROUP_PETITION_SIZE
        with connection.cursor() as cursor:
            cursor.execute(TREND_SQL, [size, size, first, last])
            rows = cursor.fetchall()
        return [
            Facts(
                count=n,
                people_count=people_count,
                is_repeat=is_repeat,
                skipped_level=skipped_level,
                key=(y, m),
            )
            for y, m, people_count, skipped_level, is_repeat, n in rows
        ]


TREND_SQL = f"""
SELECT extract(year FROM month)::integer, extract(month FROM month)::integer,
    CASE WHEN people_count >= %s THEN %s ELSE 1 END, skipped_level, is_repeat, sum(cases)::bigint
FROM {StatMarks._meta.db_table} WHERE month BETWEEN %s AND %s AND cases > 0
GROUP BY 1, 2, 3, 4, 5
"""
ID_DIMENSIONS = ("unit", "leader", "industry", "pollution", "subtype")


def _breakdowns(periods: dict[str, Period]) -> dict[str, list[dict]]:
    """Rows as ``stats_queries.breakdown_rows`` gives them, for every dimension at once, with
    their names: one query (written out: the ORM's compiling of six filtered sums took
    longer than the query)."""
    wheres, sums, params = [], [], []
    for period in periods.values():
        where, where_params = _in_sql(period)
        wheres.append(where)
        for column in ("cases", "people"):
            sums.append(f"coalesce(sum({column}) FILTER (WHERE {where}), 0)::bigint")
            params += where_params
    any_params = [p for period in periods.values() for p in _in_sql(period)[1]]
    sql = (
        f"SELECT b.*, {NAME_COLUMNS} FROM (SELECT dimension, value, {', '.join(sums)} "
        f"FROM {StatBreakdown._meta.db_table} WHERE ({' OR '.join(wheres)}) "
        f"AND dimension = ANY(%s) GROUP BY dimension, value) b {NAME_JOINS}"
    )
    names = [f"{name}_{column}" for name in periods for column in ("cases", "people")]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *any_params, list(q.DIMENSIONS)])
        found = cursor.fetchall()
    result: dict[str, list[dict]] = {}
    for dimension, value, *counts, code, title, title_en in found:
        row = dict(zip(names, counts, strict=True))
        if not any(row[f"{name}_cases"] for name in periods):
            continue
        if dimension in ID_DIMENSIONS and value is not None:
            value = int(value)
        row["value"] = value
        if dimension in NAMED:
            _model, fields, prefix = NAMED[dimension]
            named = {"code": code, "name": title, "name_en": title_en}
            row.update({f"{prefix}{f}": named[f] for f in fields})
        result.setdefault(dimension, []).append(row)
    return result


NAMED = {  # dimension: (model, the name columns it has, their prefix in breakdown rows)
    "unit": (Unit, ("name",), "unit__"),
    "leader": (Leader, ("name",), "leader__"),
    "industry": (Industry, ("code", "name", "name_en"), "industry__"),
    "pollution": (PollutionType, ("name", "name_en"), ""),
    "subtype": (PollutionSubtype, ("name", "name_en"), ""),
}


def _name_sql() -> tuple[str, str]:
    """The names the page shows, as ``breakdown_rows`` joins them: a LEFT JOIN per named
    dimension on the summary's rows (``b``), and the code, name and English name they give
    ("" when none)."""
    joins, columns = [], {"code": [], "name": [], "name_en": []}
    for i, (dimension, (model, fields, _prefix)) in enumerate(NAMED.items()):
        ident = f"CASE WHEN b.dimension = '{dimension}' THEN b.value::integer END"
        joins.append(f"LEFT JOIN {model._meta.db_table} n{i} ON n{i}.id = {ident}")
        for field in fields:
            columns[field].append(f"n{i}.{field}")
    selected = ", ".join(f"coalesce({', '.join(found)}, '')" for found in columns.values())
    return selected, " ".join(joins)


NAME_COLUMNS, NAME_JOINS = _name_sql()

READY_SQL = """
SELECT set_config('jit', 'off', true), EXISTS (
    SELECT 1 FROM petitions_stat_settings
    WHERE time_zone = %s AND group_size = %s AND acceptance_days = %s AND handling_days = %s)
"""


@contextlib.contextmanager
def reading(cases: QuerySet | None = None) -> Iterator[LiveSource]:
    """Where a report's rows come from, in one transaction: the summary when it is counted
    with the running settings, the cases themselves when not (or for a particular set of
    cases). One query, which also switches PostgreSQL's JIT compilation off for the
    transaction: a year's open cases pass ``jit_above_cost``, and compiling takes tens of
    milliseconds, longer than the statistics' short queries run."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(READY_SQL, list(settings_row().values()))
        ready = cursor.fetchone()[1]
        yield SummarySource() if ready and cases is None else LiveSource(cases)


def tally_sum(tallies: dict[Hashable, Tally]) -> Tally:
    total = Tally()
    for tally in tallies.values():
        total.merge(tally)
    return total

"""The rows the statistics are made of: GROUP BY aggregates, never a query per case.

The rules are ``petitions/statistics.py``; here the database gives each case's raw facts (days
between local dates), grouped, so a year arrives as a few thousand rows. ``figure_filter``
selects the cases of one figure for the register's links; a test checks that it selects
exactly the cases the rules count.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Hashable

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from petitions.kept_sql import Slot, kept_rows
from petitions.matters import PollutionSubtype, PollutionType
from petitions.models import CLOSED_STATES, DUE_KEY, Case, ExtensionState, Satisfaction, State
from petitions.statistics import Facts, Period


def start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day``, aware (as the register's filter)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayDiff(Func):
    """Days from the second date to the first (PostgreSQL: date - date is an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first moment and the first moment after it (local days, inclusive)."""
    return start_of(period.start), start_of(period.end + datetime.timedelta(days=1))


def received_between(start, end, prefix: str = "") -> Q:
    """Received from ``start`` until before ``end``: moments, or ``kept_sql.Slot``s of them."""
    return Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end})


def received_in(period: Period, prefix: str = "") -> Q:
    """The cases received in the period (local days, inclusive): index-friendly bounds."""
    return received_between(*bounds(period), prefix)


def settings_key() -> tuple:
    """What the SQL of the statistics depends on besides its slots (``kept_sql``)."""
    return (
        settings.TIME_ZONE,
        timezone.get_current_timezone_name(),
        settings.GROUP_PETITION_SIZE,
        settings.ACCEPTANCE_DAYS,
        settings.HANDLING_DAYS,
        settings.EXTENSION_MAX_DAYS,
    )


def period_slots(count: int) -> list[tuple[Slot, Slot]]:
    """The bounds of ``count`` periods as slots, filled by :func:`period_values`."""
    return [
        (Slot(f"start{i}", DateTimeField()), Slot(f"end{i}", DateTimeField())) for i in range(count)
    ]


def period_values(periods: list[Period], today: datetime.date | None = None) -> dict:
    values = {"today": today}
    for i, period in enumerate(periods):
        values[f"start{i}"], values[f"end{i}"] = bounds(period)
    return values


def _first_answer():
    """The first answer's time: a review overwrites ``answered_at``, its history keeps it."""
    events = Case.pgh_event_model.objects.filter(
        pgh_obj_id=OuterRef("pk"), answered_at__isnull=False
    )
    first = events.order_by("pgh_id").values("answered_at")[:1]
    return CaseWhen(When(review_level=0, then=F("answered_at")), default=Subquery(first))


def with_facts(cases: QuerySet, today: datetime.date | Slot) -> QuerySet:
    """The cases annotated with the raw facts the rules read (see ``statistics.Facts``)."""
    today = today if isinstance(today, Slot) else Value(today)
    received = TruncDate("received_at")
    accepted = TruncDate("accepted_at")
    refused = Q(state=State.NOT_ACCEPTED, closed_at__isnull=False)
    decided = CaseWhen(
        When(accepted_at__isnull=False, then=accepted), When(refused, then=TruncDate("closed_at"))
    )
    open_states = ~Q(state__in=CLOSED_STATES)
    return cases.annotate(
        s_received=received,
        decision_lag=DayDiff(decided, received),
        s_accepted=Q(accepted_at__isnull=False),
        answer_lag=DayDiff(TruncDate(_first_answer()), accepted),
        ext=CaseWhen(
            When(extension_state=ExtensionState.APPROVED, then=F("extension_days")), default=0
        ),
        waiting=CaseWhen(
            When(open_states & Q(accepted_at__isnull=True), then=DayDiff(today, received)),
            When(
                open_states & Q(answered_at__isnull=True),
                then=DayDiff(today, accepted),
            ),
        ),
    )


FACT_FIELDS = (
    "people_count",
    "state",
    "is_repeat",
    "skipped_level",
    "decision_lag",
    "s_accepted",
    "answer_lag",
    "ext",
    "satisfaction",
    "waiting",
)


def _facts(values: dict, key) -> Facts:
    return Facts(
        count=values["n"],
        people_count=values["people_count"],
        state=values["state"],
        is_repeat=values["is_repeat"],
        skipped_level=values["skipped_level"],
        decision_lag=values["decision_lag"],
        accepted=values["s_accepted"],
        answer_lag=values["answer_lag"],
        extension_days=values["ext"],
        satisfaction=values["satisfaction"],
        waiting=values["waiting"],
        key=key,
    )


# Each "waiting" value beyond the longest limit means the same to every rule: capped, so a
# year's cases group into fewer rows.
def _waiting_cap() -> int:
    return settings.HANDLING_DAYS + settings.EXTENSION_MAX_DAYS + settings.ACCEPTANCE_DAYS + 1


KEY_FIELDS = ("unit_id", "leader_id", "duty_id", "duty__date", "duty__kind")


def _facts_rows(cases: QuerySet, ranges: list[tuple], today, tag: int | None = None) -> QuerySet:
    """The facts of the cases received in the ranges (which do not overlap), tagged with
    their range's index (or with ``tag``)."""
    inside = Q()
    for start, end in ranges:
        inside |= received_between(start, end)
    if tag is None:
        tag = CaseWhen(*(When(received_between(*r), then=Value(i)) for i, r in enumerate(ranges)))
    else:
        tag = Value(tag)
    return (
        with_facts(cases.filter(inside), today)
        .annotate(  # not LEAST: it would turn "not waiting" (NULL) into the cap
            waiting_capped=CaseWhen(
                When(waiting__gt=_waiting_cap(), then=Value(_waiting_cap())),
                default=F("waiting"),
            ),
            tag=tag,
        )
        .values("tag", *KEY_FIELDS, *FACT_FIELDS[:-1], "waiting_capped")
        .annotate(n=Count("id"))
        .order_by()
    )


def periods_facts(
    cases: QuerySet, periods: list[Period], today: datetime.date, key: Hashable | None = None
) -> list[list[Facts]]:
    """Each period's facts, one row per kind of case and (unit, leader, duty): one query
    (periods that overlap, as long ranges may, each in a part of a UNION ALL). With a
    ``key`` saying which ``cases`` these are, the SQL is compiled once (``kept_sql``)."""
    ordered = sorted(periods, key=lambda period: period.start)
    apart = all(a.end < b.start for a, b in itertools.pairwise(ordered))

    def build() -> QuerySet:
        ranges, today_slot = period_slots(len(periods)), Slot("today", DateField())
        if apart:
            return _facts_rows(cases, ranges, today_slot)
        parts = [_facts_rows(cases, [r], today_slot, i) for i, r in enumerate(ranges)]
        return parts[0].union(*parts[1:], all=True)

    if key is not None:
        key = ("facts", key, len(periods), apart, settings_key())
    result: list[list[Facts]] = [[] for _ in periods]
    for row in kept_rows(key, build, period_values(periods, today)):
        facts_key = tuple(row[k] for k in KEY_FIELDS)
        result[row["tag"]].append(_facts({**row, "waiting": row["waiting_capped"]}, facts_key))
    return result


def period_facts(cases: QuerySet, period: Period, today: datetime.date) -> list[Facts]:
    """The period's facts, one row per kind of case and (unit, leader, duty): one query."""
    return periods_facts(cases, [period], today)[0]


def trend_facts(cases: QuerySet, years: tuple[int, int]) -> list[Facts]:
    """The marks of two whole years, one row per (year, month) and kind: one query.

    The trend counts cases, not people: ``people_count`` is 1 or the group size (``marks``),
    all that ``statistics.is_group`` reads, so two years arrive in at most 192 rows."""
    period = Period("range", datetime.date(years[0], 1, 1), datetime.date(years[1], 12, 31))
    received = TruncDate("received_at")
    size = settings.GROUP_PETITION_SIZE
    rows = (
        cases.filter(received_in(period))
        .annotate(
            y=ExtractYear(received),
            m=ExtractMonth(received),
            marks=CaseWhen(When(people_count__gte=size, then=Value(size)), default=Value(1)),
        )
        .values("y", "m", "marks", "is_repeat", "skipped_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        Facts(
            count=r["n"],
            people_count=r["marks"],
            is_repeat=r["is_repeat"],
            skipped_level=r["skipped_level"],
            key=(r["y"], r["m"]),
        )
        for r in rows
    ]


# --- Breakdowns -------------------------------------------------------------------------------

# The breakdowns of the page and the command: name -> the grouped column(s) of a case, or of
# the pollution lists' link tables (several per case). "__name" columns carry the label.
CASE_DIMENSIONS = {
    "channel": ("channel",),
    "category": ("category",),
    "classification": ("classification",),
    "district": ("district",),
    "unit": ("unit_id", "unit__name"),
    "leader": ("leader_id", "leader__name"),
    "industry": ("industry_id", "industry__code", "industry__name", "industry__name_en"),
}
LINKED_DIMENSIONS = {
    "pollution": (PollutionType, "pollutiontype_id"),
    "subtype": (PollutionSubtype, "pollutionsubtype_id"),
}
DIMENSIONS = (*CASE_DIMENSIONS, *LINKED_DIMENSIONS)


def _period_sums(periods: dict[str, Period], prefix: str = "") -> dict:
    sums = {}
    for name, period in periods.items():
        inside = received_in(period, prefix)
        sums[f"{name}_cases"] = Count(f"{prefix}id" if prefix else "id", filter=inside)
        sums[f"{name}_people"] = Coalesce(Sum(f"{prefix}people_count", filter=inside), Value(0))
    return sums


def breakdown_rows(cases: QuerySet, dimension: str, periods: dict[str, Period]) -> list[dict]:
    """Cases and people per value of ``dimension`` in each named period: one query.

    A case without a value (no industry, no pollution type) is in the row whose value is None.
    """
    any_period = Q()
    for period in periods.values():
        any_period |= received_in(period)
    if dimension in CASE_DIMENSIONS:
        columns = CASE_DIMENSIONS[dimension]
        rows = cases.filter(any_period).values(*columns).annotate(**_period_sums(periods))
        return [{**row, "value": row[columns[0]]} for row in rows.order_by()]
    model, column = LINKED_DIMENSIONS[dimension]
    link = model.cases.through
    linked = link.objects.filter(case__in=cases.filter(any_period))
    rows = list(
        linked.values(column, f"{column[:-3]}__name", f"{column[:-3]}__name_en")
        .annotate(**_period_sums(periods, "case__"))
        .order_by()
    )
    result = [
        {
            **row,
            "value": row[column],
            "name": row[f"{column[:-3]}__name"],
            "name_en": row[f"{column[:-3]}__name_en"],
        }
        for row in rows
    ]
    unlinked = (
        cases.filter(any_period)
        .exclude(Exists(link.objects.filter(case_id=OuterRef("pk"))))  # NOT EXISTS: an anti-join
        .aggregate(**_period_sums(periods))
    )
    result.append({**unlinked, "value": None})
    return result


# --- The register's links ---------------------------------------------------------------------


def figure_filter(name: str, today: datetime.date) -> Q:
    """The cases of one figure, as a filter for the register (the same cases the rules count)."""
    group = Q(people_count__gte=settings.GROUP_PETITION_SIZE)
    return {
        "group_petitions": group,
        "skip_level": Q(skipped_level=True),
        "repeat": Q(is_repeat=True),
        "not_accepted": Q(state=State.NOT_ACCEPTED),
        "answered": Q(accepted_at__isnull=False, answered_at__isnull=False),
        "rated": Q(accepted_at__isnull=False, answered_at__isnull=False) & ~Q(satisfaction=""),
        "satisfied": Q(accepted_at__isnull=False, answered_at__isnull=False)
        & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]),
    }.get(name, Q())


LAG_FIGURES = ("accepted_on_time", "acceptance_counted", "closed_on_time", "closing_counted")


def lag_filter(cases: QuerySet, name: str, today: datetime.date) -> QuerySet:
    """The cases of a figure that depends on days between dates (the rates)."""
    facts = with_facts(cases, today)
    acceptance = settings.ACCEPTANCE_DAYS
    limit = F("ext") + settings.HANDLING_DAYS
    answered = Q(s_accepted=True, answer_lag__isnull=False)
    return {
        "accepted_on_time": facts.filter(decision_lag__lte=acceptance),
        "acceptance_counted": facts.filter(
            Q(decision_lag__isnull=False) | Q(waiting__gt=acceptance)
        ),
        "closed_on_time": facts.filter(answered, answer_lag__lte=limit),
        "closing_counted": facts.filter(
            answered | Q(s_accepted=True, answer_lag__isnull=True, waiting__gt=limit)
        ),
    }[name]


# --- Per unit ---------------------------------------------------------------------------------


def _late(cases: QuerySet, today: datetime.date) -> QuerySet:
    """The open cases past their due date (``overdue``), through the due-date expression of
    the open cases' index (``case_open_due_idx``): the most overdue come first from it."""
    return cases.open().alias(due_key=DUE_KEY).filter(due_key__lt=today)


def overdue_by_unit(
    cases: QuerySet, today: datetime.date, key: str | None = None
) -> dict[int, int]:
    """Open cases past their due date now, per unit (the register's "overdue" filter): an
    index-only scan of ``case_open_due_unit_idx``. With a ``key`` saying which ``cases``
    these are, the SQL is compiled once (``kept_sql``)."""

    def build() -> QuerySet:
        today_slot = Slot("today", DateField())
        return cases.overdue(today_slot).values("unit_id").annotate(n=Count("*")).order_by()

    kept = None if key is None else ("overdue_by_unit", key, settings_key())
    return {row["unit_id"]: row["n"] for row in kept_rows(kept, build, {"today": today})}


def answer_days_by_unit(
    cases: QuerySet, period: Period, key: str | None = None
) -> dict[int, tuple[int, int]]:
    """(days from acceptance to the answer summed, answers) per unit, for the average (with a
    ``key``, compiled once as :func:`overdue_by_unit`)."""

    def build() -> QuerySet:
        lag = DayDiff(TruncDate("answered_at"), TruncDate("accepted_at"))
        return (
            cases.filter(
                received_between(*period_slots(1)[0]),
                accepted_at__isnull=False,
                answered_at__isnull=False,
            )
            .values("unit_id")
            .annotate(days=Sum(lag), n=Count("id"))
            .order_by()
        )

    kept = None if key is None else ("answer_days", key, settings_key())
    rows = kept_rows(kept, build, period_values([period]))
    return {row["unit_id"]: (row["days"] or 0, row["n"]) for row in rows}


def overdue_cases(cases: QuerySet, today: datetime.date) -> QuerySet:
    """The open cases past their due date, most overdue first (for the document's list)."""
    return (
        _late(cases, today)
        .select_related("unit")
        .only("id", "number", "title", "due_date", "state", "unit__name", "received_at")
        .order_by("due_key", "id")
    )


# --- The register's filters for the statistics' links (petitions/forms/register.py) --------

MATTER_FILTERS = {
    "pollution": "pollution_types",
    "subtype": "pollution_subtypes",
    "industry": "industry",
}


def statistics_filters(cases: QuerySet, data: dict) -> QuerySet:
    """Narrow the register to one pollution type, sub-type or industry ("none": not
    classified) and to the cases of one figure (``figure``), as the statistics count them."""
    for name, relation in MATTER_FILTERS.items():
        value = data.get(name)
        if value == "none":
            cases = cases.filter(**{f"{relation}__isnull": True})
        elif value:
            cases = cases.filter(**{relation: int(value)})
    figure = data.get("figure")
    today = timezone.localdate()
    if figure in LAG_FIGURES:
        cases = lag_filter(cases, figure, today)
    elif figure:
        cases = cases.filter(figure_filter(figure, today))
    return cases

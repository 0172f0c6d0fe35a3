"""The summary PostgreSQL keeps counts exactly what the rules count over the cases themselves."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from petitions import stats_summary as summary
from petitions.matters import Industry, PollutionSubtype, PollutionType
from petitions.models import Case, ExtensionState, Satisfaction, State
from petitions.statistics import Period
from petitions.stats_models import StatDay
from petitions.stats_queries import DIMENSIONS
from schedules.models import Duty
from tests.factories import CITY, at, make_case, make_duty, make_leader, make_unit

TODAY = datetime.date(2025, 3, 20)
PERIODS = [
    Period.month(2025, 1),
    Period("range", datetime.date(2024, 12, 31), datetime.date(2025, 2, 1)),  # months and days
    Period("range", datetime.date(2025, 1, 2), datetime.date(2025, 1, 31)),  # no whole month
    Period.month(2025, 2),
    Period.month(2025, 3),
    Period.quarter(2025, 1),
    Period.year(2025),
    Period("range", datetime.date(2025, 1, 15), datetime.date(2025, 2, 15)),
]


@pytest.fixture
def counted(db):
    """The summary on, counted with the running settings."""
    summary.refresh()


def agree(today: datetime.date = TODAY) -> None:
    """The summary's and the live rows give the same numbers for every period and part."""
    assert summary.summary_ready()
    kept, live = summary.SummarySource(), summary.LiveSource()
    for period in PERIODS:
        assert kept.tallies(period, today) == live.tallies(period, today), period
        assert kept.answer_days(period) == live.answer_days(period), period
        periods = {"now": period, "prev": period.previous(), "yoy": period.year_earlier()}
        for dimension in DIMENSIONS:
            assert _rows(kept.breakdown(dimension, periods)) == _rows(
                live.breakdown(dimension, periods)
            ), (period, dimension)
    assert sorted(kept.trend((2024, 2025))) == sorted(live.trend((2024, 2025)))


def _rows(rows: list[dict]) -> dict:
    """Breakdown rows by value, without the rows that count nothing."""
    return {
        row["value"]: {k: v for k, v in row.items() if k.endswith(("_cases", "_people"))}
        for row in rows
        if row["now_cases"] or row["prev_cases"] or row["yoy_cases"]
    }


def varied_cases() -> list[Case]:
    """Cases on each edge the rules know, finished and open, with units, leaders, days."""
    unit, other_unit = make_unit(), make_unit("龙城分局")
    leader = make_leader()
    duty = make_duty(leader, datetime.date(2025, 1, 12))
    air, noise = PollutionType.objects.get(code="air"), PollutionType.objects.get(code="noise")
    midnight = datetime.datetime(2025, 1, 31, 23, 59, tzinfo=CITY)
    received = at(2025, 1, 2)
    cases = [
        make_case(received_at=midnight, people_count=5, skipped_level=True),
        make_case(received_at=midnight + datetime.timedelta(minutes=2), is_repeat=True),
        make_case(
            received_at=received, state=State.NOT_ACCEPTED, closed_at=at(2025, 1, 17), unit=unit
        ),
        make_case(received_at=received, state=State.NOT_ACCEPTED, closed_at=at(2025, 1, 18)),
        make_case(received_at=at(2025, 3, 1)),  # open, undecided, late on 20 March
        make_case(received_at=at(2025, 3, 10), state=State.ACCEPTED, accepted_at=at(2025, 3, 11)),
        make_case(
            received_at=received,
            state=State.CLOSED,
            unit=unit,
            leader=leader,
            duty=duty,
            people_count=7,
            accepted_at=at(2025, 1, 5),
            answered_at=at(2025, 3, 30),
            closed_at=at(2025, 4, 2),
            extension_days=30,
            extension_state=ExtensionState.APPROVED,
            satisfaction=Satisfaction.BASICALLY,
            industry=Industry.objects.get(code="E"),
        ),
        make_case(
            received_at=received,
            state=State.CLOSED,
            unit=other_unit,
            leader=leader,
            accepted_at=at(2025, 1, 3),
            answered_at=at(2025, 3, 30),
            closed_at=at(2025, 4, 2),
            extension_days=30,
            extension_state=ExtensionState.REQUESTED,
            satisfaction=Satisfaction.NOT_SATISFIED,
        ),
        make_case(
            received_at=at(2025, 2, 3),
            state=State.TRANSFERRED,
            accepted_at=at(2025, 2, 4),
            closed_at=at(2025, 2, 5),
        ),
        make_case(
            received_at=at(2024, 12, 31, 23),
            state=State.ANSWERED,
            unit=unit,
            accepted_at=at(2025, 1, 2),
            answered_at=at(2025, 2, 2),
        ),
    ]
    cases[0].pollution_types.add(air, noise)
    cases[6].pollution_types.add(air)
    cases[6].pollution_subtypes.add(PollutionSubtype.objects.filter(pollution_type=air).first())
    return cases


def test_the_summary_counts_what_the_rules_count(counted):
    varied_cases()
    agree()
    agree(datetime.date(2025, 1, 17))
    agree(datetime.date(2026, 1, 1))


def test_changes_moves_and_deletions_keep_the_summary_exact(counted):
    cases = varied_cases()
    first, refused, answered = cases[0], cases[2], cases[6]
    first.received_at = at(2025, 2, 1)  # moved to another period
    first.save()
    refused.closed_at = at(2025, 1, 18)  # now refused on day 16
    refused.save()
    answered.review_level = 1  # a review keeps the first answer's result
    answered.answered_at = at(2025, 6, 1)
    answered.state = State.REVIEW  # and is open again
    answered.save()
    cases[7].delete()
    cases[4].state = State.CLOSED  # closed without an answer
    cases[4].closed_at = at(2025, 3, 5)
    cases[4].save()
    first.pollution_types.remove(PollutionType.objects.get(code="air"))
    cases[1].pollution_types.set(PollutionType.objects.filter(code__in=["water", "soil"]))
    cases[1].pollution_types.clear()
    answered.pollution_types.clear()
    agree()
    answered.state = State.CLOSED  # the review ends
    answered.save()
    Case.objects.filter(pk=cases[3].pk).update(people_count=9, unit=make_unit("北票分局"))
    agree()


def test_a_duty_day_keeps_its_cases_when_it_moves(counted):
    varied_cases()
    Duty.objects.update(date=datetime.date(2025, 1, 13))
    agree()


def _row_versions() -> list:
    """Where each summary row's current version lies: an update writes a new one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text FROM petitions_stat_breakdown UNION ALL "
            "SELECT ctid::text FROM petitions_stat_day UNION ALL "
            "SELECT ctid::text FROM petitions_stat_marks"
        )
        return sorted(cursor.fetchall())


def test_a_case_saved_without_a_change_to_its_figures_writes_nothing(counted):
    case = varied_cases()[6]
    before = _row_versions()
    case.title = "河道旁堆放建筑垃圾（补充）"
    case.save()
    assert _row_versions() == before
    case.people_count = 8
    case.save()
    assert _row_versions() != before


def test_other_settings_count_live_until_refreshed(counted, settings):
    varied_cases()
    settings.ACCEPTANCE_DAYS = 16
    assert not summary.summary_ready()
    with summary.reading() as source:
        assert not isinstance(source, summary.SummarySource)
    summary.refresh()
    agree()


def test_the_summary_holds_finished_cases_by_day_and_unit(counted):
    varied_cases()
    day = StatDay.objects.filter(unit__name="双塔分局", duty=None)
    row = day.get(whole_month=False, day=datetime.date(2025, 1, 2))
    assert (row.cases_total, row.cases_not_accepted, row.cases_accepted_on_time) == (1, 1, 1)
    month = day.get(whole_month=True, day=datetime.date(2025, 1, 1))
    assert month.cases_total == 1


def test_refreshstats_counts_again_with_the_new_settings(counted, settings):
    settings.HANDLING_DAYS = 90
    out = io.StringIO()
    call_command("refreshstats", "--check", stdout=out)
    assert out.getvalue().startswith("stale")
    call_command("refreshstats", stdout=io.StringIO())
    out = io.StringIO()
    call_command("refreshstats", "--check", stdout=out)
    assert out.getvalue().startswith("current")


def test_overlapping_periods_are_each_counted_in_full(counted):
    varied_cases()
    long = Period("range", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    periods = [long, long.previous(), long.year_earlier()]  # 2024 is in the first and last
    live = [summary.LiveSource().tallies(period, TODAY) for period in periods]
    assert summary.SummarySource().tallies_of(periods, TODAY) == live
    assert summary.tally_sum(live[2]).cases["total"] == 1  # received on 31 December 2024


def test_the_database_check_warns_of_a_summary_counted_with_other_settings(counted, settings):
    assert summary.summary_check(None, databases=["default"]) == []
    settings.GROUP_PETITION_SIZE = 10
    (warning,) = summary.summary_check(None, databases=["default"])
    assert warning.id == "xinfang.W008" and "refreshstats" in warning.hint


def test_a_truncated_link_table_is_counted_again(counted):
    varied_cases()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending in this transaction
        cursor.execute("TRUNCATE petitions_pollutiontype_cases")
    agree()


def test_a_truncated_case_table_leaves_no_figures_behind(counted):
    varied_cases()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE petitions_case CASCADE")
    assert not StatDay.objects.exists()
    agree()

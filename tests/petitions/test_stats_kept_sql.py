"""The statistics' SQL compiled once per process (petitions/kept_sql.py) and their table rows
made without template loops (petitions/templatetags/stats_tags.py): the next page compiles
nothing again, and each request's period and day fill the kept SQL, never an earlier one's."""

from __future__ import annotations

import datetime

import pytest

from petitions import stats_summary as summary
from petitions.kept_sql import KeptRows, forget_compiled
from petitions.models import Case, Channel, State
from petitions.statistics import Period
from petitions.stats_report import build_report
from tests.factories import at, make_case, make_leader, make_unit


@pytest.fixture
def counted(db):
    """The summary on (counted with the running settings), nothing compiled yet."""
    summary.refresh()
    forget_compiled()


@pytest.fixture
def compilations(monkeypatch):
    """The statistics' querysets compiled to kept SQL."""
    made = []
    original = KeptRows.of.__func__

    def counted(cls, queryset):
        made.append(queryset)
        return original(cls, queryset)

    monkeypatch.setattr(KeptRows, "of", classmethod(counted))
    return made


def test_a_second_statistics_page_compiles_no_query_again(counted, client_of, clerk, compilations):
    make_case(received_at=at(2025, 1, 3))
    client = client_of(clerk)
    client.get("/stats/?kind=month&year=2025&month=1")
    assert compilations
    compilations.clear()
    response = client.get("/stats/?kind=month&year=2025&month=2")
    assert response.status_code == 200
    assert compilations == []


def test_the_kept_sql_counts_each_period_and_day_afresh(counted):
    make_case(received_at=at(2025, 1, 2))  # open, undecided
    make_case(received_at=at(2025, 2, 3))
    make_case(received_at=at(2025, 2, 4))
    january, february = Period.month(2025, 1), Period.month(2025, 2)
    within_limit = build_report(january, datetime.date(2025, 1, 10)).figures.cases
    late = build_report(january, datetime.date(2025, 3, 1)).figures.cases
    second = build_report(february, datetime.date(2025, 3, 1)).figures.cases
    live = build_report(february, datetime.date(2025, 3, 1), cases=Case.objects.all())
    assert (within_limit["total"], within_limit["acceptance_counted"]) == (1, 0)
    assert (late["total"], late["acceptance_counted"]) == (1, 1)
    assert second == live.figures.cases
    assert second["total"] == 2


def test_the_tables_escape_names_and_link_the_register(counted, client_of, clerk):
    unit = make_unit("<b>分局</b>")
    leader = make_leader("A & B")
    make_case(received_at=at(2025, 1, 3), unit=unit, leader=leader)
    html = client_of(clerk).get("/stats/?kind=month&year=2025&month=1").content.decode()
    assert "<b>分局</b>" not in html
    assert "&lt;b&gt;分局&lt;/b&gt;" in html
    assert "A &amp; B" in html
    register = "/cases/?received_from=2025-01-01&amp;received_to=2025-01-31"
    assert f'<a href="{register}&amp;unit={unit.pk}">1</a>' in html
    assert f'<a href="{register}&amp;leader={leader.pk}&amp;figure=answered">0</a>' in html
    assert f'<a href="{register}&amp;channel=visit">1</a>' in html


def test_the_trend_has_a_row_per_month_with_its_change(counted, client_of, clerk):
    make_case(received_at=at(2025, 3, 3), people_count=6, representatives="甲")
    html = client_of(clerk).get("/stats/?kind=year&year=2025").content.decode()
    trend = html[html.index('id="stats-trend"') :]
    trend = trend[: trend.index("</table>")]
    assert trend.count('<tr><th scope="row">') == 12
    march = trend[trend.index('<th scope="row">3</th>') :].split("</tr>")[0]
    assert "<td>1</td><td>0</td><td>上升</td>" in march  # group petitions: 1 this year, 0 before


def test_the_earlier_periods_totals_count_their_cases(counted):
    make_case(received_at=at(2025, 1, 3))
    make_case(received_at=at(2024, 12, 31, 23))  # the previous month
    make_case(received_at=at(2024, 12, 2), state=State.CLOSED, closed_at=at(2024, 12, 20))
    make_case(received_at=at(2024, 1, 31), channel=Channel.LETTER)  # a year earlier
    report = build_report(Period.month(2025, 1), datetime.date(2025, 3, 1))
    assert (report.figures.cases["total"], report.previous_total) == (1, 2)
    assert report.year_earlier_total == 1
    live = build_report(Period.month(2025, 1), datetime.date(2025, 3, 1), Case.objects.all())
    assert (live.previous_total, live.year_earlier_total) == (2, 1)

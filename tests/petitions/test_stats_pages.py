"""Around the statistics page: the navigation's link, the leader's home figures and the
register telling which statistics filter it applies."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from petitions.matters import PollutionType
from petitions.models import Satisfaction, State
from schedules.models import Duty
from tests.factories import at, make_case, make_duty, make_leader

NAV_LINK = 'href="/stats/"'


@pytest.mark.parametrize("who", ["clerk", "administrator", "leader_user"])
def test_the_leading_group_finds_the_statistics_in_the_navigation(db, client_of, request, who):
    page = client_of(request.getfixturevalue(who)).get(
        "/cases/leader/" if who == "leader_user" else "/cases/"
    )
    assert NAV_LINK in page.content.decode()


def test_a_handling_unit_has_no_statistics_link(client_of, unit_handler):
    page = client_of(unit_handler).get("/cases/").content.decode()
    assert NAV_LINK not in page


@time_machine.travel(datetime.datetime(2025, 3, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_the_leaders_home_shows_this_months_figures_and_own_days(client_of, leader_user):
    leader = make_leader(user=leader_user)
    other = make_leader("王明", "副局长")
    day = make_duty(leader, datetime.date(2025, 3, 5))
    make_case(
        received_at=at(2025, 3, 5),
        leader=leader,
        duty=day,
        people_count=3,
        state=State.ANSWERED,
        accepted_at=at(2025, 3, 5),
        answered_at=at(2025, 3, 15),
        satisfaction=Satisfaction.SATISFIED,
    )
    make_case(
        received_at=at(2025, 3, 6),
        leader=other,
        duty=make_duty(other, datetime.date(2025, 3, 6), Duty.Kind.VISIT),
    )
    make_case(received_at=at(2025, 2, 6))
    response = client_of(leader_user).get("/cases/leader/")
    headline = {str(label): value for label, value in response.context["month_headline"]}
    assert headline["信访件"] == 2  # the bureau's month: both leaders' cases, not February's
    days = response.context["own_days"]
    assert len(days) == 1
    _id, label, tally = days[0]
    assert label.startswith("2025-03-05")
    assert (tally.people["total"], tally.cases["answered"], tally.cases["satisfied"]) == (3, 1, 1)
    assert 'id="own-days"' in response.content.decode()


def test_the_register_says_which_statistics_filter_it_applies(client_of, clerk):
    noise = PollutionType.objects.get(code="noise")
    make_case(received_at=at(2025, 1, 3)).pollution_types.add(noise)
    page = client_of(clerk).get(f"/cases/?pollution={noise.pk}&figure=repeat").content.decode()
    assert 'id="statistics-filters"' in page
    assert "噪声" in page and "重复访" in page


def test_the_register_without_statistics_filters_has_no_such_line(client_of, clerk):
    page = client_of(clerk).get("/cases/?pollution=none").content.decode()
    assert "未分类" in page
    assert 'id="statistics-filters"' not in client_of(clerk).get("/cases/").content.decode()


@pytest.mark.parametrize("name", ["trend", "rates", "channel", "pollution", "district", "industry"])
def test_each_chart_asks_only_for_what_it_draws(client_of, clerk, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(received_at=at(2025, 1, 3))
    client = client_of(clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/stats/chart/{name}.svg?kind=month&year=2025&month=1")
    assert response.status_code == 200 and b"<svg" in response.content
    # The session and the user, then the summary's settings and at most two for the chart
    # (the rates: the summary's finished cases and the open ones).
    assert len(queries) <= (7 if name == "rates" else 6)

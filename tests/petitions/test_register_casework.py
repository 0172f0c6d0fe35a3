"""The register's (台账) casework filters: 越级, 涉诉, 初信初访, the petitioner's feedback, the
leader in charge (包案) and an overdue supervision reply (督办)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from petitions.models import Satisfaction, State, Supervision
from tests.factories import at, make_case, make_leader, make_unit

LIST = "/cases/"


@pytest.fixture(autouse=True)
def _in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def titles(response) -> list[str]:
    assert response.status_code == 200
    found = re.findall(r'<td class="case-title">([^<]*)', response.content.decode())
    return sorted(title.strip() for title in found)


@pytest.mark.parametrize(
    ("flag", "field"),
    [
        ("skipped_level", "skipped_level"),
        ("in_litigation", "in_litigation"),
        ("first_petition", "is_first_petition"),
    ],
)
def test_a_check_box_keeps_only_the_marked_cases(client_of, clerk, flag, field):
    make_case(title="有标记", **{field: True})
    make_case(title="无标记")
    assert titles(client_of(clerk).get(LIST, {flag: "on"})) == ["有标记"]


@pytest.mark.django_db
def test_the_feedback_filter_finds_each_answer_and_the_unrated(client_of, clerk):
    make_case(title="满意", state=State.CLOSED, satisfaction=Satisfaction.SATISFIED)
    make_case(title="不满意", state=State.CLOSED, satisfaction=Satisfaction.NOT_SATISFIED)
    make_case(title="未评价", state=State.ANSWERED)
    client = client_of(clerk)
    assert titles(client.get(LIST, {"satisfaction": "not_satisfied"})) == ["不满意"]
    assert titles(client.get(LIST, {"satisfaction": "none"})) == ["未评价"]


@pytest.mark.django_db
def test_the_leader_in_charge_filter_finds_one_leader_or_any(client_of, clerk):
    hou = make_leader()
    wang = make_leader("王晓东", "副局长")
    make_case(title="厚局长包案", leader_in_charge=hou)
    make_case(title="王局长包案", leader_in_charge=wang)
    make_case(title="无人包案")
    client = client_of(clerk)
    assert titles(client.get(LIST, {"in_charge": hou.pk})) == ["厚局长包案"]
    assert titles(client.get(LIST, {"in_charge": "any"})) == ["厚局长包案", "王局长包案"]


@pytest.mark.django_db
def test_a_leader_who_does_not_exist_is_ignored_and_shown(client_of, clerk):
    make_case(title="一件")
    response = client_of(clerk).get(LIST, {"in_charge": "999999"})
    assert titles(response) == ["一件"]
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_the_overdue_supervision_filter_finds_only_late_unanswered_replies(client_of, clerk):
    leader = make_leader()
    late = make_case(title="逾期未复", state=State.IN_PROGRESS)
    answered = make_case(title="已答复", state=State.IN_PROGRESS)
    waiting = make_case(title="未到期", state=State.IN_PROGRESS)
    closed = make_case(title="已结案", state=State.CLOSED)
    make_case(title="无督办")
    for case, due, replied in [
        (late, datetime.date(2025, 5, 9), None),
        (answered, datetime.date(2025, 5, 9), at(2025, 5, 8)),
        (waiting, datetime.date(2025, 5, 20), None),
        (closed, datetime.date(2025, 5, 9), None),
    ]:
        Supervision.objects.create(
            case=case, leader=leader, instruction="督办", reply_due=due, replied_at=replied
        )
    with time_machine.travel(at(2025, 5, 12)):
        response = client_of(clerk).get(LIST, {"supervision_overdue": "on"})
    assert titles(response) == ["逾期未复"]


@pytest.mark.django_db
def test_a_unit_filtering_by_leader_in_charge_still_sees_only_its_own(client_of, unit_handler):
    mine = make_unit("双塔分局", unit_handler)
    theirs = make_unit("龙城分局")
    hou = make_leader()
    make_case(title="本单位", unit=mine, leader_in_charge=hou)
    make_case(title="外单位", unit=theirs, leader_in_charge=hou)
    assert titles(client_of(unit_handler).get(LIST, {"in_charge": hou.pk})) == ["本单位"]


@pytest.mark.django_db
def test_the_filters_keep_a_page_within_three_queries(
    client_of, clerk, django_assert_max_num_queries
):
    hou = make_leader()
    for i in range(25):
        make_case(title=f"案件{i}", skipped_level=bool(i % 2), leader_in_charge=hou)
    query = {
        "skipped_level": "on",
        "in_charge": hou.pk,
        "satisfaction": "none",
        "first_petition": "",
        "supervision_overdue": "on",
    }
    client = client_of(clerk)
    client.get(LIST, query)  # the filter form's choices and the counts are cached from here
    with django_assert_max_num_queries(3):
        client.get(LIST, query)

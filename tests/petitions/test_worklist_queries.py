"""The worklists' SQL kept per person and day (petitions/worklist_queries.py): a person's next
worklist sends the same SQL without building it again, and whatever the SQL depends on (roles,
units, the day) makes a new one, so that nobody ever sees a list built for someone else."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.sql.query import Query
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from petitions.casework_models import Supervision
from petitions.models import State
from tests.factories import at, make_case, make_unit
from tests.petitions.test_worklists import numbers, section, worklist


@pytest.fixture
def compilations(monkeypatch):
    """How many querysets were compiled to SQL by hand (the worklists' union and counts)."""
    made = []
    original = Query.sql_with_params

    def counted(query):
        made.append(query)
        return original(query)

    monkeypatch.setattr(Query, "sql_with_params", counted)
    return made


def test_a_second_worklist_sends_the_same_sql_without_compiling_it(client_of, clerk, compilations):
    make_case(state=State.REGISTERED)
    client = client_of(clerk)
    with CaptureQueriesContext(connection) as first:
        worklist(client)
    assert compilations
    compilations.clear()
    with CaptureQueriesContext(connection) as second:
        page = worklist(client)
    assert compilations == []
    on_cases = [q["sql"] for q in first.captured_queries if "petitions_case" in q["sql"]]
    assert on_cases == [q["sql"] for q in second.captured_queries if "petitions_case" in q["sql"]]
    assert len(numbers(section(page, "to_accept"))) == 1


def test_a_case_added_between_two_pages_is_on_the_second(client_of, clerk):
    client = client_of(clerk)
    make_case(state=State.REGISTERED)
    worklist(client)
    added = make_case(state=State.REGISTERED)
    page = worklist(client)
    assert added.number in numbers(section(page, "to_accept"))
    assert 'data-total="2"' in section(page, "to_accept")


def test_someone_moved_to_another_unit_sees_that_units_cases_at_once(client_of, unit, unit_handler):
    ours = make_case(state=State.IN_PROGRESS, unit=unit, due_date=datetime.date(2099, 1, 1))
    client = client_of(unit_handler)
    assert numbers(section(worklist(client), "unit_cases")) == [ours.number]
    other = make_unit("龙城分局")
    theirs = make_case(state=State.IN_PROGRESS, unit=other, due_date=datetime.date(2099, 1, 1))
    unit_handler.units.set([other])
    page = worklist(client)
    assert numbers(section(page, "unit_cases")) == [theirs.number]
    assert ours.number not in page


def test_someone_given_the_office_role_sees_the_office_lists_at_once(client_of, unit_handler):
    waiting = make_case(state=State.REGISTERED)
    client = client_of(unit_handler)
    assert waiting.number not in worklist(client)
    unit_handler.groups.add(Group.objects.get_or_create(name=Role.PETITION_OFFICE)[0])
    assert numbers(section(worklist(client), "to_accept")) == [waiting.number]


def test_the_next_day_counts_what_became_late(client_of, clerk):
    make_case(state=State.ACCEPTED, due_date=datetime.date(2025, 5, 12))
    client = client_of(clerk)
    with time_machine.travel(at(2025, 5, 12)):
        assert 'data-count="overdue"' not in worklist(client)
    with time_machine.travel(at(2025, 5, 13)):
        assert 'data-count="overdue"' in worklist(client)


def test_a_leader_waits_for_no_reply_on_a_closed_case(client_of, leader, leader_user):
    # Stored directly: what the leader follows reads the case's state in a subquery.
    closed = make_case(state=State.CLOSED, leader=leader)
    waiting = make_case(state=State.ACCEPTED, leader=leader)
    for case in (closed, waiting):
        Supervision.objects.create(
            case=case, leader=leader, instruction="请报告进展", reply_due=datetime.date(2099, 1, 1)
        )
    mine = section(worklist(client_of(leader_user)), "my_supervisions")
    assert numbers(mine) == [waiting.number]
    assert 'data-total="1"' in mine

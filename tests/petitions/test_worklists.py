"""Worklists (petitions/worklists.py, /work/): everybody lands on what waits for them after
sign-in; each role's sections hold its own work and nobody else's; the counts in the navigation
bar; and what a worklist costs in queries."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from petitions import casework, workflow
from petitions.models import Case, Classification, State
from petitions.worklists import SECTION_ROWS
from tests.factories import PASSWORD, at, make_case, make_duty, register, walk

WORK = "/work/"


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def section(page: str, key: str) -> str:
    """The HTML of one section of a worklist page ("" when the page has none)."""
    start = page.find(f'id="work-{key}"')
    if start < 0:
        return ""
    return page[start : page.index("</section>", start)]


def numbers(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


def worklist(client) -> str:
    response = client.get(WORK)
    assert response.status_code == 200
    return response.content.decode()


# --- Where sign-in leads -------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["clerk", "unit_handler", "leader_user", "administrator"])
def test_each_role_lands_on_its_worklist_after_sign_in(db, request, client, person):
    user = request.getfixturevalue(person)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == WORK
    assert client.get(WORK).status_code == 200


def test_someone_without_a_role_goes_on_to_the_rosters(client_of, stranger):
    response = client_of(stranger).get(WORK)
    assert response.status_code == 302 and response["Location"] == reverse("schedules:home")


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(WORK)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- The petition office ------------------------------------------------------------------------


def test_the_office_sees_cases_to_accept_with_the_days_left(client_of, english, clerk):
    with time_machine.travel(at(2025, 5, 3)):
        case = register(clerk)
    with time_machine.travel(at(2025, 5, 6)):
        page = worklist(client_of(clerk))
    to_accept = section(page, "to_accept")
    assert numbers(to_accept) == [case.number]
    assert "2025-05-18" in to_accept and "12 of 15 days left" in to_accept


def test_a_late_acceptance_is_marked_overdue(client_of, english, clerk):
    with time_machine.travel(at(2025, 5, 3)):
        register(clerk)
    with time_machine.travel(at(2025, 5, 21)):
        to_accept = section(worklist(client_of(clerk)), "to_accept")
    assert "Overdue by 3 days" in to_accept


def test_the_office_sees_answers_to_approve_and_cases_to_assign(
    client_of, english, clerk, walker, reception_case
):
    drafted = walker(reception_case, State.ANSWER_DRAFTED)
    accepted = workflow.accept_case(register(clerk, title="另一件"), by=clerk)
    page = worklist(client_of(clerk))
    assert numbers(section(page, "to_approve")) == [drafted.number]
    assert numbers(section(page, "to_assign")) == [accepted.number]
    assert numbers(section(page, "to_accept")) == []


def test_the_office_sees_extension_requests(client_of, clerk, unit_handler, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    workflow.request_extension(case, by=unit_handler, days=20, reason="需第三方监测")
    assert numbers(section(worklist(client_of(clerk)), "extension_requests")) == [case.number]


def test_the_office_sees_what_is_due_within_seven_days_or_overdue(client_of, clerk):
    with time_machine.travel(at(2025, 5, 6)):
        today = datetime.date(2025, 5, 6)
        late = make_case(state=State.IN_PROGRESS, due_date=today - datetime.timedelta(days=2))
        soon = make_case(state=State.ASSIGNED, due_date=today + datetime.timedelta(days=7))
        make_case(state=State.IN_PROGRESS, due_date=today + datetime.timedelta(days=8))
        make_case(state=State.CLOSED, due_date=today - datetime.timedelta(days=9))
        due = section(worklist(client_of(clerk)), "due_soon")
    assert numbers(due) == [late.number, soon.number]


def test_the_office_sees_an_approved_answer_under_deliveries_to_record(
    client_of, clerk, walker, reception_case
):
    approved = walker(reception_case, State.APPROVED)
    walker(register(clerk, title="另一件"), State.ANSWER_DRAFTED)
    page = worklist(client_of(clerk))
    assert numbers(section(page, "to_deliver")) == [approved.number]
    assert 'data-total="1"' in section(page, "to_deliver")


def test_the_office_sees_supervision_replies_still_owed(
    client_of, clerk, leader_user, walker, reception_case
):
    case = walker(reception_case, State.ACCEPTED)  # no unit yet: the office must assign it
    casework.add_supervision(case, by=leader_user, comment="尽快交办")
    assert numbers(section(worklist(client_of(clerk)), "supervisions_waiting")) == [case.number]


def test_a_long_section_shows_its_first_rows_and_counts_the_rest(client_of, english, clerk):
    for i in range(SECTION_ROWS + 3):
        make_case(title=f"待受理{i}")
    to_accept = section(worklist(client_of(clerk)), "to_accept")
    assert len(numbers(to_accept)) == SECTION_ROWS
    assert f'data-total="{SECTION_ROWS + 3}"' in to_accept and "And 3 more." in to_accept
    assert "?state=registered" in to_accept


# --- A handling unit ----------------------------------------------------------------------------


def test_a_unit_sees_its_cases_by_due_date(client_of, unit, unit_handler):
    later = make_case(state=State.IN_PROGRESS, unit=unit, due_date=datetime.date(2099, 3, 1))
    sooner = make_case(state=State.ASSIGNED, unit=unit, due_date=datetime.date(2099, 1, 1))
    make_case(state=State.CLOSED, unit=unit)
    make_case(state=State.ANSWERED, unit=unit)  # the answer is out: the unit's part is done
    assert numbers(section(worklist(client_of(unit_handler)), "unit_cases")) == [
        sooner.number,
        later.number,
    ]


def test_a_unit_never_sees_another_units_cases(client_of, unit, unit_handler, other_handler):
    theirs = make_case(state=State.IN_PROGRESS, unit=unit, due_date=datetime.date(2099, 1, 1))
    page = worklist(client_of(other_handler))
    assert theirs.number not in page
    assert numbers(section(page, "unit_cases")) == []


def test_a_unit_never_sees_an_accusation_on_its_worklist(client_of, unit, unit_handler):
    make_case(state=State.IN_PROGRESS, unit=unit, classification=Classification.ACCUSATION)
    assert numbers(section(worklist(client_of(unit_handler)), "unit_cases")) == []


def test_a_unit_sees_the_replies_it_owes(client_of, leader_user, unit_handler, assigned):
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    assert numbers(section(worklist(client_of(unit_handler)), "replies_owed")) == [assigned.number]


def test_a_reply_owed_shows_the_instruction_escaped_and_its_date(
    client_of, english, leader, leader_user, unit_handler, assigned
):
    comment = "<b>请</b>" + "报" * 100
    casework.add_supervision(
        assigned, by=leader_user, comment=comment, reply_due=datetime.date(2099, 1, 1)
    )
    owed = section(worklist(client_of(unit_handler)), "replies_owed")
    assert "&lt;b&gt;请&lt;/b&gt;" + "报" * 71 + "…</td>" in owed and "<b>" not in owed
    assert f"<td>{leader.name}</td>" in owed and "<td>双塔分局</td>" in owed
    assert (
        '<span class="badge text-bg-warning" data-reply="waiting">Reply due 2099-01-01</span>'
        in owed
    )
    assert f'href="/cases/{assigned.pk}/"' in owed and 'class=""' in owed


def test_a_reply_given_leaves_the_units_worklist(client_of, leader_user, unit_handler, assigned):
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    casework.reply_to_supervision(assigned, by=unit_handler, reply="已整改")
    assert numbers(section(worklist(client_of(unit_handler)), "replies_owed")) == []


def test_another_unit_owes_no_reply_for_a_case_not_its_own(
    client_of, leader_user, other_handler, assigned
):
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    assert numbers(section(worklist(client_of(other_handler)), "replies_owed")) == []


# --- A leader -----------------------------------------------------------------------------------


@pytest.fixture
def assigned(walker, reception_case) -> Case:
    return walker(reception_case, State.ASSIGNED)


def test_a_leader_sees_the_cases_in_their_charge_and_the_step_each_waits_for(
    client_of, english, clerk, other_leader, assigned
):
    casework.put_in_charge(assigned, by=clerk, leader=other_leader.leader)
    in_charge = section(worklist(client_of(other_leader)), "in_charge")
    assert numbers(in_charge) == [assigned.number]
    assert "The unit starts handling it" in in_charge


def test_a_leader_does_not_see_another_leaders_cases(
    client_of, clerk, leader, other_leader, assigned
):
    casework.put_in_charge(assigned, by=clerk, leader=leader)
    assert assigned.number not in worklist(client_of(other_leader))


def test_a_leader_never_sees_an_accusation_even_in_charge(client_of, leader, leader_user):
    # Stored directly: the workflow refuses it, and the worklist must not rely on that alone.
    make_case(
        state=State.ACCEPTED, classification=Classification.ACCUSATION, leader_in_charge=leader
    )
    assert numbers(section(worklist(client_of(leader_user)), "in_charge")) == []


def test_a_leader_sees_late_replies_flagged(client_of, english, leader_user, assigned):
    with time_machine.travel(at(2025, 5, 6)):
        casework.add_supervision(
            assigned, by=leader_user, comment="请报告进展", reply_due=datetime.date(2025, 5, 9)
        )
    with time_machine.travel(at(2025, 5, 12)):
        mine = section(worklist(client_of(leader_user)), "my_supervisions")
    assert numbers(mine) == [assigned.number]
    assert 'data-reply="overdue"' in mine and "table-danger" in mine


def test_a_leader_sees_the_reply_once_given(client_of, leader_user, unit_handler, assigned):
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    casework.reply_to_supervision(assigned, by=unit_handler, reply="已整改")
    assert 'data-reply="answered"' in section(worklist(client_of(leader_user)), "my_supervisions")


def test_a_leader_sees_their_next_duty(client_of, english, leader, leader_user):
    with time_machine.travel(at(2025, 5, 6)):
        make_duty(leader, datetime.date(2025, 4, 14))
        make_duty(leader, datetime.date(2025, 5, 12))
        make_duty(leader, datetime.date(2025, 5, 15), kind="visit")
        duty = section(worklist(client_of(leader_user)), "next-duty")
    assert "2025-05-12" in duty and "2025-05-15" not in duty and "2025-04-14" not in duty


def test_a_leader_without_a_leader_record_is_told(client_of, english, leader_user):
    page = worklist(client_of(leader_user))
    assert "not linked to a leader" in page


# --- An administrator ---------------------------------------------------------------------------


def test_an_administrator_sees_the_extensions_to_decide(
    client_of, administrator, unit_handler, walker, reception_case
):
    case = walker(reception_case, State.IN_PROGRESS)
    workflow.request_extension(case, by=unit_handler, days=20, reason="需第三方监测")
    page = worklist(client_of(administrator))
    assert numbers(section(page, "extension_approvals")) == [case.number]
    assert section(page, "failed_messages")  # the outbox's failures, wired at merge
    assert section(page, "to_accept") == ""  # the office's lists are the office's


def test_a_decided_extension_leaves_the_administrators_worklist(
    client_of, administrator, unit_handler, walker, reception_case
):
    case = walker(reception_case, State.IN_PROGRESS)
    case = workflow.request_extension(case, by=unit_handler, days=20, reason="需第三方监测")
    workflow.approve_extension(case, by=administrator)
    assert numbers(section(worklist(client_of(administrator)), "extension_approvals")) == []


# --- The navigation bar -------------------------------------------------------------------------


def nav_count(page: str, kind: str) -> int:
    found = re.search(rf'data-count="{kind}">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_the_navigation_bar_counts_what_waits_and_what_is_late(client_of, clerk):
    make_case()
    make_case()
    make_case(state=State.IN_PROGRESS, due_date=datetime.date(2000, 1, 1))
    page = client_of(clerk).get(reverse("petitions:list")).content.decode()
    assert (nav_count(page, "waiting"), nav_count(page, "overdue")) == (2, 1)


def test_the_counts_follow_a_change_at_once(client_of, clerk):
    client = client_of(clerk)
    make_case()
    assert nav_count(client.get(WORK).content.decode(), "waiting") == 1
    register(clerk)
    assert nav_count(client.get(WORK).content.decode(), "waiting") == 2


def test_the_worklist_page_leaves_the_counts_for_the_next_page(
    client_of, clerk, django_assert_max_num_queries
):
    client = client_of(clerk)
    client.get(reverse("petitions:list"))  # the register's filter choices are cached
    make_case()  # a change: the counts cached so far are stale
    worklist(client)
    with django_assert_max_num_queries(3):  # the session, the user, the page: no count
        page = client.get(reverse("petitions:list")).content.decode()
    assert nav_count(page, "waiting") == 1


def test_counts_stop_at_the_cap(client_of, english, clerk, monkeypatch):
    monkeypatch.setattr("petitions.worklists.COUNT_CAP", 3)
    for i in range(5):
        make_case(title=f"待受理{i}")
    page = worklist(client_of(clerk))
    assert 'data-count="waiting">3+<' in page
    assert "3+</span></h2>" in section(page, "to_accept")


def test_a_unit_counts_only_its_own(client_of, unit, unit_handler, other_handler):
    make_case(state=State.IN_PROGRESS, unit=unit, due_date=datetime.date(2000, 1, 1))
    mine = client_of(unit_handler).get(WORK).content.decode()
    assert (nav_count(mine, "waiting"), nav_count(mine, "overdue")) == (1, 1)
    theirs = client_of(other_handler).get(WORK).content.decode()
    assert (nav_count(theirs, "waiting"), nav_count(theirs, "overdue")) == (0, 0)


# --- What a worklist costs ----------------------------------------------------------------------


@pytest.mark.parametrize("cases", [3, 60])
def test_the_office_worklist_costs_the_same_queries_however_many_cases(
    client_of, clerk, unit, cases, django_assert_max_num_queries
):
    for i in range(cases):
        state = [State.REGISTERED, State.ACCEPTED, State.ANSWER_DRAFTED][i % 3]
        make_case(state=state, unit=unit, due_date=datetime.date(2000, 1, 1) if i % 2 else None)
    client = client_of(clerk)
    # The session, the user; the cases of every section, the supervisions, every count (which
    # the navigation bar reuses).
    with django_assert_max_num_queries(5):
        worklist(client)


def test_a_unit_worklist_costs_five_queries(
    client_of, unit, unit_handler, leader_user, assigned, django_assert_max_num_queries
):
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    client = client_of(unit_handler)
    with django_assert_max_num_queries(5):
        worklist(client)


def test_a_leader_worklist_costs_seven_queries(
    client_of, leader, leader_user, assigned, django_assert_max_num_queries
):
    casework.take_charge(assigned, by=leader_user)
    casework.add_supervision(assigned, by=leader_user, comment="请报告进展")
    client = client_of(leader_user)
    # The session, the user, their leader; the cases, the supervisions, the counts, the duty.
    with django_assert_max_num_queries(7):
        worklist(client)


def test_walking_a_case_to_the_end_empties_every_list(
    client_of, clerk, unit, unit_handler, leader_user, reception_case
):
    casework.take_charge(reception_case, by=leader_user)
    walk(reception_case, State.CLOSED, office=clerk, unit_user=unit_handler, unit=unit)
    for user in (clerk, unit_handler, leader_user):
        page = worklist(client_of(user))
        assert reception_case.number not in page

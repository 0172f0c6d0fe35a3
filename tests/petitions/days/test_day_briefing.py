"""A duty day prepared: the briefing and its printout for the leader and the contact person
(place and time, appointments, the expected petitioners' earlier cases, the open cases with
their deadlines, the previous visit's follow-ups), who may see it, and the reminder's link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from petitions.models import Classification, State
from schedules import day_records, services
from schedules.models import Duty
from tests.factories import make_contact, make_duty, make_user, register
from tests.petitions.days.helpers import D, at, briefing, section, text

# --- The briefing: who may see it ---------------------------------------------------------------


def test_the_leader_of_the_day_sees_the_briefing(client_of, leader_user, days):
    assert briefing(client_of(leader_user), days["apr"]).status_code == 200


def test_the_contact_person_sees_the_briefing(client_of, contact_user, days):
    assert briefing(client_of(contact_user), days["apr"]).status_code == 200


def test_a_contact_person_outside_the_office_sees_only_their_days(
    client_of, django_user_model, days, leader
):
    outsider = make_user(django_user_model, "yuhaining", Role.HANDLING_UNIT)
    contact = make_contact("于海宁", user=outsider)
    other_day = make_duty(leader, D(2025, 5, 12))
    days["apr"].contact = contact
    days["apr"].save()

    assert briefing(client_of(outsider), days["apr"]).status_code == 200
    assert briefing(client_of(outsider), other_day).status_code == 403


def test_the_office_sees_every_days_briefing(client_of, clerk, days):
    assert briefing(client_of(clerk), days["apr"]).status_code == 200


@pytest.mark.parametrize("who", ["other_leader", "unit_handler", "stranger"])
def test_others_may_not_see_the_briefing(client_of, request, days, who):
    assert briefing(client_of(request.getfixturevalue(who)), days["apr"]).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, days):
    assert briefing(client, days["apr"]).status_code == 302


def test_a_draft_day_has_no_briefing(client_of, clerk, leader):
    draft = make_duty(leader, D(2025, 6, 12), state=Duty.State.DRAFT)
    assert briefing(client_of(clerk), draft).status_code == 404


# --- The briefing: what it shows -----------------------------------------------------------------


def test_the_briefing_gives_place_and_time(client_of, leader_user, days):
    facts = text(briefing(client_of(leader_user), days["apr"]))

    assert "08:30–11:30" in facts
    assert "朝阳市双塔区新华路三段45号" in facts
    assert "李明姬" in facts


def test_the_briefing_has_a_place_for_appointments(client_of, leader_user, days):
    response = briefing(client_of(leader_user), days["apr"])
    assert 'id="appointments"' in response.content.decode()


def test_the_briefing_lists_earlier_petitioners_with_their_cases_and_state(
    client_of, leader_user, days, february_case
):
    expected = section(briefing(client_of(leader_user), days["apr"]), "expected-petitioners")

    assert "张建国" in expected
    assert february_case.number in expected
    assert str(State.REGISTERED.label) in expected or "已登记" in expected


def test_the_briefing_lists_open_cases_with_their_deadlines(
    client_of, leader_user, days, february_case
):
    open_cases = section(briefing(client_of(leader_user), days["apr"]), "open-cases")

    assert february_case.number in open_cases
    assert february_case.due_date.strftime("%Y-%m-%d") in open_cases


def test_a_closed_case_is_not_among_the_open_ones(
    client_of, leader_user, clerk, days, february_case, walker
):
    walker(february_case, State.CLOSED)

    open_cases = section(briefing(client_of(leader_user), days["apr"]), "open-cases")

    assert february_case.number not in open_cases


def test_a_leader_does_not_see_an_accusation_in_the_briefing(client_of, leader_user, clerk, days):
    accusation = register(
        clerk,
        channel="reception_day",
        duty=days["feb"],
        received_at=at(D(2025, 2, 12)),
        classification=Classification.ACCUSATION,
        title="举报某科长收受好处",
    )

    response = briefing(client_of(leader_user), days["apr"])

    assert accusation.number not in response.content.decode()
    assert accusation.number in briefing(client_of(clerk), days["apr"]).content.decode()


def test_the_briefing_shows_the_follow_ups_of_the_previous_visit(
    client_of, leader_user, clerk, days
):
    record = day_records.record_day(
        days["visit"],
        by=clerk,
        version=0,
        values={"people_count": 0, "group_count": 0},
        follow_ups=[day_records.FollowUpEntry(None, "复查砖厂除尘设施", clerk, D(2025, 3, 31))],
    )

    previous = section(briefing(client_of(leader_user), days["apr"]), "previous-visit")

    assert "复查砖厂除尘设施" in previous
    assert "2025-03-31" in previous
    assert record.duty.date.strftime("%Y-%m-%d") in previous


def test_the_printout_carries_the_same_sections(client_of, leader_user, days, february_case):
    url = reverse("petitions:day_briefing_print", args=[days["apr"].pk])
    response = client_of(leader_user).get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert february_case.number in page and 'id="previous-visit"' in page
    assert "<nav" not in page  # a sheet, not a page with the menu


def test_others_may_not_print_the_briefing(client_of, other_leader, days):
    url = reverse("petitions:day_briefing_print", args=[days["apr"].pk])
    assert client_of(other_leader).get(url).status_code == 403


# --- The reminder mail links to it ---------------------------------------------------------------


def test_the_reminder_mail_links_to_the_briefing(days, mailoutbox, settings, run_jobs):
    settings.SITE_URL = "https://xinfang.example.gov.cn"
    days["apr"].leader.email = "houchunhua@example.org"
    days["apr"].leader.save()

    services.send_duty_reminders(D(2025, 4, 11), days_before=3)
    run_jobs()

    link = f"https://xinfang.example.gov.cn/cases/day/{days['apr'].pk}/"
    assert mailoutbox and all(link in mail.body for mail in mailoutbox)


def test_the_briefing_is_never_stored_by_a_browser_or_proxy(client_of, leader_user, days):
    response = briefing(client_of(leader_user), days["apr"])
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

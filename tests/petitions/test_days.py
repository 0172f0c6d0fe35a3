"""A duty day prepared and recorded: the briefing and its printout for the leader and the contact
person, the record written after the day with its follow-up tasks and (on a visit day) the
problems found, which the office registers as cases; who may see and write what."""

from __future__ import annotations

import datetime
import html
import re
import uuid
import zoneinfo

import pytest
from django.urls import reverse

from accounts.roles import Role
from petitions.models import Case, Classification, State
from schedules import day_records, services
from schedules.models import DayRecord, Duty, Finding, FollowUp, Place, Unit
from tests.factories import make_contact, make_duty, make_user, register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
TODAY = D(2025, 3, 20)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def room(db):
    return Place.objects.create(
        name="市执法队信访室",
        address="朝阳市双塔区新华路三段45号",
        phone="0421-2614858",
        is_default=True,
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(11, 30),
    )


@pytest.fixture
def contact_user(db, django_user_model):
    """李明姬's sign-in: the contact person, petition office staff."""
    return make_user(django_user_model, "limingji", Role.PETITION_OFFICE)


@pytest.fixture
def contact(contact_user):
    return make_contact("李明姬", user=contact_user, phone="0421-2614858")


@pytest.fixture
def days(leader, contact, room):
    """厚春华's days: reception 12 Feb, reception 12 Mar (held), visit 17 Mar (held), and
    reception 14 Apr (coming)."""
    return {
        "feb": make_duty(leader, D(2025, 2, 12), contact=contact, place=room),
        "mar": make_duty(leader, D(2025, 3, 12), contact=contact, place=room),
        "visit": make_duty(leader, D(2025, 3, 17), kind=Duty.Kind.VISIT, contact=contact),
        "apr": make_duty(leader, D(2025, 4, 14), contact=contact, place=room),
    }


@pytest.fixture
def february_case(clerk, days):
    """A petition 张建国 brought on 12 February, still open."""
    return register(
        clerk, channel="reception_day", duty=days["feb"], received_at=at(D(2025, 2, 12))
    )


def briefing(client, duty: Duty):
    return client.get(reverse("petitions:day_briefing", args=[duty.pk]))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def section(response, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', response.content.decode(), re.S)
    assert match, f"no section {name}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))))


def record_data(version: int = 0, tasks=(), findings=None, **fields) -> dict:
    """The record form as the page sends it, with new follow-up tasks and problems found."""
    data = {
        "version": version,
        "leader_attended": "on",
        "contact_attended": "on",
        "others_present": "",
        "people_count": 7,
        "group_count": 1,
        "decisions": "当场责成双塔分局三日内现场核查。",
        "places_visited": "",
        "task-TOTAL_FORMS": len(tasks),
        "task-INITIAL_FORMS": 0,
        "task-MIN_NUM_FORMS": 0,
        "task-MAX_NUM_FORMS": 1000,
    }
    for i, (task, owner, due) in enumerate(tasks):
        data.update({f"task-{i}-task": task, f"task-{i}-owner": owner.pk, f"task-{i}-due": due})
    if findings is not None:
        data.update(
            {
                "finding-TOTAL_FORMS": len(findings),
                "finding-INITIAL_FORMS": 0,
                "finding-MIN_NUM_FORMS": 0,
                "finding-MAX_NUM_FORMS": 1000,
            }
        )
        for i, (place, problem) in enumerate(findings):
            data.update(
                {
                    f"finding-{i}-place": place,
                    f"finding-{i}-district": "shuangta",
                    f"finding-{i}-problem": problem,
                    f"finding-{i}-raised_by": "王秀兰",
                }
            )
    data.update(fields)
    return data


def edit_url(duty: Duty) -> str:
    return reverse("petitions:day_record_edit", args=[duty.pk])


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


def test_the_reminder_mail_links_to_the_briefing(days, mailoutbox, settings):
    settings.SITE_URL = "https://xinfang.example.gov.cn"
    days["apr"].leader.email = "houchunhua@example.org"
    days["apr"].leader.save()

    services.send_duty_reminders(D(2025, 4, 11), days_before=3)

    link = f"https://xinfang.example.gov.cn/cases/day/{days['apr'].pk}/"
    assert mailoutbox and all(link in mail.body for mail in mailoutbox)


# --- Recording the day ---------------------------------------------------------------------------


def test_the_office_records_a_held_day_with_follow_ups(client_of, clerk, unit_handler, days):
    section_unit = Unit.objects.create(name="大气环境科", kind=Unit.Kind.SECTION)
    data = record_data(
        tasks=[("督促双塔分局反馈核查结果", unit_handler, "2025-03-27")],
        sections=[section_unit.pk],
    )

    response = client_of(clerk).post(edit_url(days["mar"]), data)

    assert response.status_code == 302
    record = DayRecord.objects.get(duty=days["mar"])
    assert (record.people_count, record.group_count) == (7, 1)
    assert list(record.sections.all()) == [section_unit]
    task = record.follow_ups.get()
    assert (task.owner, task.due) == (unit_handler, D(2025, 3, 27))


def test_the_record_page_shows_the_record_and_the_cases_received(
    client_of, leader_user, clerk, days
):
    case = register(
        clerk, channel="reception_day", duty=days["mar"], received_at=at(D(2025, 3, 12))
    )
    client_of(clerk).post(edit_url(days["mar"]), record_data())

    page = text(client_of(leader_user).get(reverse("petitions:day_record", args=[days["mar"].pk])))

    assert "当场责成双塔分局三日内现场核查。" in page
    assert case.number in page


def test_the_record_prints(client_of, leader_user, clerk, days):
    client_of(clerk).post(edit_url(days["mar"]), record_data())

    url = reverse("petitions:day_record_print", args=[days["mar"].pk])
    assert "当场责成双塔分局三日内现场核查。" in text(client_of(leader_user).get(url))


def test_the_record_appears_on_the_leaders_duties_page(client_of, leader_user, clerk, days):
    client_of(clerk).post(edit_url(days["mar"]), record_data())

    page = client_of(leader_user).get(reverse("schedules:my_duties")).content.decode()

    held = re.search(r'id="my-days-held".*?</table>', page, re.S).group(0)
    assert "2025-03-12" in held and "当场责成双塔分局三日内现场核查。" in held
    assert reverse("petitions:day_record", args=[days["mar"].pk]) in held


def test_a_day_that_has_not_come_cannot_be_recorded(client_of, clerk, days):
    response = client_of(clerk).post(edit_url(days["apr"]), record_data())

    assert response.status_code == 302
    assert not DayRecord.objects.exists()


def test_the_leader_reads_the_record_but_does_not_write_it(client_of, leader_user, days):
    assert client_of(leader_user).get(edit_url(days["mar"])).status_code == 403
    assert client_of(leader_user).post(edit_url(days["mar"]), record_data()).status_code == 403
    assert not DayRecord.objects.exists()


def test_another_leader_may_not_read_the_record(client_of, other_leader, days):
    url = reverse("petitions:day_record", args=[days["mar"].pk])
    assert client_of(other_leader).get(url).status_code == 403


def test_a_stale_record_form_is_refused_and_keeps_the_other_save(client_of, clerk, days):
    client_of(clerk).post(edit_url(days["mar"]), record_data())
    client_of(clerk).post(edit_url(days["mar"]), record_data(version=1, people_count=9))

    response = client_of(clerk).post(edit_url(days["mar"]), record_data(version=1, people_count=12))

    assert response.status_code == 409
    assert DayRecord.objects.get().people_count == 9


def test_more_groups_than_people_is_refused_at_the_field(client_of, clerk, days):
    response = client_of(clerk).post(
        edit_url(days["mar"]), record_data(people_count=4, group_count=1)
    )

    assert response.status_code == 400
    assert "group_count" in response.context["form"].errors
    assert not DayRecord.objects.exists()


def test_a_follow_up_without_an_owner_is_refused_and_nothing_is_saved(client_of, clerk, days):
    data = record_data(tasks=[("回访信访人", clerk, "2025-03-27")])
    data["task-0-owner"] = ""

    response = client_of(clerk).post(edit_url(days["mar"]), data)

    assert response.status_code == 400
    assert not DayRecord.objects.exists() and not FollowUp.objects.exists()


# --- Follow-up tasks on their owners' list -------------------------------------------------------


@pytest.fixture
def task(clerk, unit_handler, days):
    record = day_records.record_day(
        days["mar"],
        by=clerk,
        version=0,
        values={"people_count": 2, "group_count": 0},
        follow_ups=[
            day_records.FollowUpEntry(
                None, "督促双塔分局反馈核查结果", unit_handler, D(2025, 3, 27)
            )
        ],
    )
    return record.follow_ups.get()


def test_a_follow_up_is_open_for_its_owner_only(task, unit_handler, clerk):
    assert list(FollowUp.objects.open_for(unit_handler)) == [task]
    assert not FollowUp.objects.open_for(clerk).exists()


def test_the_owner_sees_the_task_on_their_duties_page(client_of, unit_handler, task):
    page = client_of(unit_handler).get(reverse("schedules:my_duties")).content.decode()
    assert "督促双塔分局反馈核查结果" in page


def test_the_owner_marks_the_task_done(client_of, unit_handler, task):
    url = reverse("schedules:follow_up_done", args=[task.pk])
    response = client_of(unit_handler).post(url, {"note": "分局已于3月25日反馈"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_done and task.done_note == "分局已于3月25日反馈"
    assert not FollowUp.objects.open_for(unit_handler).exists()


def test_someone_else_may_not_close_the_task(client_of, other_handler, task):
    url = reverse("schedules:follow_up_done", args=[task.pk])

    assert client_of(other_handler).post(url).status_code == 403
    task.refresh_from_db()
    assert not task.is_done


def test_closing_a_task_by_get_is_not_possible(client_of, unit_handler, task):
    url = reverse("schedules:follow_up_done", args=[task.pk])
    assert client_of(unit_handler).get(url).status_code == 405


# --- Visit days: places visited and problems found become cases ----------------------------------


@pytest.fixture
def visit_record(client_of, clerk, days):
    data = record_data(
        findings=[("凌河街道砖厂", "砖厂除尘设施未运行，粉尘较大。")],
        places_visited="凌河街道砖厂、友谊小区",
    )
    response = client_of(clerk).post(edit_url(days["visit"]), data)
    assert response.status_code == 302
    return DayRecord.objects.get(duty=days["visit"])


def test_a_visit_record_keeps_the_places_visited_and_the_problems_found(visit_record):
    assert visit_record.places_visited == "凌河街道砖厂、友谊小区"
    assert visit_record.findings.get().place == "凌河街道砖厂"


def test_the_office_is_offered_to_register_a_problem_as_a_case(
    client_of, clerk, leader_user, days, visit_record
):
    finding = visit_record.findings.get()
    url = reverse("petitions:day_record", args=[days["visit"].pk])
    link = f"{reverse('petitions:new')}?finding={finding.pk}"

    assert link in client_of(clerk).get(url).content.decode()
    assert link not in client_of(leader_user).get(url).content.decode()


def test_case_intake_opens_prefilled_from_the_problem(client_of, clerk, days, visit_record):
    finding = visit_record.findings.get()
    response = client_of(clerk).get(reverse("petitions:new"), {"finding": finding.pk})

    initial = response.context["form"].initial
    assert initial["channel"] == "visit_day"
    assert initial["duty"] == days["visit"].pk
    assert initial["location"] == "凌河街道砖厂"
    assert initial["petitioner_name"] == "王秀兰"
    assert initial["finding"] == finding.pk


def test_a_problem_registered_as_a_case_is_linked_to_it_and_the_day(
    client_of, clerk, days, visit_record
):
    finding = visit_record.findings.get()
    data = {
        "submission_token": str(uuid.uuid4()),
        "channel": "visit_day",
        "received_at_0": "2025-03-17",
        "received_at_1": "09:00",
        "duty": "",
        "finding": finding.pk,
        "petitioner_name": "王秀兰",
        "petitioner_phone": "13800138000",
        "people_count": "1",
        "district": "shuangta",
        "location": "凌河街道砖厂",
        "title": "砖厂粉尘",
        "content": finding.problem,
        "category": "1",
        "classification": "claim",
    }

    response = client_of(clerk).post(reverse("petitions:new"), data)

    assert response.status_code == 302
    case = Case.objects.get(finding=finding)
    assert case.duty == days["visit"]
    record_page = client_of(clerk).get(reverse("petitions:day_record", args=[days["visit"].pk]))
    assert case.number in record_page.content.decode()


def test_a_problem_becomes_one_case_only(clerk, visit_record):
    finding = visit_record.findings.get()
    register(clerk, channel="visit_day", finding=finding, received_at=at(D(2025, 3, 17)))

    with pytest.raises(Exception, match="already registered"):
        register(clerk, channel="visit_day", finding=finding, received_at=at(D(2025, 3, 17)))
    assert Case.objects.filter(finding=finding).count() == 1


def test_a_problem_that_became_a_case_cannot_be_removed_from_the_record(
    client_of, clerk, days, visit_record
):
    finding = visit_record.findings.get()
    register(clerk, channel="visit_day", finding=finding, received_at=at(D(2025, 3, 17)))
    data = record_data(version=visit_record.version)
    data.update(
        {
            "finding-TOTAL_FORMS": 1,
            "finding-INITIAL_FORMS": 1,
            "finding-MIN_NUM_FORMS": 0,
            "finding-MAX_NUM_FORMS": 1000,
            "finding-0-id": finding.pk,
            "finding-0-place": finding.place,
            "finding-0-problem": finding.problem,
            "finding-0-DELETE": "on",
        }
    )

    response = client_of(clerk).post(edit_url(days["visit"]), data)

    assert response.status_code == 400
    assert Finding.objects.filter(pk=finding.pk).exists()

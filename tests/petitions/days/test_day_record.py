"""A duty day recorded: who attended, how many came, what was decided, the follow-up tasks on
their owners' list, and on a visit day the problems found, which the office registers as
cases; who may read and write the record."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions.models import Case
from schedules import day_records
from schedules.models import DayRecord, Finding, FollowUp, Unit
from tests.factories import code_of, register
from tests.petitions.days.helpers import D, at, edit_url, record_data, text

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


def test_a_day_that_has_not_come_cannot_berecorded(client_of, clerk, days):
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

    with pytest.raises(ValidationError) as refused:
        register(clerk, channel="visit_day", finding=finding, received_at=at(D(2025, 3, 17)))
    assert code_of(refused.value) == "finding_taken"
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


def test_a_record_form_sent_without_its_rows_is_refused_not_an_error(client_of, clerk, days):
    data = {k: v for k, v in record_data().items() if not k.startswith("task-")}

    response = client_of(clerk).post(edit_url(days["visit"]), data)

    assert response.status_code == 400
    assert not DayRecord.objects.exists()


def test_a_follow_up_of_another_record_cannot_be_changed_through_this_one(
    client_of, clerk, unit_handler, days, task
):
    data = record_data()
    data.update(
        {
            "task-TOTAL_FORMS": 1,
            "task-0-id": task.pk,
            "task-0-task": "改写别人的任务",
            "task-0-owner": clerk.pk,
            "task-0-due": "2025-03-30",
        }
    )

    response = client_of(clerk).post(edit_url(days["visit"]), data)

    assert response.status_code == 400
    task.refresh_from_db()
    assert task.task == "督促双塔分局反馈核查结果"

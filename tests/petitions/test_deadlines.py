"""The legal time limits of a case (petitions/workflow.py): acceptance, answer, extension,
review windows and overdue; and the mail that tells the unit and the administrators of new work
and reminds units of their due cases."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from petitions import delivery, notifications, reviews, workflow
from petitions.models import Case, Classification, DeliveryMethod, ExtensionState, State
from tests.factories import at, code_of, make_unit, register, walk

# --- Time limits -------------------------------------------------------------------------------


def test_the_acceptance_notice_is_due_15_days_after_receipt(clerk):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
    assert case.acceptance_due == datetime.date(2025, 3, 18)
    assert case.due_date == datetime.date(2025, 3, 18)


def test_the_answer_is_due_60_days_after_acceptance(clerk):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
    with time_machine.travel(at(2025, 3, 5), tick=False):
        case = workflow.accept_case(case, by=clerk)
    assert case.due_date == datetime.date(2025, 5, 4)


def test_an_extension_over_30_days_is_refused(unit_handler, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        workflow.request_extension(case, by=unit_handler, days=31, reason="复杂")
    assert "days" in refused.value.error_dict


def test_an_extension_needs_a_reason(unit_handler, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        workflow.request_extension(case, by=unit_handler, days=10, reason=" ")
    assert "reason" in refused.value.error_dict


def test_a_requested_extension_moves_nothing_until_approved(unit_handler, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    due = case.due_date
    case = workflow.request_extension(case, by=unit_handler, days=30, reason="需要第三方监测")
    assert case.due_date == due
    assert case.extension_state == ExtensionState.REQUESTED


def test_an_approved_extension_moves_the_due_date(
    administrator, unit_handler, walker, reception_case
):
    case = walker(reception_case, State.IN_PROGRESS)
    due = case.due_date
    case = workflow.request_extension(case, by=unit_handler, days=30, reason="需要第三方监测")
    case = workflow.approve_extension(case, by=administrator)
    assert case.due_date == due + datetime.timedelta(days=30)
    assert case.extension_state == ExtensionState.APPROVED


def test_there_is_only_one_extension(administrator, unit_handler, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    case = workflow.request_extension(case, by=unit_handler, days=10, reason="需要监测")
    case = workflow.approve_extension(case, by=administrator)
    with pytest.raises(ValidationError) as refused:
        workflow.request_extension(case, by=unit_handler, days=5, reason="还需要时间")
    assert code_of(refused.value) == "condition"


def test_after_a_refused_extension_the_unit_may_ask_again(
    administrator, unit_handler, walker, reception_case
):
    case = walker(reception_case, State.IN_PROGRESS)
    case = workflow.request_extension(case, by=unit_handler, days=10, reason="需要监测")
    case = workflow.refuse_extension(case, by=administrator, comment="理由不足")
    case = workflow.request_extension(case, by=unit_handler, days=10, reason="监测报告需要时间")
    assert case.extension_state == ExtensionState.REQUESTED


def _answered_on(day: datetime.datetime, clerk, walker, case) -> Case:
    with time_machine.travel(day, tick=False):
        return walker(case, State.ANSWERED)


def test_a_review_may_be_requested_on_the_30th_day(clerk, walker, reception_case):
    case = _answered_on(at(2025, 4, 1), clerk, walker, reception_case)
    assert case.review_request_due == datetime.date(2025, 5, 1)
    with time_machine.travel(at(2025, 5, 1), tick=False):
        case = reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert case.state == State.REVIEW


def test_a_review_is_refused_after_30_days(clerk, walker, reception_case):
    case = _answered_on(at(2025, 4, 1), clerk, walker, reception_case)
    with time_machine.travel(at(2025, 5, 2), tick=False), pytest.raises(ValidationError) as late:
        reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert code_of(late.value) == "condition"


def test_the_review_is_due_30_days_after_the_request(clerk, walker, reception_case):
    case = _answered_on(at(2025, 4, 1), clerk, walker, reception_case)
    with time_machine.travel(at(2025, 4, 10), tick=False):
        case = reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert case.due_date == datetime.date(2025, 5, 10)
    assert case.review_level == 1


def test_a_closed_case_may_still_be_reviewed_in_the_window(clerk, walker, reception_case):
    case = walker(reception_case, State.CLOSED)
    case = reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert case.state == State.REVIEW
    assert case.closed_at is None


def _reviewed_twice(clerk, unit_handler, walker, case) -> Case:
    """The branch's answer reviewed by the bureau, the bureau's opinion by the higher body."""
    case = walker(case, State.ANSWERED)
    case = reviews.request_review(case, by=clerk, comment="不满意")
    case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
    case = workflow.approve_answer(case, by=clerk)
    case = delivery.deliver_answer(
        case, by=clerk, delivered_on=timezone.localdate(), method=DeliveryMethod.POST
    )
    case = reviews.request_second_review(case, by=clerk, comment="仍不满意")
    today = timezone.localdate()
    case = reviews.forward_review(
        case, by=clerk, higher_body="辽宁省生态环境厅", forwarded_on=today
    )
    return reviews.record_review_decision(
        case, by=clerk, decided_on=today, outcome="upheld", decision="维持复查意见"
    )


def test_a_second_review_follows_a_review(clerk, unit_handler, walker, reception_case):
    case = _reviewed_twice(clerk, unit_handler, walker, reception_case)
    assert case.review_level == 2
    assert case.state == State.ANSWERED


def test_a_second_review_needs_a_review_first(clerk, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    with pytest.raises(ValidationError) as refused:
        reviews.request_second_review(case, by=clerk, comment="不满意")
    assert code_of(refused.value) == "condition"


def test_there_is_no_review_after_the_second_review(clerk, unit_handler, walker, reception_case):
    case = _reviewed_twice(clerk, unit_handler, walker, reception_case)
    assert case.review_request_due is None
    for request in (reviews.request_review, reviews.request_second_review):
        with pytest.raises(ValidationError) as refused:
            request(case, by=clerk, comment="第三次")
        assert code_of(refused.value) == "condition"


def test_a_review_round_cannot_be_extended(clerk, unit_handler, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    case = reviews.request_review(case, by=clerk, comment="不满意")
    assert "extension" not in workflow.allowed_actions(unit_handler, case)


def test_a_case_past_its_due_date_is_overdue(clerk):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = workflow.accept_case(register(clerk), by=clerk)
    assert case.is_overdue(datetime.date(2025, 5, 5))
    assert case.due_status(datetime.date(2025, 5, 5)) == "overdue"
    assert case.due_status(datetime.date(2025, 4, 28)) == "due_soon"
    assert case.due_status(datetime.date(2025, 4, 1)) == ""


# --- Mail and reminders ------------------------------------------------------------------------


def test_the_unit_is_told_of_a_new_case_by_the_task_queue(
    clerk, unit, walker, reception_case, run_jobs
):
    case = walker(reception_case, State.ACCEPTED)
    workflow.assign_case(case, by=clerk, unit=unit, instructions="请核查")
    assert mail.outbox == []  # the request only queued it
    run_jobs()
    assert [m.to for m in mail.outbox] == [["shuangta@example.org"]]
    assert case.number in mail.outbox[0].subject


def test_an_assignment_through_the_page_reaches_the_units_mail_server_once(
    client_of, clerk, unit, walker, reception_case, smtp_server, run_jobs
):
    case = walker(reception_case, State.ACCEPTED)
    response = client_of(clerk).post(
        reverse("petitions:act", args=[case.pk, "assign"]),
        {"assign-version": case.version, "assign-unit": unit.pk, "assign-instructions": "请核查"},
    )
    assert response.status_code == 302
    assert smtp_server.conversations == 0  # the request only queued the mail

    run_jobs()
    run_jobs()

    assert smtp_server.recipients() == ["shuangta@example.org"]
    assert case.number in smtp_server.received[0]["Subject"]


def test_an_extension_request_is_mailed_to_administrators(
    administrator, unit_handler, walker, reception_case, run_jobs
):
    case = walker(reception_case, State.IN_PROGRESS)
    workflow.request_extension(case, by=unit_handler, days=10, reason="需要监测")
    run_jobs()
    assert mail.outbox[-1].to == [administrator.email]


def test_reminders_list_overdue_and_due_soon_cases_per_unit(clerk, unit, walker, run_jobs):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        late = walker(register(clerk, title="化工厂异味"), State.ASSIGNED)  # due 5-2
    with time_machine.travel(at(2025, 3, 20), tick=False):
        soon = walker(register(clerk, title="饭店油烟"), State.ASSIGNED)  # due 5-19
        later = walker(register(clerk, title="河道垃圾"), State.ASSIGNED)
        Case.objects.filter(pk=later.pk).update(due_date=datetime.date(2025, 6, 30))
    run_jobs()
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 15)) == 1
    run_jobs()
    body = mail.outbox[0].body
    assert late.number in body and soon.number in body
    assert later.number not in body
    assert mail.outbox[0].to == ["shuangta@example.org"]


def test_reminders_go_to_the_members_when_the_unit_has_no_address(
    clerk, unit_handler, walker, run_jobs
):
    unit = make_unit("建平分局", unit_handler)
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walk(register(clerk), State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)
    run_jobs()
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 1)) == 1
    run_jobs()
    assert mail.outbox[0].to == [unit_handler.email]


def test_no_reminder_for_closed_cases(clerk, walker):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk), State.CLOSED)
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 6, 1)) == 0


def test_no_reminder_mails_an_accusation_to_a_unit(clerk, walker, run_jobs):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk, classification=Classification.ACCUSATION), State.ASSIGNED)
    run_jobs()
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 1)) == 0
    run_jobs()
    assert mail.outbox == []

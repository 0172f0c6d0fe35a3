"""The case workflow (petitions/workflow.py): who may take which step from which state, the
legal time limits, the log, mail and reminders; and the numbering and query codes of intake
(petitions/intake.py)."""

from __future__ import annotations

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.roles import Role
from petitions import intake, notifications, workflow
from petitions.models import Case, CaseCounter, CaseLog, Classification, ExtensionState, State
from tests.conftest import make_user
from tests.petitions.casework import (
    make_duty,
    make_leader,
    make_unit,
    referral_reason,
    register,
    walk,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def unit(unit_handler):
    return make_unit("双塔分局", unit_handler, email="shuangta@example.org")


@pytest.fixture
def leader(leader_user):
    return make_leader(leader_user)


@pytest.fixture
def other_handler(db, django_user_model):
    """A member of another unit."""
    user = make_user(django_user_model, "other_handler", Role.HANDLING_UNIT)
    make_unit("龙城分局", user)
    return user


@pytest.fixture
def walker(clerk, unit_handler, unit):
    def go(case: Case, to: str) -> Case:
        return walk(case, to, office=clerk, unit_user=unit_handler, unit=unit)

    return go


@pytest.fixture
def reception_case(clerk, leader):
    """A case taken today on the leader's reception day."""
    duty = make_duty(leader)
    return register(clerk, channel="reception_day", duty=duty)


def code_of(error: ValidationError) -> str:
    return error.error_list[0].code


# --- Who may take which step: both sides, every role ----------------------------------------

PEOPLE = ["clerk", "administrator", "unit_handler", "other_handler", "leader_user", "stranger"]
ALLOWED = {
    "accept": {"clerk", "administrator"},
    "refuse": {"clerk", "administrator"},
    "assign": {"clerk", "administrator"},
    "start": {"unit_handler"},
    "note": {"clerk", "administrator", "unit_handler"},
    "draft": {"unit_handler"},
    "return": {"clerk", "administrator"},
    "approve": {"clerk", "administrator"},
    "feedback": {"clerk", "administrator"},
    "close": {"clerk", "administrator"},
    "review": {"clerk", "administrator"},
    "second_review": {"clerk", "administrator"},
    "extension": {"unit_handler"},
    "approve_extension": {"administrator"},
    "refuse_extension": {"administrator"},
    "release": {"clerk", "administrator"},
    "supervise": {"leader_user"},
}


def _prepare(action: str, case: Case, walker, clerk, unit_handler) -> Case:
    """Bring the case to a state from which ``action`` is possible."""
    if action in ("accept", "refuse"):
        return case
    if action == "assign":
        return walker(case, State.ACCEPTED)
    if action in ("start", "release", "supervise"):
        return walker(case, State.ASSIGNED)
    if action in ("note", "draft", "extension"):
        return walker(case, State.IN_PROGRESS)
    if action in ("approve_extension", "refuse_extension"):
        case = walker(case, State.IN_PROGRESS)
        return workflow.request_extension(case, by=unit_handler, days=20, reason="需要监测数据")
    if action in ("return", "approve"):
        return walker(case, State.ANSWER_DRAFTED)
    if action in ("feedback", "close", "review"):
        return walker(case, State.ANSWERED)
    if action == "second_review":
        case = walker(case, State.ANSWERED)
        case = workflow.request_review(case, by=clerk, comment="对答复不满意")
        case = workflow.draft_answer(case, by=unit_handler, answer="复查意见：维持原答复。")
        return workflow.approve_answer(case, by=clerk)
    raise AssertionError(action)


def _take(action: str, case: Case, user, unit) -> object:
    calls = {
        "accept": lambda: workflow.accept_case(case, by=user),
        "refuse": lambda: workflow.refuse_case(case, by=user, referral_reason=referral_reason()),
        "assign": lambda: workflow.assign_case(case, by=user, unit=unit),
        "start": lambda: workflow.start_handling(case, by=user),
        "note": lambda: workflow.add_progress_note(case, by=user, comment="已到现场"),
        "draft": lambda: workflow.draft_answer(case, by=user, answer="答复"),
        "return": lambda: workflow.return_answer(case, by=user, comment="请补充监测数据"),
        "approve": lambda: workflow.approve_answer(case, by=user),
        "feedback": lambda: workflow.record_feedback(case, by=user, satisfaction="basically"),
        "close": lambda: workflow.close_case(case, by=user, comment="信访人未接电话"),
        "review": lambda: workflow.request_review(case, by=user, comment="不满意"),
        "second_review": lambda: workflow.request_second_review(case, by=user, comment="仍不满意"),
        "extension": lambda: workflow.request_extension(case, by=user, days=10, reason="复杂"),
        "approve_extension": lambda: workflow.approve_extension(case, by=user),
        "refuse_extension": lambda: workflow.refuse_extension(case, by=user, comment="理由不足"),
        "release": lambda: workflow.release_identity(case, by=user, comment="需要联系信访人"),
        "supervise": lambda: workflow.add_supervision(case, by=user, comment="请于本周内办结"),
    }
    return calls[action]()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_who_may_take_each_step(
    request, action, person, reception_case, walker, clerk, unit_handler, unit, other_handler
):
    case = _prepare(action, reception_case, walker, clerk, unit_handler)
    user = request.getfixturevalue(person)
    if person in ALLOWED[action]:
        _take(action, case, user, unit)
        assert CaseLog.objects.filter(case=case, by=user).exists()
    else:
        before = Case.objects.get(pk=case.pk)
        with pytest.raises(ValidationError) as refused:
            _take(action, case, user, unit)
        assert code_of(refused.value) == "role"
        after = Case.objects.get(pk=case.pk)
        assert (after.state, after.version) == (before.state, before.version)


def test_every_transition_in_the_table_is_tested():
    assert set(ALLOWED) == set(workflow.TRANSITIONS)


# --- Steps out of order are refused with the reason ------------------------------------------


def test_an_answer_cannot_be_approved_before_assignment(clerk, walker, reception_case):
    case = walker(reception_case, State.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        workflow.approve_answer(case, by=clerk)
    assert code_of(refused.value) == "state"
    assert "Accepted" in refused.value.messages[0] or "已受理" in refused.value.messages[0]


def test_the_unit_cannot_draft_once_the_answer_is_sent(unit_handler, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    with pytest.raises(ValidationError) as refused:
        workflow.draft_answer(case, by=unit_handler, answer="再答复")
    assert code_of(refused.value) == "state"


def test_a_case_cannot_close_before_its_answer(clerk, walker, reception_case):
    case = walker(reception_case, State.IN_PROGRESS)
    with pytest.raises(ValidationError):
        workflow.close_case(case, by=clerk, comment="结案")


def test_a_case_is_accepted_only_once(clerk, reception_case):
    workflow.accept_case(reception_case, by=clerk)
    with pytest.raises(ValidationError) as refused:
        workflow.accept_case(Case.objects.get(pk=reception_case.pk), by=clerk)
    assert code_of(refused.value) == "state"


def test_closing_needs_the_feedback_or_a_reason(clerk, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    with pytest.raises(ValidationError) as refused:
        workflow.close_case(case, by=clerk)
    assert "comment" in refused.value.error_dict


def test_a_matter_in_litigation_cannot_be_accepted(clerk, reception_case):
    Case.objects.filter(pk=reception_case.pk).update(in_litigation=True)
    with pytest.raises(ValidationError) as refused:
        workflow.accept_case(Case.objects.get(pk=reception_case.pk), by=clerk)
    assert "category" in refused.value.error_dict


def test_refusing_needs_a_referral_reason(clerk, reception_case):
    with pytest.raises(ValidationError) as refused:
        workflow.refuse_case(reception_case, by=clerk, referral_reason=None)
    assert "referral_reason" in refused.value.error_dict


def test_returning_a_draft_goes_back_to_in_progress(clerk, walker, reception_case):
    case = walker(reception_case, State.ANSWER_DRAFTED)
    case = workflow.return_answer(case, by=clerk, comment="请补充监测数据")
    assert case.state == State.IN_PROGRESS


def test_reassigning_withdraws_the_released_identity(clerk, walker, reception_case):
    case = walker(reception_case, State.ASSIGNED)
    case = workflow.release_identity(case, by=clerk, comment="需要联系信访人")
    other = make_unit("龙城分局")
    case = workflow.assign_case(case, by=clerk, unit=other)
    assert case.unit == other
    assert not case.identity_released


def test_accusations_are_handled_by_the_office_not_the_unit(
    clerk, unit_handler, unit, walker, reception_case
):
    Case.objects.filter(pk=reception_case.pk).update(classification="accusation")
    case = walker(Case.objects.get(pk=reception_case.pk), State.ASSIGNED)
    with pytest.raises(ValidationError):
        workflow.start_handling(case, by=unit_handler)
    assert workflow.start_handling(case, by=clerk).state == State.IN_PROGRESS


# --- Concurrency: the second, stale save is refused ------------------------------------------


def test_a_stale_second_save_is_refused(clerk, administrator, reception_case):
    opened_version = reception_case.version
    workflow.accept_case(reception_case, by=clerk, version=opened_version)
    with pytest.raises(workflow.StaleCase):
        workflow.refuse_case(
            reception_case,
            by=administrator,
            referral_reason=referral_reason(),
            version=opened_version,
        )
    assert Case.objects.get(pk=reception_case.pk).state == State.ACCEPTED


def test_each_change_raises_the_version(clerk, reception_case):
    accepted = workflow.accept_case(reception_case, by=clerk, version=reception_case.version)
    assert accepted.version == reception_case.version + 1


# --- The log -----------------------------------------------------------------------------------


def test_the_petitioners_rating_is_a_workflow_step_logged_by_nobody(walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    rated = workflow.rate_answer(case, satisfaction="basically")
    assert rated.satisfaction == "basically" and rated.version == case.version + 1
    entry = CaseLog.objects.filter(case=case).last()
    assert entry.action == CaseLog.Action.FEEDBACK and entry.by is None


def test_a_second_rating_is_refused_by_the_workflow(walker, reception_case):
    case = workflow.rate_answer(walker(reception_case, State.ANSWERED), satisfaction="satisfied")
    with pytest.raises(ValidationError):
        workflow.rate_answer(case, satisfaction="not_satisfied")
    assert Case.objects.get(pk=case.pk).satisfaction == "satisfied"


def test_a_transition_is_logged_with_who_and_comment(clerk, reception_case):
    workflow.accept_case(reception_case, by=clerk, comment="当场受理")
    entry = reception_case.logs.last()
    assert (entry.action, entry.from_state, entry.to_state) == (
        CaseLog.Action.TRANSITION,
        State.REGISTERED,
        State.ACCEPTED,
    )
    assert entry.by == clerk
    assert entry.comment == "当场受理"


def test_registration_is_the_first_log_entry(clerk, reception_case):
    first = reception_case.logs.first()
    assert (first.from_state, first.to_state, first.by) == ("", State.REGISTERED, clerk)


def test_supervision_is_logged_for_the_unit_to_read(leader_user, walker, reception_case):
    case = walker(reception_case, State.ASSIGNED)
    workflow.add_supervision(case, by=leader_user, comment="请于本周内办结")
    entry = case.logs.last()
    assert (entry.action, entry.comment) == (CaseLog.Action.SUPERVISION, "请于本周内办结")


# --- Numbers -----------------------------------------------------------------------------------


def test_numbers_count_up_within_a_year(clerk):
    first = register(clerk, received_at=at(2025, 3, 3))
    second = register(clerk, received_at=at(2025, 3, 4))
    assert first.number == "朝环信〔2025〕0001"
    assert second.number == "朝环信〔2025〕0002"


def test_numbers_restart_each_year(clerk):
    register(clerk, received_at=at(2025, 12, 31))
    new_year = register(clerk, received_at=at(2026, 1, 2))
    assert new_year.number == "朝环信〔2026〕0001"
    assert CaseCounter.objects.get(year=2025).last == 1


def test_the_year_is_the_local_year_of_receipt(clerk):
    # 23:30 on 31 December in the city is 15:30 UTC: still 2025.
    case = register(clerk, received_at=at(2025, 12, 31, 23) + datetime.timedelta(minutes=30))
    assert case.year == 2025


def test_the_same_form_twice_makes_one_case(clerk):
    token = uuid.uuid4()
    first = register(clerk, submission_token=token)
    second = register(clerk, submission_token=token)
    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert CaseCounter.objects.get(year=first.year).last == 1


def test_the_query_code_has_no_ambiguous_characters(clerk):
    codes = [intake.new_query_code() for _ in range(200)]
    assert all(len(code) == 8 for code in codes)
    assert not set("".join(codes)) & set("01OI")


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
        case = workflow.request_review(case, by=clerk, comment="对答复不满意")
    assert case.state == State.REVIEW


def test_a_review_is_refused_after_30_days(clerk, walker, reception_case):
    case = _answered_on(at(2025, 4, 1), clerk, walker, reception_case)
    with time_machine.travel(at(2025, 5, 2), tick=False), pytest.raises(ValidationError) as late:
        workflow.request_review(case, by=clerk, comment="对答复不满意")
    assert code_of(late.value) == "condition"


def test_the_review_is_due_30_days_after_the_request(clerk, walker, reception_case):
    case = _answered_on(at(2025, 4, 1), clerk, walker, reception_case)
    with time_machine.travel(at(2025, 4, 10), tick=False):
        case = workflow.request_review(case, by=clerk, comment="对答复不满意")
    assert case.due_date == datetime.date(2025, 5, 10)
    assert case.review_level == 1


def test_a_closed_case_may_still_be_reviewed_in_the_window(clerk, walker, reception_case):
    case = walker(reception_case, State.CLOSED)
    case = workflow.request_review(case, by=clerk, comment="对答复不满意")
    assert case.state == State.REVIEW
    assert case.closed_at is None


def _reviewed_twice(clerk, unit_handler, walker, case) -> Case:
    case = walker(case, State.ANSWERED)
    case = workflow.request_review(case, by=clerk, comment="不满意")
    case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
    case = workflow.approve_answer(case, by=clerk)
    case = workflow.request_second_review(case, by=clerk, comment="仍不满意")
    case = workflow.draft_answer(case, by=unit_handler, answer="复核意见")
    return workflow.approve_answer(case, by=clerk)


def test_a_second_review_follows_a_review(clerk, unit_handler, walker, reception_case):
    case = _reviewed_twice(clerk, unit_handler, walker, reception_case)
    assert case.review_level == 2
    assert case.state == State.ANSWERED


def test_a_second_review_needs_a_review_first(clerk, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    with pytest.raises(ValidationError) as refused:
        workflow.request_second_review(case, by=clerk, comment="不满意")
    assert code_of(refused.value) == "condition"


def test_there_is_no_review_after_the_second_review(clerk, unit_handler, walker, reception_case):
    case = _reviewed_twice(clerk, unit_handler, walker, reception_case)
    assert case.review_request_due is None
    for request in (workflow.request_review, workflow.request_second_review):
        with pytest.raises(ValidationError) as refused:
            request(case, by=clerk, comment="第三次")
        assert code_of(refused.value) == "condition"


def test_a_review_round_cannot_be_extended(clerk, unit_handler, walker, reception_case):
    case = walker(reception_case, State.ANSWERED)
    case = workflow.request_review(case, by=clerk, comment="不满意")
    assert "extension" not in workflow.allowed_actions(unit_handler, case)


def test_a_case_past_its_due_date_is_overdue(clerk):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = workflow.accept_case(register(clerk), by=clerk)
    assert case.is_overdue(datetime.date(2025, 5, 5))
    assert case.due_status(datetime.date(2025, 5, 5)) == "overdue"
    assert case.due_status(datetime.date(2025, 4, 28)) == "due_soon"
    assert case.due_status(datetime.date(2025, 4, 1)) == ""


# --- Mail and reminders ------------------------------------------------------------------------


def test_the_unit_is_told_of_a_new_case_after_commit(
    clerk, unit, walker, reception_case, django_capture_on_commit_callbacks
):
    case = walker(reception_case, State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_case(case, by=clerk, unit=unit, instructions="请核查")
    assert [m.to for m in mail.outbox] == [["shuangta@example.org"]]
    assert case.number in mail.outbox[0].subject


def test_an_extension_request_is_mailed_to_administrators(
    administrator, unit_handler, walker, reception_case, django_capture_on_commit_callbacks
):
    case = walker(reception_case, State.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_extension(case, by=unit_handler, days=10, reason="需要监测")
    assert mail.outbox[-1].to == [administrator.email]


def test_reminders_list_overdue_and_due_soon_cases_per_unit(clerk, unit, walker):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        late = walker(register(clerk, title="化工厂异味"), State.ASSIGNED)  # due 5-2
    with time_machine.travel(at(2025, 3, 20), tick=False):
        soon = walker(register(clerk, title="饭店油烟"), State.ASSIGNED)  # due 5-19
        later = walker(register(clerk, title="河道垃圾"), State.ASSIGNED)
        Case.objects.filter(pk=later.pk).update(due_date=datetime.date(2025, 6, 30))
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 15)) == 1
    body = mail.outbox[0].body
    assert late.number in body and soon.number in body
    assert later.number not in body
    assert mail.outbox[0].to == ["shuangta@example.org"]


def test_reminders_go_to_the_members_when_the_unit_has_no_address(clerk, unit_handler, walker):
    unit = make_unit("建平分局", unit_handler)
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walk(register(clerk), State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 1)) == 1
    assert mail.outbox[0].to == [unit_handler.email]


def test_no_reminder_for_closed_cases(clerk, walker):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk), State.CLOSED)
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 6, 1)) == 0


def test_the_daily_command_sends_the_case_reminders(clerk, walker):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk), State.ASSIGNED)
    out = io.StringIO()
    call_command("sendreminders", "--date", "2025-05-01", stdout=out)
    assert "1" in out.getvalue().splitlines()[-1]
    assert any("shuangta@example.org" in m.to for m in mail.outbox)


def test_no_reminder_mails_an_accusation_to_a_unit(clerk, walker):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk, classification=Classification.ACCUSATION), State.ASSIGNED)
    mail.outbox.clear()
    assert notifications.send_due_reminders(datetime.date(2025, 5, 1)) == 0
    assert mail.outbox == []

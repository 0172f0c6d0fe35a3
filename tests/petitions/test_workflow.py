"""The case workflow (petitions/workflow.py): who may take which step from which state, steps
out of order, stale saves and the log; and the numbering and query codes of intake
(petitions/intake.py). Time limits and mail are in ``test_deadlines.py``."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from petitions import casework, delivery, feedback, handoffs, intake, reviews, workflow
from petitions.models import Case, CaseCounter, CaseLog, DeliveryMethod, State
from tests.factories import at, code_of, make_unit, referral_reason, register

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
    "deliver": {"clerk", "administrator"},
    "transfer": {"clerk", "administrator"},
    "forward_review": {"clerk", "administrator"},
    "review_decision": {"clerk", "administrator"},
    "feedback": {"clerk", "administrator"},
    "close": {"clerk", "administrator"},
    "review": {"clerk", "administrator"},
    "second_review": {"clerk", "administrator"},
    "extension": {"unit_handler"},
    "approve_extension": {"administrator"},
    "refuse_extension": {"administrator"},
    "release": {"clerk", "administrator"},
    "supervise": {"leader_user"},
    "reply": {"unit_handler"},
    "take_charge": {"leader_user"},
    "charge": {"clerk", "administrator"},
    "first_petition": {"clerk", "administrator"},
}


def _prepare(action: str, case: Case, walker, clerk, unit_handler) -> Case:
    """Bring the case to a state from which ``action`` is possible."""
    if action in ("accept", "refuse", "transfer", "first_petition"):
        return case
    if action == "reply":
        case = walker(case, State.ASSIGNED)
        casework.add_supervision(case, by=case.leader.user, comment="请于本周内办结")
        return case
    if action == "assign":
        return walker(case, State.ACCEPTED)
    if action in ("start", "release", "supervise", "take_charge", "charge"):
        return walker(case, State.ASSIGNED)
    if action in ("note", "draft", "extension"):
        return walker(case, State.IN_PROGRESS)
    if action in ("approve_extension", "refuse_extension"):
        case = walker(case, State.IN_PROGRESS)
        return workflow.request_extension(case, by=unit_handler, days=20, reason="需要监测数据")
    if action in ("return", "approve"):
        return walker(case, State.ANSWER_DRAFTED)
    if action == "deliver":
        return walker(case, State.APPROVED)
    if action in ("feedback", "close", "review"):
        return walker(case, State.ANSWERED)
    if action == "second_review":
        case = walker(case, State.ANSWERED)
        case = reviews.request_review(case, by=clerk, comment="对答复不满意")
        case = workflow.draft_answer(case, by=unit_handler, answer="复查意见：维持原答复。")
        return deliver(workflow.approve_answer(case, by=clerk), clerk)
    if action in ("forward_review", "review_decision"):
        case = walker(case, State.ANSWER_DRAFTED)
        case = deliver(workflow.approve_answer(case, by=clerk, issuer=None), clerk)
        case = reviews.request_review(case, by=clerk, comment="对答复不满意")
        if action == "review_decision":
            case = reviews.forward_review(
                case, by=clerk, higher_body="朝阳市人民政府", forwarded_on=timezone.localdate()
            )
        return case
    raise AssertionError(action)


def deliver(case: Case, by) -> Case:
    return delivery.deliver_answer(
        case, by=by, delivered_on=timezone.localdate(), method=DeliveryMethod.IN_PERSON
    )


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
        "deliver": lambda: deliver(case, user),
        "transfer": lambda: handoffs.transfer_case(case, by=user, authority="朝阳市城市管理局"),
        "forward_review": lambda: reviews.forward_review(
            case, by=user, higher_body="朝阳市人民政府", forwarded_on=timezone.localdate()
        ),
        "review_decision": lambda: reviews.record_review_decision(
            case, by=user, decided_on=timezone.localdate(), outcome="upheld", decision="维持"
        ),
        "feedback": lambda: feedback.record_feedback(case, by=user, satisfaction="basically"),
        "close": lambda: workflow.close_case(case, by=user, comment="信访人未接电话"),
        "review": lambda: reviews.request_review(case, by=user, comment="不满意"),
        "second_review": lambda: reviews.request_second_review(case, by=user, comment="仍不满意"),
        "extension": lambda: workflow.request_extension(case, by=user, days=10, reason="复杂"),
        "approve_extension": lambda: workflow.approve_extension(case, by=user),
        "refuse_extension": lambda: workflow.refuse_extension(case, by=user, comment="理由不足"),
        "release": lambda: workflow.release_identity(case, by=user, comment="需要联系信访人"),
        "supervise": lambda: casework.add_supervision(case, by=user, comment="请于本周内办结"),
        "reply": lambda: casework.reply_to_supervision(case, by=user, reply="已督促整改"),
        "take_charge": lambda: casework.take_charge(case, by=user),
        "charge": lambda: casework.put_in_charge(case, by=user, leader=case.leader),
        "first_petition": lambda: casework.set_first_petition(
            case, by=user, first=not case.is_first_petition, comment="此前曾来信反映"
        ),
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
    rated = feedback.rate_answer(case, satisfaction="basically")
    assert rated.satisfaction == "basically" and rated.version == case.version + 1
    entry = CaseLog.objects.filter(case=case).last()
    assert entry.action == CaseLog.Action.RATING and entry.by is None


def test_a_second_rating_is_refused_by_the_workflow(walker, reception_case):
    case = feedback.rate_answer(walker(reception_case, State.ANSWERED), satisfaction="satisfied")
    with pytest.raises(ValidationError):
        feedback.rate_answer(case, satisfaction="not_satisfied")
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
    casework.add_supervision(
        case, by=leader_user, comment="请于本周内办结", reply_due=datetime.date(2099, 1, 8)
    )
    entry = case.logs.last()
    assert entry.action == CaseLog.Action.SUPERVISION
    assert entry.comment.startswith("请于本周内办结\n") and "2099-01-08" in entry.comment


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

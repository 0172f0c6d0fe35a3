"""Who reviews an answer (petitions/letters.py, petitions/reviews.py): the bureau reviews its
branch's answer in this system; a review of the bureau's own answer goes to the higher body,
which the bureau forwards it to (with a letter) and whose decision and date it records, with
its time limit, writing no opinion in its own name. The page's labels follow the stage."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions import delivery, reviews, workflow
from petitions.models import Case, Letter, Review, State
from tests.factories import at, code_of, register

EN = {"accept-language": "en"}
CITY = "朝阳市人民政府"
APRIL_FIRST = at(2025, 4, 1)


def answered(clerk, walker, *, issuer="branch", day=APRIL_FIRST) -> Case:
    """Answered and delivered on ``day``: by the branch, or (issuer=None) the bureau itself."""
    with time_machine.travel(day, tick=False):
        case = walker(register(clerk), State.ANSWER_DRAFTED)
        extra = {} if issuer == "branch" else {"issuer": issuer}
        case = workflow.approve_answer(case, by=clerk, **extra)
        return delivery.deliver_answer(case, by=clerk, delivered_on=day.date(), method="post")


def request_on(day, case: Case, clerk, second: bool = False) -> Case:
    verb = reviews.request_second_review if second else reviews.request_review
    with time_machine.travel(day, tick=False):
        return verb(case, by=clerk, comment="信访人对答复不满意")


def forward_on(day, case: Case, clerk, body: str = CITY) -> Case:
    with time_machine.travel(day, tick=False):
        return reviews.forward_review(case, by=clerk, higher_body=body, forwarded_on=day.date())


def decide_on(day, case: Case, clerk, decided_on=None) -> Case:
    with time_machine.travel(day, tick=False):
        return reviews.record_review_decision(
            case,
            by=clerk,
            decided_on=decided_on or day.date(),
            outcome=Review.Outcome.UPHELD,
            decision="维持原处理意见。",
        )


# --- The bureau reviews a branch's answer ----------------------------------------------------


def test_a_branchs_answer_is_reviewed_by_the_bureau_within_30_days(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker), clerk)
    review = case.reviews.get()
    assert (review.level, review.body, review.requested_on) == (
        1,
        Review.Body.BUREAU,
        datetime.date(2025, 4, 10),
    )
    assert case.due_date == datetime.date(2025, 5, 10)


def test_the_unit_drafts_the_bureaus_review_opinion(clerk, unit_handler, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker), clerk)
    assert "draft" in workflow.allowed_actions(unit_handler, case)
    assert "forward_review" not in workflow.allowed_actions(clerk, case)


def test_the_bureaus_review_opinion_is_issued_in_the_bureaus_name(clerk, unit_handler, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker), clerk)
    case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
    case = workflow.approve_answer(case, by=clerk)
    opinion = case.letters.get(kind=Letter.Kind.REVIEW_OPINION)
    assert opinion.issuer is None


def test_a_review_opinion_cannot_be_issued_by_a_unit(clerk, unit, unit_handler, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker), clerk)
    case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
    with pytest.raises(ValidationError) as refused:
        workflow.approve_answer(case, by=clerk, issuer=unit)
    assert "issuer" in refused.value.error_dict


# --- The higher body reviews the bureau's own answer -----------------------------------------


def test_the_bureaus_own_answer_goes_to_the_higher_body(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    assert case.reviews.get().body == Review.Body.HIGHER
    assert case.due_date is None  # its clock starts when the higher body receives it


def test_the_bureau_writes_no_review_opinion_of_its_own_answer(clerk, unit_handler, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    with pytest.raises(ValidationError) as refused:
        workflow.draft_answer(case, by=unit_handler, answer="复查意见")
    assert code_of(refused.value) == "condition"
    assert "draft" not in workflow.allowed_actions(unit_handler, case)


def test_the_unit_is_not_mailed_for_a_review_by_the_higher_body(
    clerk, walker, django_capture_on_commit_callbacks
):
    case = answered(clerk, walker, issuer=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_on(at(2025, 4, 10), case, clerk)
    assert mail.outbox == []


def test_forwarding_starts_the_higher_bodys_30_days(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    review = case.reviews.get()
    assert (review.higher_body, review.forwarded_on, review.due_date) == (
        CITY,
        datetime.date(2025, 4, 12),
        datetime.date(2025, 5, 12),
    )
    assert case.due_date == datetime.date(2025, 5, 12)
    letter = case.letters.get(kind=Letter.Kind.REVIEW_FORWARDING)
    assert letter.addressee == CITY


def test_forwarding_needs_the_bodys_name(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    with pytest.raises(ValidationError) as refused:
        forward_on(at(2025, 4, 12), case, clerk, body=" ")
    assert "higher_body" in refused.value.error_dict


def test_a_request_is_forwarded_once(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    with pytest.raises(ValidationError) as refused:
        forward_on(at(2025, 4, 13), case, clerk, body="辽宁省生态环境厅")
    assert code_of(refused.value) == "condition"


def test_no_decision_is_recorded_before_the_forwarding(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    with pytest.raises(ValidationError) as refused:
        decide_on(at(2025, 4, 20), case, clerk)
    assert code_of(refused.value) == "condition"


def test_a_decision_dated_before_the_forwarding_is_refused(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    with pytest.raises(ValidationError) as refused:
        decide_on(at(2025, 4, 20), case, clerk, decided_on=datetime.date(2025, 4, 11))
    assert "decided_on" in refused.value.error_dict
    assert Case.objects.get(pk=case.pk).state == State.REVIEW


def test_the_higher_bodys_decision_is_recorded_and_opens_the_second_review_window(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    case = decide_on(at(2025, 5, 6), case, clerk)
    review = case.reviews.get()
    assert (review.decided_on, review.outcome) == (datetime.date(2025, 5, 6), "upheld")
    assert case.state == State.ANSWERED
    assert case.review_request_due == datetime.date(2025, 6, 5)
    assert not case.letters.filter(kind=Letter.Kind.REVIEW_OPINION).exists()


def test_the_second_review_of_the_bureaus_review_opinion_goes_higher(clerk, unit_handler, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker), clerk)
    with time_machine.travel(at(2025, 4, 20), tick=False):
        case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
        case = workflow.approve_answer(case, by=clerk)
        case = delivery.deliver_answer(
            case, by=clerk, delivered_on=datetime.date(2025, 4, 20), method="post"
        )
    case = request_on(at(2025, 5, 1), case, clerk, second=True)
    assert case.reviews.get(level=2).body == Review.Body.HIGHER


def test_after_the_higher_bodys_second_review_nothing_more_may_be_asked(clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = decide_on(at(2025, 5, 1), forward_on(at(2025, 4, 12), case, clerk), clerk)
    case = request_on(at(2025, 5, 10), case, clerk, second=True)
    assert case.reviews.get(level=2).body == Review.Body.HIGHER
    case = forward_on(at(2025, 5, 11), case, clerk, body="辽宁省人民政府")
    case = decide_on(at(2025, 6, 1), case, clerk)
    assert case.review_request_due is None
    with pytest.raises(ValidationError):
        request_on(at(2025, 6, 2), case, clerk, second=True)


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_forwards_a_request(request, clerk, walker, person):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    with pytest.raises(ValidationError) as refused:
        forward_on(at(2025, 4, 12), case, request.getfixturevalue(person))
    assert code_of(refused.value) == "role"


# --- Labels follow the stage ------------------------------------------------------------------


def page_of(client, case: Case) -> str:
    response = client.get(reverse("petitions:detail", args=[case.pk]), headers=EN)
    return response.content.decode()


def test_after_the_answer_the_page_gives_the_review_deadline(client_of, clerk, walker):
    case = answered(clerk, walker, day=APRIL_FIRST)
    with time_machine.travel(at(2025, 4, 2), tick=False):
        page = page_of(client_of(clerk), case)
    assert "Review (复查) may be requested until" in page and "2025-05-01" in page
    assert "reviewed by the bureau" in page


def test_once_the_review_is_decided_the_page_no_longer_speaks_of_the_review_deadline(
    client_of, clerk, walker
):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = decide_on(at(2025, 5, 6), forward_on(at(2025, 4, 12), case, clerk), clerk)
    with time_machine.travel(at(2025, 5, 7), tick=False):
        page = page_of(client_of(clerk), case)
    assert "Review (复查) may be requested until" not in page
    assert "Second review (复核) may be requested until" in page and "2025-06-05" in page


def test_during_a_review_by_the_higher_body_the_page_shows_its_decision_due(
    client_of, clerk, walker
):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    with time_machine.travel(at(2025, 4, 13), tick=False):
        page = page_of(client_of(clerk), case)
    assert "the higher body&#x27;s decision" in page or "the higher body's decision" in page
    assert "2025-05-12" in page and CITY in page


def test_the_forwarding_letter_prints_with_the_higher_body(client_of, clerk, walker):
    case = request_on(at(2025, 4, 10), answered(clerk, walker, issuer=None), clerk)
    case = forward_on(at(2025, 4, 12), case, clerk)
    letter = case.letters.get(kind=Letter.Kind.REVIEW_FORWARDING)
    url = reverse("petitions:letter", args=[case.pk, letter.pk])
    page = client_of(clerk).get(url, headers=EN).content.decode()
    assert CITY in page and "信访人对答复不满意" in page and case.number in page

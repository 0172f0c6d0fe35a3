"""A citizen's rating (petitions/feedback.py, the lookup page): choosing 不满意 explains the right
to a review, its deadline counted from delivery and how to ask, and takes an optional reason;
feedback the office recorded by phone is marked as such and does not block the petitioner's
own rating, which the office in turn cannot overwrite."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from petitions import access, delivery, feedback, reviews, workflow
from petitions.models import Case, CaseLog, Satisfaction, State
from tests.factories import at, code_of, register

CASE_PAGE = "/lookup/case/"
RATE = "/lookup/case/rate/"


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    monkeypatch.setattr(
        "petitions.ratelimit.ATTEMPTS_KEY_PREFIX", f"test-rating:{uuid.uuid4().hex}"
    )


@pytest.fixture
def petitioner(client):
    """The petitioner's browser, in English, with a ``find(case)`` that looks the case up."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def find(case: Case):
        client.post("/lookup/", {"number": case.number, "code": case.query_code})
        return client

    return find


def delivered(clerk, walker, *, issuer="branch") -> Case:
    """Approved on 1 April 2025, delivered on 10 April."""
    with time_machine.travel(at(2025, 4, 1), tick=False):
        case = walker(register(clerk), State.ANSWER_DRAFTED)
        case = workflow.approve_answer(case, by=clerk, **({} if issuer else {"issuer": None}))
    with time_machine.travel(at(2025, 4, 10), tick=False):
        return delivery.deliver_answer(
            case, by=clerk, delivered_on=at(2025, 4, 10).date(), method="post"
        )


def test_the_rating_form_explains_the_right_to_a_review_with_the_deadline_from_delivery(
    clerk, walker, petitioner
):
    case = delivered(clerk, walker)
    with time_machine.travel(at(2025, 4, 12), tick=False):
        page = petitioner(case).get(CASE_PAGE).content.decode()
    help_box = page[page.index('id="not-satisfied-help"') :]
    assert "right to ask for a review (复查)" in help_box
    assert "Ask by 2025-05-10" in help_box and "2025-04-10" in help_box
    assert "petition office of" in help_box  # a branch's answer: the bureau reviews
    assert 'name="reason"' in help_box


def test_for_the_bureaus_own_answer_it_says_to_ask_the_higher_body(clerk, walker, petitioner):
    case = delivered(clerk, walker, issuer=None)
    with time_machine.travel(at(2025, 4, 12), tick=False):
        page = petitioner(case).get(CASE_PAGE).content.decode()
    assert "the body one level above the bureau" in page


def test_a_not_satisfied_rating_keeps_its_reason_and_shows_what_to_do(clerk, walker, petitioner):
    case = delivered(clerk, walker)
    with time_machine.travel(at(2025, 4, 12), tick=False):
        client = petitioner(case)
        response = client.post(
            RATE, {"satisfaction": "not_satisfied", "reason": "噪声依旧"}, follow=True
        )
    page = response.content.decode()
    entry = case.logs.get(action=CaseLog.Action.RATING)
    assert "噪声依旧" in entry.comment and entry.by is None
    assert "Not satisfied: what you can do" in page and "Ask by 2025-05-10" in page
    assert Case.objects.get(pk=case.pk).satisfaction == Satisfaction.NOT_SATISFIED


def test_a_satisfied_rating_does_not_lecture_about_reviews(clerk, walker, petitioner):
    case = delivered(clerk, walker)
    with time_machine.travel(at(2025, 4, 12), tick=False):
        response = petitioner(case).post(RATE, {"satisfaction": "satisfied"}, follow=True)
    assert "Not satisfied: what you can do" not in response.content.decode()


def test_an_answer_issued_but_not_delivered_is_neither_shown_nor_rated(clerk, walker, petitioner):
    with time_machine.travel(at(2025, 4, 1), tick=False):
        case = walker(register(clerk), State.APPROVED)
        client = petitioner(case)
        page = client.get(CASE_PAGE).content.decode()
        client.post(RATE, {"satisfaction": "satisfied"})
    assert "经现场核查，工地已停止夜间施工。" not in page
    assert "being delivered to you" in page
    assert Case.objects.get(pk=case.pk).satisfaction == ""


def test_feedback_recorded_by_phone_does_not_block_the_petitioners_own(clerk, walker, petitioner):
    case = feedback.record_feedback(
        delivered(clerk, walker), by=clerk, satisfaction="satisfied", comment="电话回访"
    )
    with time_machine.travel(at(2025, 4, 12), tick=False):
        petitioner(case).post(RATE, {"satisfaction": "basically"})
    assert Case.objects.get(pk=case.pk).satisfaction == Satisfaction.BASICALLY


def test_the_office_cannot_overwrite_the_petitioners_own_rating(clerk, walker):
    case = feedback.rate_answer(delivered(clerk, walker), satisfaction="not_satisfied")
    assert "feedback" not in workflow.allowed_actions(clerk, case)
    with pytest.raises(ValidationError) as refused:
        feedback.record_feedback(case, by=clerk, satisfaction="satisfied")
    assert code_of(refused.value) == "condition"
    assert Case.objects.get(pk=case.pk).satisfaction == Satisfaction.NOT_SATISFIED


def test_the_case_page_marks_who_gave_the_feedback(client_of, clerk, walker):
    case = feedback.record_feedback(delivered(clerk, walker), by=clerk, satisfaction="satisfied")
    client = client_of(clerk)
    url = reverse("petitions:detail", args=[case.pk])
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "recorded by the office (by phone or in person)" in page
    feedback.rate_answer(case, satisfaction="basically")
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "the petitioner's own rating online" in page


def test_a_new_answer_after_a_review_may_be_rated_again(clerk, unit_handler, walker):
    case = feedback.rate_answer(delivered(clerk, walker), satisfaction="not_satisfied")
    with time_machine.travel(at(2025, 4, 20), tick=False):
        case = reviews.request_review(case, by=clerk, comment="不满意")
        case = workflow.draft_answer(case, by=unit_handler, answer="复查意见")
        case = workflow.approve_answer(case, by=clerk)
        case = delivery.deliver_answer(
            case, by=clerk, delivered_on=timezone.localdate(), method="in_person"
        )
    assert not access.petitioner_rated(case)
    assert feedback.rate_answer(case, satisfaction="satisfied").satisfaction == "satisfied"

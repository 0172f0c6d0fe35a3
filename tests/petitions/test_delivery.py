"""Delivery (送达) as its own step after approval (petitions/delivery.py): the answer becomes a
letter in its issuer's name, the office records when and how it reached the petitioner, the
review window counts from that day, and every letter prints as issued after later steps."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.access import grant_role_permissions
from petitions import delivery, reviews, workflow
from petitions.models import Case, DeliveryMethod, Letter, State
from tests.factories import at, code_of, register

EN = {"accept-language": "en"}


@pytest.fixture
def drafted(clerk, walker):
    """A case whose draft answer waits for the office, handled by 双塔分局 (a branch)."""
    with time_machine.travel(at(2025, 3, 3), tick=False):
        return walker(register(clerk), State.ANSWER_DRAFTED)


def approve_on(day, case: Case, clerk, **kwargs) -> Case:
    with time_machine.travel(day, tick=False):
        return workflow.approve_answer(case, by=clerk, **kwargs)


def deliver_on(day, case: Case, clerk, delivered_on=None, method=DeliveryMethod.POST) -> Case:
    with time_machine.travel(day, tick=False):
        return delivery.deliver_answer(
            case, by=clerk, delivered_on=delivered_on or day.date(), method=method, note="挂号信"
        )


def detail(case: Case) -> str:
    return reverse("petitions:detail", args=[case.pk])


# --- Approval issues a letter; delivery is a step of its own ------------------------------------


def test_approval_issues_the_answer_as_a_letter_of_the_branch_not_yet_delivered(
    clerk, unit, drafted
):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    letter = case.letters.get()
    assert case.state == State.APPROVED
    assert (letter.kind, letter.issuer, letter.delivered_on) == (Letter.Kind.ANSWER, unit, None)
    assert case.review_request_due is None


def test_the_office_may_issue_the_answer_in_the_bureaus_own_name(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk, issuer=None)
    assert case.letters.get().issuer is None


def test_a_review_cannot_be_requested_before_delivery(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    with pytest.raises(ValidationError) as refused:
        reviews.request_review(case, by=clerk, comment="不满意")
    assert code_of(refused.value) == "state"


def test_delivery_records_date_and_method_and_opens_the_window_from_delivery(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    case = deliver_on(at(2025, 4, 10), case, clerk)
    letter = case.letters.get()
    assert case.state == State.ANSWERED
    assert (letter.delivered_on, letter.delivery_method, letter.delivered_by) == (
        datetime.date(2025, 4, 10),
        DeliveryMethod.POST,
        clerk,
    )
    assert case.review_request_due == datetime.date(2025, 5, 10)


def test_a_delivery_recorded_late_counts_from_the_day_of_delivery(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    case = deliver_on(at(2025, 4, 20), case, clerk, delivered_on=datetime.date(2025, 4, 3))
    assert case.review_request_due == datetime.date(2025, 5, 3)


def test_a_review_is_allowed_30_days_after_delivery_though_40_after_approval(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    case = deliver_on(at(2025, 4, 10), case, clerk)
    with time_machine.travel(at(2025, 5, 10), tick=False):
        case = reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert case.state == State.REVIEW


def test_a_review_is_refused_on_the_31st_day_after_delivery(clerk, drafted):
    case = deliver_on(at(2025, 4, 10), approve_on(at(2025, 4, 1), drafted, clerk), clerk)
    with time_machine.travel(at(2025, 5, 11), tick=False), pytest.raises(ValidationError) as late:
        reviews.request_review(case, by=clerk, comment="对答复不满意")
    assert code_of(late.value) == "condition"


@pytest.mark.parametrize(
    ("delivered_on", "field"),
    [
        (datetime.date(2025, 4, 11), "delivered_on"),  # tomorrow
        (datetime.date(2025, 3, 31), "delivered_on"),  # before the letter was issued
        (None, "delivered_on"),
    ],
)
def test_an_impossible_delivery_date_is_refused_and_nothing_is_saved(
    clerk, drafted, delivered_on, field
):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    with time_machine.travel(at(2025, 4, 10), tick=False), pytest.raises(ValidationError) as bad:
        delivery.deliver_answer(case, by=clerk, delivered_on=delivered_on, method="post")
    assert field in bad.value.error_dict
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (State.APPROVED, case.version)
    assert fresh.letters.get().delivered_on is None


def test_an_unknown_delivery_method_is_refused(clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    with pytest.raises(ValidationError) as bad:
        delivery.deliver_answer(
            case, by=clerk, delivered_on=datetime.date(2025, 4, 1), method="pigeon"
        )
    assert "method" in bad.value.error_dict


def test_the_unit_cannot_record_a_delivery(unit_handler, clerk, drafted):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    with pytest.raises(ValidationError) as refused:
        delivery.deliver_answer(
            case, by=unit_handler, delivered_on=datetime.date(2025, 4, 1), method="post"
        )
    assert code_of(refused.value) == "role"


# --- Through the pages ------------------------------------------------------------------------


def test_the_clerk_records_the_delivery_on_the_case_page(client_of, clerk, drafted):
    case = workflow.approve_answer(drafted, by=clerk)
    response = client_of(clerk).post(
        reverse("petitions:act", args=[case.pk, "deliver"]),
        {
            "deliver-version": case.version,
            "deliver-delivered_on": timezone.localdate().isoformat(),
            "deliver-method": "in_person",
            "deliver-note": "本人签收",
        },
    )
    assert response.status_code == 302
    letter = Case.objects.get(pk=case.pk).letters.get()
    assert (letter.delivery_method, letter.delivery_note) == ("in_person", "本人签收")


def test_the_handler_is_refused_the_delivery_step_on_the_page(
    client_of, clerk, unit_handler, drafted
):
    case = workflow.approve_answer(drafted, by=clerk)
    response = client_of(unit_handler).post(
        reverse("petitions:act", args=[case.pk, "deliver"]),
        {
            "deliver-version": case.version,
            "deliver-delivered_on": "2025-04-01",
            "deliver-method": "post",
        },
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_an_approved_case_asks_for_the_delivery(client_of, clerk, drafted):
    case = workflow.approve_answer(drafted, by=clerk)
    response = client_of(clerk).get(detail(case), headers=EN)
    page = response.content.decode()
    assert "deliver" in [form["name"] for form in response.context["forms"]]
    assert "deliver it and record the delivery" in page
    assert "Not delivered yet" in page


# --- Letters stay printable -------------------------------------------------------------------


def letter_url(case: Case, letter: Letter, sheet: str = "letter") -> str:
    name = "petitions:letter" if sheet == "letter" else "petitions:delivery_receipt"
    return reverse(name, args=[case.pk, letter.pk])


def test_the_answer_still_prints_as_issued_after_the_review_opinion(
    client_of, clerk, unit_handler, drafted
):
    case = deliver_on(at(2025, 4, 2), approve_on(at(2025, 4, 1), drafted, clerk), clerk)
    with time_machine.travel(at(2025, 4, 5), tick=False):
        case = reviews.request_review(case, by=clerk, comment="不满意")
        case = workflow.draft_answer(case, by=unit_handler, answer="复查意见：维持原答复。")
        case = workflow.approve_answer(case, by=clerk)
    answer, opinion = case.letters.order_by("review_level")
    client = client_of(clerk)
    first = client.get(letter_url(case, answer), headers=EN).content.decode()
    second = client.get(letter_url(case, opinion), headers=EN).content.decode()
    assert "经现场核查，工地已停止夜间施工。" in first and "Written answer to a petition" in first
    assert "复查意见：维持原答复。" in second and "Review decision" in second
    page = client.get(detail(case)).content.decode()
    assert page.count('class="list-group-item letter"') == 2


def test_the_delivery_receipt_prints_blank_before_delivery_and_filled_after(
    client_of, clerk, drafted
):
    case = approve_on(at(2025, 4, 1), drafted, clerk)
    letter = case.letters.get()
    client = client_of(clerk)
    blank = client.get(letter_url(case, letter, "receipt"), headers=EN).content.decode()
    assert "□ In person" in blank
    deliver_on(at(2025, 4, 10), case, clerk)
    filled = client.get(letter_url(case, letter, "receipt"), headers=EN).content.decode()
    assert "2025-04-10" in filled and "By post" in filled and "□ In person" not in filled


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_prints_the_delivery_receipt(request, client_of, clerk, drafted, person):
    case = workflow.approve_answer(drafted, by=clerk)
    url = letter_url(case, case.letters.get(), "receipt")
    assert client_of(request.getfixturevalue(person)).get(url).status_code in (403, 404)


def test_a_letter_of_another_case_is_not_found(client_of, clerk, drafted):
    case = workflow.approve_answer(drafted, by=clerk)
    other = register(clerk, title="另一件")
    url = reverse("petitions:letter", args=[other.pk, case.letters.get().pk])
    assert client_of(clerk).get(url).status_code == 404


def test_the_admin_lists_the_letters_of_a_case(client_of, administrator, clerk, drafted):
    grant_role_permissions(sender=None)
    case = workflow.approve_answer(drafted, by=clerk)
    url = reverse("admin:petitions_case_change", args=[case.pk])
    page = client_of(administrator).get(url, headers=EN).content.decode()
    assert "Written answer" in page

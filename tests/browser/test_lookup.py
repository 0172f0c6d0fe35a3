"""A petitioner looks up their case on a phone and rates the answer, in Chromium."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from petitions.models import Case, Satisfaction, State
from tests.factories import DEFAULT_QUERY_CODE, make_case

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}  # a common phone screen, in CSS pixels
ANSWER = "经调查核实，您反映的问题属实，已责令施工单位夜间停工，并处以罚款。"


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    """Attempts are counted in the shared cache: this test counts under its own keys."""
    monkeypatch.setattr("petitions.ratelimit.ATTEMPTS_KEY_PREFIX", f"test-{uuid.uuid4().hex}")


@pytest.fixture
def case(transactional_db) -> Case:
    now = timezone.now()
    return make_case(
        year=2025,
        sequence=7,
        state=State.ANSWERED,
        received_at=now - datetime.timedelta(days=30),
        accepted_at=now - datetime.timedelta(days=28),
        answered_at=now - datetime.timedelta(days=1),
        answer=ANSWER,
        petitioner_name="张建国",
    )


def test_a_petitioner_looks_up_and_rates_the_answer_on_a_phone(new_page, screenshot, case):
    # English: the assertions read the msgids (the Chinese catalogue is kept elsewhere).
    page = new_page(locale="en", **PHONE)
    page.goto("/lookup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Labels lead to their fields: a screen reader (and a test) finds them by name.
    page.get_by_label("Case number").fill("朝环信〔2025〕0007")
    page.get_by_label("Query code").fill(DEFAULT_QUERY_CODE.lower())
    page.get_by_label("Query code").press("Enter")  # the keyboard alone is enough

    expect(page.get_by_role("heading", level=1)).to_contain_text("0007")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("张建国")
    # The page's content is no wider than the phone: no sideways scrolling.
    assert page.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]

    page.get_by_text("Basically satisfied", exact=True).click()  # the big label is the target
    expect(page.get_by_label("Basically satisfied")).to_be_checked()
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # let the button's colour transition finish for the picture
    screenshot(page, "lookup-phone")
    page.get_by_role("button", name="Send my rating").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.get_by_label("Basically satisfied")).to_have_count(0)  # rated: form gone
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.BASICALLY


def test_choosing_not_satisfied_shows_the_right_to_a_review_and_a_reason_box(
    new_page, screenshot, case
):
    Case.objects.filter(pk=case.pk).update(
        review_request_due=timezone.localdate() + datetime.timedelta(days=29)
    )
    page = new_page(locale="en", **PHONE)
    page.goto("/lookup/")
    page.get_by_label("Case number").fill("朝环信〔2025〕0007")
    page.get_by_label("Query code").fill(DEFAULT_QUERY_CODE)
    page.get_by_label("Query code").press("Enter")
    help_box = page.locator("#not-satisfied-help")
    expect(help_box).to_be_hidden()  # no lecture for a satisfied petitioner
    page.get_by_text("Not satisfied", exact=True).click()
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("right to ask for a review")
    expect(help_box).not_to_contain_text("receiving it on .")
    page.get_by_label("Why? (optional)").fill("夜间仍有施工噪声")
    screenshot(page, "lookup-not-satisfied")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.locator("#review-rights")).to_be_visible()
    assert "夜间仍有施工噪声" in case.logs.get().comment

"""A case from the desk to closing, in Chromium: a clerk registers it on a reception day, it
links to the leader on duty, is assigned, answered, approved, delivered, gets feedback and
closes; the leader sees it; the unit saw only what it may. And the desk form's pre-selection:
涉诉 and 越级 pick their referral reason, a district its branch."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import Role
from petitions.models import Case, ReferralReason, State
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_duty, make_leader, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db, django_user_model, settings):
    for role in Role.values:  # a flushed database has lost the migration's groups
        Group.objects.get_or_create(name=role)
    make_user(django_user_model, "clerk", Role.PETITION_OFFICE, first_name="贤熙")
    handler = make_user(django_user_model, "handler", Role.HANDLING_UNIT, first_name="海宁")
    leader_user = make_user(django_user_model, "leader", Role.LEADER)
    unit = make_unit("双塔分局", handler, email="shuangta@example.org", district="shuangta")
    leader = make_leader("厚春华", "局长", user=leader_user)
    make_duty(leader)
    return {"unit": unit, "leader": leader, "handler": handler}


# The desk form, Tab after Tab: how and when, who, where and what, the decision.
TAB_ORDER = [
    "channel",
    "received_at_0",
    "received_at_1",
    "duty",
    "petitioner_name",
    "petitioner_phone",
    "petitioner_id_number",
    "petitioner_address",
    "people_count",
    "representatives",
    "district",
    "location",
    "title",
    "content",
    "attachments",
    "category",
    "classification",
    "pollution_types",
    "pollution_subtypes",
    "industry",
    "skipped_level",
    "in_litigation",
    "referral_reason",
    "referral_note",
    "accept_now",
    "assign_to",
]


def step(page, name: str):
    """Open a step's form on the case page and return its locator."""
    box = page.locator(f"#step-{name}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def test_a_case_from_the_desk_to_closing(new_page, screenshot, people):
    clerk = new_page()
    sign_in(clerk, "clerk", PASSWORD)
    clerk.goto("/cases/new/")
    tab_through_the_desk_form(clerk)
    register_with_a_mistyped_phone_first(clerk, screenshot)
    case = registered_on_the_leaders_day(clerk, people["leader"])
    accept_and_assign(clerk)
    the_unit_answers(new_page(), screenshot, case)
    the_office_approves_and_closes(clerk, screenshot, case)
    the_leader_sees_it(new_page(), screenshot, case)


# --- The steps, in order ------------------------------------------------------------------------


def tab_through_the_desk_form(clerk) -> None:
    """The form opens on the channel, and Tab visits the fields in the order of TAB_ORDER."""
    assert clerk.evaluate("document.activeElement.name") == "channel"
    order = []
    for _ in TAB_ORDER:
        order.append(clerk.evaluate("document.activeElement.name"))
        clerk.keyboard.press("Tab")
    assert order == TAB_ORDER
    assert clerk.evaluate("document.activeElement.type") == "submit"
    clerk.locator("#id_channel").focus()


def register_with_a_mistyped_phone_first(clerk, screenshot) -> None:
    """A mistyped phone is refused at the field, the rest is kept; corrected, the case is sent."""
    clerk.select_option("#id_channel", "reception_day")
    clerk.fill("#id_petitioner_name", "张建国")
    clerk.fill("#id_petitioner_phone", "12345")  # mistyped: refused, the rest is kept
    clerk.fill("#id_petitioner_id_number", "211302199001011239")
    clerk.fill("#id_petitioner_address", "辽宁省朝阳市双塔区凌河街道友谊小区3号楼")
    clerk.fill("#id_people_count", "1")
    clerk.select_option("#id_district", "shuangta")
    clerk.fill("#id_location", "凌河街道友谊小区东侧工地")
    clerk.fill("#id_title", "工地夜间施工噪音扰民")
    clerk.fill("#id_content", "每天晚上十点以后工地仍在施工，噪音很大，影响居民休息，请求查处。")
    clerk.select_option("#id_category", "1")
    clerk.select_option("#id_classification", "claim")
    clerk.locator("form.case-form button[type=submit]").click()
    expect(clerk.locator("#id_petitioner_phone")).to_have_class(re.compile("is-invalid"))
    expect(clerk.locator("#id_title")).to_have_value("工地夜间施工噪音扰民")
    expect(clerk.locator("#id_category")).to_have_value("1")
    assert clerk.evaluate("document.activeElement.name") == "petitioner_phone"
    screenshot(clerk, "case-intake-refused")
    assert not Case.objects.exists()
    clerk.fill("#id_petitioner_phone", "13800138000")
    screenshot(clerk, "case-intake")
    clerk.locator("form.case-form button[type=submit]").click()


def registered_on_the_leaders_day(clerk, leader) -> Case:
    """The new case links to the leader on duty and shows the ID number masked."""
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "registered")
    expect(clerk.locator("#case-leader")).to_contain_text("厚春华")
    case = Case.objects.get()
    assert case.leader == leader
    expect(clerk.locator("#petitioner-id")).to_have_text("2113**********1239")
    return case


def accept_and_assign(clerk) -> None:
    step(clerk, "accept").locator("button[type=submit]").click()
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "accepted")
    assign = step(clerk, "assign")
    assign.locator("select").select_option(label="双塔分局")
    assign.locator("textarea").fill("请现场核查，七日内反馈。")
    assign.locator("button[type=submit]").click()
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "assigned")


def the_unit_answers(handler, screenshot, case: Case) -> None:
    """The unit sees no petitioner, and cannot reveal one; it starts and drafts the answer."""
    sign_in(handler, "handler", PASSWORD)
    handler.goto(f"/cases/{case.pk}/")
    expect(handler.locator("#petitioner-withheld")).to_be_visible()
    assert "张建国" not in handler.content()
    assert handler.locator("#reveal").count() == 0
    screenshot(handler, "case-unit-view")
    step(handler, "start").locator("button[type=submit]").click()
    draft = step(handler, "draft")
    draft.locator("textarea").fill("经现场核查，该工地已停止夜间施工，今后夜间施工须办理许可。")
    draft.locator("button[type=submit]").click()
    expect(handler.locator("#case-state")).to_have_attribute("data-state", "answer_drafted")


def the_office_approves_and_closes(clerk, screenshot, case: Case) -> None:
    """Approved, delivered, the feedback recorded, closed; then the receipt, the answer and
    its delivery receipt print."""
    clerk.reload()
    step(clerk, "approve").locator("button[type=submit]").click()
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "approved")
    deliver = step(clerk, "deliver")
    deliver.locator("input[value=in_person]").check()
    deliver.locator("button[type=submit]").click()
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "answered")
    expect(clerk.locator("#case-review-window")).to_be_visible()
    feedback = step(clerk, "feedback")
    feedback.locator("input[value=satisfied]").check()
    feedback.locator("button[type=submit]").click()
    expect(clerk.locator("#case-feedback")).to_be_visible()
    screenshot(clerk, "case-detail")
    step(clerk, "close").locator("button[type=submit]").click()
    expect(clerk.locator("#case-state")).to_have_attribute("data-state", "closed")
    assert Case.objects.get().state == State.CLOSED
    clerk.goto(f"/cases/{case.pk}/print/receipt/")
    expect(clerk.locator("#receipt-number")).to_have_text(case.number)
    screenshot(clerk, "case-receipt")
    letter = case.letters.get()
    clerk.goto(f"/cases/{case.pk}/letters/{letter.pk}/")
    expect(clerk.locator("#answer-text")).to_contain_text("经现场核查")
    screenshot(clerk, "case-answer")
    clerk.goto(f"/cases/{case.pk}/letters/{letter.pk}/delivery/")
    expect(clerk.locator("#delivery-receipt")).to_be_visible()
    screenshot(clerk, "case-delivery-receipt")


def the_leader_sees_it(leader, screenshot, case: Case) -> None:
    """The case is on the leader's page, with the petitioner's name and a masked phone."""
    sign_in(leader, "leader", PASSWORD)
    leader.goto("/cases/leader/")
    expect(leader.locator("#leader-cases")).to_contain_text(case.number)
    screenshot(leader, "case-leader")
    leader.get_by_role("link", name=case.number).click()
    expect(leader.locator("#petitioner-name")).to_have_text("张建国")
    expect(leader.locator("#petitioner-phone")).to_have_text("138****8000")


def test_the_desk_form_preselects_the_reason_and_the_branch(new_page, people):
    branch = people["unit"]
    ReferralReason.objects.create(  # a flushed database has lost the migration's reasons
        title="越级：请先向下级机关反映",
        destination=ReferralReason.Destination.LOWER_LEVEL,
        notice_text="请先向所在县区生态环境分局反映。",
    )
    clerk = new_page()
    sign_in(clerk, "clerk", PASSWORD)
    clerk.goto("/cases/new/")
    reason = clerk.locator("#id_referral_reason")
    clerk.locator("#id_skipped_level").check()
    lower = reason.get_attribute("data-for-skipped-level")
    assert lower and reason.input_value() == lower
    clerk.locator("#id_skipped_level").uncheck()
    assert reason.input_value() == ""  # the automatic choice follows the box
    clerk.select_option("#id_district", "shuangta")
    assert clerk.locator("#id_assign_to").input_value() == ""  # only when accepting now
    clerk.locator("#id_accept_now").check()
    assert clerk.locator("#id_assign_to").input_value() == str(branch.pk)

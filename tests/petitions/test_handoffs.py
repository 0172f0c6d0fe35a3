"""Hand-offs (petitions/handoffs.py): 交办 to a unit of the bureau and 转送 to another authority
are different steps; a 越级 matter may be assigned to the competent branch and still count as
越级; at the desk, 涉诉 and 越级 pre-select the matching referral reason, a district its branch
(with the script's data, and on the server), and 检举控告类 says what it means."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from petitions import handoffs, workflow
from petitions.models import Case, Letter, State
from schedules.models import District, Unit
from tests.factories import VALID_ID, code_of, make_unit, referral_reason, register

EN = {"accept-language": "en"}
AUTHORITY = "朝阳市城市管理综合行政执法局"
NEW = "/cases/new/"


def detail(case: Case) -> str:
    return reverse("petitions:detail", args=[case.pk])


# --- 转送: to another authority ----------------------------------------------------------------


def test_the_office_transfers_a_matter_to_another_authority(clerk):
    case = handoffs.transfer_case(register(clerk), by=clerk, authority=AUTHORITY, note="请处理")
    letter = case.letters.get()
    assert case.state == State.TRANSFERRED and case.due_date is None
    assert (letter.kind, letter.addressee, letter.text) == (
        Letter.Kind.TRANSFER,
        AUTHORITY,
        "请处理",
    )
    assert not Case.objects.open().filter(pk=case.pk).exists()


def test_a_transfer_needs_the_receiving_authority(clerk):
    case = register(clerk)
    with pytest.raises(ValidationError) as refused:
        handoffs.transfer_case(case, by=clerk, authority="  ")
    assert "authority" in refused.value.error_dict
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


def test_an_assigned_case_is_not_transferred(clerk, walker):
    case = walker(register(clerk), State.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        handoffs.transfer_case(case, by=clerk, authority=AUTHORITY)
    assert code_of(refused.value) == "state"


@pytest.mark.parametrize("person", ["unit_handler", "leader_user", "stranger"])
def test_only_the_office_transfers(request, clerk, person):
    case = register(clerk)
    with pytest.raises(ValidationError) as refused:
        handoffs.transfer_case(case, by=request.getfixturevalue(person), authority=AUTHORITY)
    assert code_of(refused.value) == "role"


def test_the_transfer_letter_prints_with_the_authority(client_of, clerk):
    case = handoffs.transfer_case(register(clerk), by=clerk, authority=AUTHORITY)
    url = reverse("petitions:letter", args=[case.pk, case.letters.get().pk])
    page = client_of(clerk).get(url, headers=EN).content.decode()
    assert AUTHORITY in page and case.number in page and "Transfer letter" in page


def test_transfer_and_assignment_are_offered_as_different_steps(client_of, clerk):
    case = workflow.accept_case(register(clerk), by=clerk)
    response = client_of(clerk).get(detail(case), headers=EN)
    labels = {form["name"]: str(form["label"]) for form in response.context["forms"]}
    assert "交办" in labels["assign"] and "转送" in labels["transfer"]


@pytest.mark.django_db
def test_the_lookup_names_the_receiving_authority(client, clerk):
    case = handoffs.transfer_case(register(clerk), by=clerk, authority=AUTHORITY)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/lookup/", {"number": case.number, "code": case.query_code})
    page = client.get("/lookup/case/").content.decode()
    assert AUTHORITY in page and "Transferred" in page


# --- 交办 of a 越级 matter ------------------------------------------------------------------------


def test_a_skipped_level_matter_is_assigned_to_the_branch_and_still_counts(clerk, unit):
    case = register(clerk, skipped_level=True)
    case = workflow.accept_case(case, by=clerk)
    case = workflow.assign_case(case, by=clerk, unit=unit)
    assert (case.state, case.unit, case.skipped_level) == (State.ASSIGNED, unit, True)


def test_a_matter_in_litigation_is_still_not_accepted(clerk):
    case = register(clerk, in_litigation=True, referral_reason=referral_reason("court"))
    assert case.state == State.NOT_ACCEPTED


def test_the_assignment_form_preselects_the_districts_branch(client_of, clerk, unit):
    case = workflow.accept_case(register(clerk, district=District.SHUANGTA), by=clerk)
    forms = {f["name"]: f["form"] for f in client_of(clerk).get(detail(case)).context["forms"]}
    assert forms["assign"]["unit"].value() == unit.pk


def test_the_refusal_form_preselects_the_lower_level_for_a_skipped_level(client_of, clerk):
    case = register(clerk, skipped_level=True)
    forms = {f["name"]: f["form"] for f in client_of(clerk).get(detail(case)).context["forms"]}
    assert forms["refuse"]["referral_reason"].value() == referral_reason("lower_level").pk


# --- At the desk -------------------------------------------------------------------------------


@pytest.fixture
def desk(client_of, clerk):
    return client_of(clerk)


def form_data(**overrides) -> dict:
    received = timezone.localtime()
    data = {
        "submission_token": str(uuid.uuid4()),
        "channel": "visit",
        "received_at_0": received.strftime("%Y-%m-%d"),
        "received_at_1": received.strftime("%H:%M"),
        "petitioner_name": "李秀英",
        "petitioner_phone": "13800138000",
        "petitioner_id_number": VALID_ID,
        "people_count": "1",
        "district": "shuangta",
        "location": "七道泉子镇砖厂",
        "title": "砖厂粉尘污染",
        "content": "砖厂生产时粉尘很大。",
        "category": "1",
        "classification": "claim",
    }
    data.update(overrides)
    return data


def test_the_desk_form_carries_what_the_script_preselects(desk, unit):
    make_unit("龙城分局", district=District.LONGCHENG)
    make_unit("法规科", kind=Unit.Kind.SECTION, district=District.LONGCHENG)
    page = desk.get(NEW).content.decode()
    court = referral_reason("court").pk
    lower = referral_reason("lower_level").pk
    assert f'data-for-in-litigation="{court}"' in page
    assert f'data-for-skipped-level="{lower}"' in page
    branches = json.loads(
        re.search(r"data-branches=\"([^\"]*)\"", page).group(1).replace("&quot;", '"')
    )
    assert branches == {
        "shuangta": unit.pk,
        "longcheng": Unit.objects.get(name="龙城分局").pk,
    }


def test_the_desk_form_loads_its_script_from_the_site_and_has_no_inline_script(desk):
    page = desk.get(NEW).content.decode()
    assert re.search(r'<script src="[^"]*petitions/case-form\.js"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_ticking_litigation_without_a_reason_takes_the_court_reason(desk):
    desk.post(NEW, form_data(in_litigation="on"))
    case = Case.objects.get()
    assert (case.state, case.referral_reason) == (State.NOT_ACCEPTED, referral_reason("court"))


def test_a_case_accepted_at_the_desk_is_assigned_to_the_chosen_unit(desk, unit):
    desk.post(NEW, form_data(accept_now="on", assign_to=str(unit.pk)))
    case = Case.objects.get()
    assert (case.state, case.unit) == (State.ASSIGNED, unit)


def test_a_unit_without_accepting_at_the_desk_is_refused_and_nothing_saved(desk, unit):
    response = desk.post(NEW, form_data(assign_to=str(unit.pk)))
    assert "assign_to" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_desk_form_explains_what_an_accusation_means(desk):
    page = desk.get(NEW, headers=EN).content.decode()
    assert "handled by the petition office alone" in page

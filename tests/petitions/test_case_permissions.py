"""Who sees what of a case, checked on the server for every page, step, download and print:
masking, reveal and the access log, the unit's view before and after release, accusations,
the leader's page, and the printed documents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.access import grant_role_permissions
from petitions import workflow
from petitions.models import AccessLog, Case, State
from tests.factories import CHAOYANG_ID, make_duty, referral_reason, register, walk

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MASKED_ID = "2113**********1239"
MASKED_PHONE = "138****8000"


@pytest.fixture
def case(clerk, leader, unit_handler, unit):
    """Taken on the leader's reception day, with a photo, assigned to the unit."""
    duty = make_duty(leader)
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    registered = register(clerk, channel="reception_day", duty=duty, attachments=[photo])
    return walk(registered, State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)


def detail(case: Case) -> str:
    return reverse("petitions:detail", args=[case.pk])


def act(case: Case, action: str) -> str:
    return reverse("petitions:act", args=[case.pk, action])


# --- Seeing a case at all ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("clerk", 200),
        ("administrator", 200),
        ("unit_handler", 200),
        ("leader_user", 200),
        ("other_handler", 404),
        ("other_leader", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_the_case(request, client_of, case, person, status):
    response = client_of(request.getfixturevalue(person)).get(detail(case))
    assert response.status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, case):
    response = client.get(detail(case))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("clerk", 200),
        ("administrator", 200),
        ("unit_handler", 403),
        ("leader_user", 403),
        ("stranger", 403),
    ],
)
def test_only_the_office_registers_cases(db, request, client_of, person, status):
    response = client_of(request.getfixturevalue(person)).get("/cases/new/")
    assert response.status_code == status


def test_an_accusation_is_hidden_from_unit_and_leader(client_of, case, unit_handler, leader_user):
    Case.objects.filter(pk=case.pk).update(classification="accusation")
    assert client_of(unit_handler).get(detail(case)).status_code == 404
    assert client_of(leader_user).get(detail(case)).status_code == 404


def test_an_accusation_is_missing_from_the_leaders_page(client_of, case, leader_user):
    Case.objects.filter(pk=case.pk).update(classification="accusation")
    page = client_of(leader_user).get("/cases/leader/").content.decode()
    assert case.number not in page


def test_the_office_sees_an_accusation(client_of, case, clerk):
    Case.objects.filter(pk=case.pk).update(classification="accusation")
    assert client_of(clerk).get(detail(case)).status_code == 200


# --- Masking, reveal and the access log ----------------------------------------------------------


def test_the_office_sees_masked_values_by_default(client_of, clerk, case):
    page = client_of(clerk).get(detail(case)).content.decode()
    assert MASKED_ID in page and MASKED_PHONE in page
    assert CHAOYANG_ID not in page
    assert not AccessLog.objects.exists()


def test_revealing_shows_the_values_and_is_logged(client_of, clerk, case):
    response = client_of(clerk).post(reverse("petitions:reveal", args=[case.pk]))
    assert CHAOYANG_ID in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.user, entry.case, entry.action) == (clerk, case, AccessLog.Action.REVEAL)


def test_revealing_needs_a_post(client_of, clerk, case):
    response = client_of(clerk).get(reverse("petitions:reveal", args=[case.pk]))
    assert response.status_code == 405
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_may_reveal(request, client_of, case, person):
    client = client_of(request.getfixturevalue(person))
    response = client.post(reverse("petitions:reveal", args=[case.pk]))
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_the_leader_sees_the_name_and_masked_contact(client_of, leader_user, case):
    page = client_of(leader_user).get(detail(case)).content.decode()
    assert "张建国" in page and MASKED_PHONE in page
    assert CHAOYANG_ID not in page


# --- The unit before and after the identity is released -----------------------------------------


def test_the_unit_does_not_see_the_petitioner_before_release(client_of, unit_handler, case):
    page = client_of(unit_handler).get(detail(case)).content.decode()
    assert "张建国" not in page
    assert MASKED_PHONE not in page
    assert "（未公开）" in page or "(withheld)" in page


def test_the_unit_sees_the_name_once_released(client_of, clerk, unit_handler, case):
    workflow.release_identity(case, by=clerk, comment="需要联系信访人核实情况")
    page = client_of(unit_handler).get(detail(case)).content.decode()
    assert "张建国" in page and MASKED_PHONE in page
    assert CHAOYANG_ID not in page


def test_the_unit_cannot_download_attachments_before_release(client_of, unit_handler, case):
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    assert client_of(unit_handler).get(url).status_code == 403


def test_the_unit_downloads_attachments_after_release(client_of, clerk, unit_handler, case):
    workflow.release_identity(case, by=clerk, comment="需要联系信访人")
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    response = client_of(unit_handler).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_stranger_cannot_download_attachments(client_of, stranger, case):
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    assert client_of(stranger).get(url).status_code == 404


# --- Steps through the pages ---------------------------------------------------------------------


def test_a_step_needs_a_post(client_of, unit_handler, case):
    assert client_of(unit_handler).get(act(case, "start")).status_code == 405


def test_the_unit_starts_handling_from_the_page(client_of, unit_handler, case):
    response = client_of(unit_handler).post(
        act(case, "start"), {"start-version": case.version, "start-comment": ""}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS


def test_a_step_for_another_role_is_refused_with_the_reason(client_of, unit_handler, case):
    response = client_of(unit_handler).post(
        act(case, "accept"), {"accept-version": case.version, "accept-category": "1"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


def test_a_step_out_of_order_is_refused_with_the_reason(client_of, clerk, case):
    response = client_of(clerk).post(
        act(case, "approve"), {"approve-version": case.version, "approve-answer": "答复"}
    )
    assert response.status_code == 409
    assert 'id="refused"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


def test_a_stale_page_is_refused(client_of, clerk, administrator, case):
    opened = case.version
    workflow.release_identity(case, by=administrator, comment="需要联系")
    response = client_of(clerk).post(
        act(case, "assign"),
        {"assign-version": opened, "assign-unit": case.unit_id, "assign-instructions": "再查"},
    )
    assert response.status_code == 409
    assert response.context["alert"]


def test_a_stranger_cannot_take_a_step(client_of, stranger, case):
    response = client_of(stranger).post(act(case, "start"), {"start-version": case.version})
    assert response.status_code == 404


def test_only_the_allowed_steps_are_offered(client_of, unit_handler, clerk, case):
    unit_steps = [f["name"] for f in client_of(unit_handler).get(detail(case)).context["forms"]]
    assert "start" in unit_steps and "accept" not in unit_steps and "release" not in unit_steps


# --- The leader's page ---------------------------------------------------------------------------


def test_the_leader_sees_the_cases_of_their_days(client_of, leader_user, case):
    page = client_of(leader_user).get("/cases/leader/").content.decode()
    assert case.number in page


def test_another_leader_does_not(client_of, other_leader, case):
    page = client_of(other_leader).get("/cases/leader/").content.decode()
    assert case.number not in page


@pytest.mark.parametrize(("person", "status"), [("unit_handler", 403), ("stranger", 403)])
def test_the_leaders_page_is_for_leaders_and_the_office(db, request, client_of, person, status):
    response = client_of(request.getfixturevalue(person)).get("/cases/leader/")
    assert response.status_code == status


def test_the_leader_supervises_from_the_page(client_of, leader_user, case):
    client = client_of(leader_user)
    response = client.post(
        act(case, "supervise"),
        {"supervise-comment": "本周办结", "supervise-reply_due": "2099-01-08"},
    )
    assert response.status_code == 302
    assert case.logs.filter(action="supervision", by=leader_user).exists()


# --- Printed documents ---------------------------------------------------------------------------


def print_url(case: Case, document: str) -> str:
    return reverse("petitions:print", args=[case.pk, document])


def test_the_receipt_carries_number_and_query_code_and_is_logged(client_of, clerk, case):
    page = client_of(clerk).get(print_url(case, "receipt")).content.decode()
    assert case.number in page and case.query_code in page
    assert AccessLog.objects.get().action == AccessLog.Action.PRINT


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_prints(request, client_of, case, person):
    response = client_of(request.getfixturevalue(person)).get(print_url(case, "receipt"))
    assert response.status_code == 403


def test_a_print_is_masked_unless_asked_and_then_logged(client_of, clerk, case):
    client = client_of(clerk)
    masked = client.get(print_url(case, "acceptance")).content.decode()
    assert "友谊小区" not in masked and not AccessLog.objects.exists()
    full = client.get(print_url(case, "acceptance") + "?full=1").content.decode()
    assert "友谊小区" in full
    assert AccessLog.objects.get().detail == "acceptance"


def test_the_acceptance_notice_names_the_bureau_and_due_date(client_of, clerk, case):
    page = client_of(clerk).get(print_url(case, "acceptance")).content.decode()
    assert "朝阳市生态环境局" in page or "Chaoyang Municipal Ecology" in page
    assert case.number in page


def test_the_acceptance_notice_keeps_the_due_date_it_gave_when_the_due_date_moves(
    client_of, clerk, case, settings
):
    given = case.due_date
    Case.objects.filter(pk=case.pk).update(due_date=given + timedelta(days=30))  # an extension
    settings.HANDLING_DAYS = 90  # nor does a later change of the time limit rewrite it
    response = client_of(clerk).get(print_url(case, "acceptance"))
    assert response.context["handling_due"] == given


def test_the_non_acceptance_notice_says_where_to_go(client_of, clerk):
    reason = referral_reason("court")
    refused = register(clerk, in_litigation=True, referral_reason=reason, referral_note="已起诉")
    page = client_of(clerk).get(print_url(refused, "refusal")).content.decode()
    assert reason.notice_text in page
    assert reason.title in page
    assert refused.number in page


def test_there_is_no_non_acceptance_notice_for_an_accepted_case(client_of, clerk, case):
    assert client_of(clerk).get(print_url(case, "refusal")).status_code == 404


def letter_url(case: Case, kind: str = "answer") -> str:
    letter = case.letters.get(kind=kind)
    return reverse("petitions:letter", args=[case.pk, letter.pk])


def test_the_answer_print_carries_the_answer_and_the_review_window(
    client_of, clerk, unit_handler, unit, case
):
    answered = walk(case, State.ANSWERED, office=clerk, unit_user=unit_handler, unit=unit)
    client = client_of(clerk)
    response = client.get(letter_url(answered), headers={"accept-language": "en"})
    page = response.content.decode()
    assert answered.answer in page
    assert "for a review within 30 days of receiving it" in page


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_only_the_office_prints_a_letter(
    request, client_of, clerk, unit_handler, unit, case, person
):
    answered = walk(case, State.ANSWERED, office=clerk, unit_user=unit_handler, unit=unit)
    response = client_of(request.getfixturevalue(person)).get(letter_url(answered))
    assert response.status_code == 403


def test_no_answer_letter_before_the_answer(client_of, clerk, case):
    page = client_of(clerk).get(detail(case)).content.decode()
    assert not case.letters.exists()
    assert 'id="letters"' not in page
    assert client_of(clerk).get(print_url(case, "answer")).status_code == 404


# --- Django admin ------------------------------------------------------------------------------


def test_the_admin_never_shows_raw_or_plain_identity_data(client_of, administrator, case):
    # On a new database the role permissions are granted before the petitions app's exist.
    grant_role_permissions(sender=None)
    url = reverse("admin:petitions_case_change", args=[case.pk])
    page = client_of(administrator).get(url).content.decode()
    assert MASKED_ID in page
    assert CHAOYANG_ID not in page and "v2:" not in page


# --- Due dates stand out -----------------------------------------------------------------------


def test_an_overdue_case_stands_out_on_its_page(client_of, clerk, case):
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    page = client_of(clerk).get(detail(case)).content.decode()
    assert 'data-due="overdue"' in page


def test_a_case_due_within_a_week_stands_out(client_of, clerk, case):
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() + timedelta(days=6))
    page = client_of(clerk).get(detail(case)).content.decode()
    assert 'data-due="soon"' in page


def test_a_case_due_later_does_not(client_of, clerk, case):
    page = client_of(clerk).get(detail(case)).content.decode()
    assert 'data-due="ok"' in page


def test_a_unit_gets_no_same_petitioner_links_on_a_withheld_case(
    client_of, clerk, unit_handler, unit, case
):
    """The unit may know the petitioner of an earlier released case; a link from this one
    ("the same petitioner") would tell it who petitioned here."""
    earlier = register(clerk, title="另一处工地噪声", location="龙城街道某小区")
    earlier = walk(earlier, State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)
    workflow.release_identity(earlier, by=clerk, comment="需要联系信访人")
    page = client_of(unit_handler).get(detail(case)).content.decode()
    assert earlier.number not in page


def test_the_office_sees_the_same_petitioner_links(client_of, clerk, unit_handler, unit, case):
    earlier = register(clerk, title="另一处工地噪声", location="龙城街道某小区")
    page = client_of(clerk).get(detail(case)).content.decode()
    assert earlier.number in page

"""Intake at /cases/new/: validation at the field, attachments, duty days, referrals, repeat
detection, double submission, numbering and encryption at rest."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from petitions import feedback, intake, workflow
from petitions.crypto import lookup_hash
from petitions.identity import id_check_character
from petitions.models import Attachment, Case, Category, ReferralReason, Satisfaction, State
from schedules.models import Duty
from tests.factories import (
    CHAOYANG_ID,
    VALID_ID,
    make_duty,
    make_leader,
    make_unit,
    referral_reason,
    register,
    walk,
)

NEW = "/cases/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def desk(client_of, clerk):
    return client_of(clerk)


def form_data(**overrides) -> dict:
    received = timezone.localtime()  # the time the form opened; a minute's grace is allowed
    data = {
        "submission_token": str(uuid.uuid4()),
        "channel": "visit",
        "received_at_0": received.strftime("%Y-%m-%d"),
        "received_at_1": received.strftime("%H:%M"),
        "duty": "",
        "petitioner_name": "李秀英",
        "petitioner_phone": "13800138000",
        "petitioner_id_number": VALID_ID,
        "petitioner_address": "辽宁省朝阳市龙城区七道泉子镇",
        "people_count": "1",
        "representatives": "",
        "district": "longcheng",
        "location": "七道泉子镇砖厂",
        "title": "砖厂粉尘污染",
        "content": "砖厂生产时粉尘很大，附近村民晾晒的衣物和庄稼都落满灰尘。",
        "category": Category.POLLUTION,
        "classification": "claim",
        "referral_reason": "",
        "referral_note": "",
    }
    data.update(overrides)
    return data


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- The form ----------------------------------------------------------------------------------


def test_the_form_starts_on_the_first_field_with_a_fresh_token(desk):
    response = desk.get(NEW)
    form = response.context["form"]
    assert form["channel"].field.widget.attrs.get("autofocus")
    assert form.initial["submission_token"]
    assert 'name="submission_token"' in response.content.decode()


def test_a_valid_form_registers_the_case_and_shows_it(desk):
    response = desk.post(NEW, form_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:detail", args=[case.pk])
    assert case.state == State.REGISTERED
    assert case.number.startswith("朝环信〔")


def test_a_refused_form_keeps_what_was_typed(desk):
    response = desk.post(NEW, form_data(petitioner_phone="12345", title="化工厂夜间排放异味"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "化工厂夜间排放异味" in page
    assert "砖厂生产时粉尘很大" in page
    assert "12345" in page
    assert not Case.objects.exists()


def test_required_fields_are_named(desk):
    response = desk.post(NEW, form_data(petitioner_name="", title="", content="", district=""))
    assert {"petitioner_name", "title", "content", "district"} <= set(errors_of(response))


def test_a_title_over_100_characters_is_refused(desk):
    response = desk.post(NEW, form_data(title="噪" * 101))
    assert "title" in errors_of(response)


def test_a_date_with_slashes_is_understood(desk):
    desk.post(NEW, form_data(received_at_0="2025/3/12", received_at_1="09:30"))
    received = timezone.localtime(Case.objects.get().received_at)
    assert (received.date(), received.hour) == (datetime.date(2025, 3, 12), 9)


def test_the_received_time_cannot_be_in_the_future(desk):
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = desk.post(NEW, form_data(received_at_0=later.strftime("%Y-%m-%d")))
    assert "received_at" in errors_of(response)


def test_errors_are_translated(client_of, clerk):
    client = client_of(clerk)
    chinese = client.post(NEW, form_data(title=""), headers={"accept-language": "zh-hans"})
    english = client.post(NEW, form_data(title=""), headers={"accept-language": "en"})
    assert "这个字段是必填项。" in chinese.content.decode()
    assert "This field is required." in english.content.decode()


# --- ID numbers and phones ---------------------------------------------------------------------


def test_a_valid_id_number_is_accepted(desk):
    desk.post(NEW, form_data(petitioner_id_number="11010519491231002X"))
    assert Case.objects.get().petitioner_id_number == "11010519491231002X"


def test_a_wrong_check_character_is_refused_at_the_field(desk):
    response = desk.post(NEW, form_data(petitioner_id_number="110105194912310021"))
    assert errors_of(response)["petitioner_id_number"].as_data()[0].code == "id_checksum"


def test_an_impossible_birth_date_is_refused(desk):
    first17 = "11010519490230123"
    number = first17 + id_check_character(first17)
    response = desk.post(NEW, form_data(petitioner_id_number=number))
    assert errors_of(response)["petitioner_id_number"].as_data()[0].code == "id_birth_date"


def test_full_width_digits_are_accepted_and_normalized(desk):
    desk.post(NEW, form_data(petitioner_id_number="１１０１０５１９４９１２３１００２ｘ"))
    assert Case.objects.get().petitioner_id_number == "11010519491231002X"


def test_a_hong_kong_residence_permit_number_is_accepted(desk):
    first17 = "81000019900101123"
    number = first17 + id_check_character(first17)
    desk.post(NEW, form_data(petitioner_id_number=number))
    assert Case.objects.get().petitioner_id_number == number


def test_the_id_number_is_optional(desk):
    desk.post(NEW, form_data(petitioner_id_number=""))
    case = Case.objects.get()
    assert (case.petitioner_id_number, case.petitioner_id_hash) == ("", "")


def test_a_local_number_gets_the_city_area_code(desk):
    desk.post(NEW, form_data(petitioner_phone="2614858"))
    assert Case.objects.get().petitioner_phone == "+864212614858"


def test_a_mobile_number_is_stored_in_e164(desk):
    desk.post(NEW, form_data(petitioner_phone="138 0013 8000"))
    assert Case.objects.get().petitioner_phone == "+8613800138000"


def test_an_invalid_phone_is_refused_at_the_field(desk):
    response = desk.post(NEW, form_data(petitioner_phone="12345"))
    assert errors_of(response)["petitioner_phone"].as_data()[0].code == "phone_invalid"


def test_the_phone_is_required(desk):
    response = desk.post(NEW, form_data(petitioner_phone=""))
    assert "petitioner_phone" in errors_of(response)


# --- Attachments -------------------------------------------------------------------------------


def test_attachments_are_kept_under_random_names(desk):
    files = [
        SimpleUploadedFile("来信扫描.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("现场照片.png", PNG, content_type="image/png"),
    ]
    desk.post(NEW, {**form_data(), "attachments": files})
    stored = {a.original_name: a for a in Attachment.objects.all()}
    assert set(stored) == {"来信扫描.pdf", "现场照片.png"}
    assert stored["现场照片.png"].content_type == "image/png"
    assert "现场照片" not in stored["现场照片.png"].file.name


def test_a_text_file_named_pdf_is_refused(desk):
    fake = SimpleUploadedFile("合同.pdf", b"just text", content_type="application/pdf")
    response = desk.post(NEW, {**form_data(), "attachments": [fake]})
    assert errors_of(response)["attachments"].as_data()[0].code == "file_type"


def test_a_png_named_pdf_is_refused(desk):
    renamed = SimpleUploadedFile("照片.pdf", PNG, content_type="application/pdf")
    response = desk.post(NEW, {**form_data(), "attachments": [renamed]})
    assert "attachments" in errors_of(response)


def test_a_file_over_10_mb_is_refused(desk):
    big = SimpleUploadedFile("扫描.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="x")
    response = desk.post(NEW, {**form_data(), "attachments": [big]})
    assert errors_of(response)["attachments"].as_data()[0].code == "too_large"


def test_an_attachment_that_cannot_be_stored_refuses_the_case_with_a_message(desk, settings):
    settings.MEDIA_ROOT = "/dev/null/media"  # under a file: not even root can create it
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = desk.post(NEW, {**form_data(), "attachments": [photo]})
    assert response.status_code == 400
    assert errors_of(response)["attachments"].as_data()[0].code == "attachment_not_stored"
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_refused_form_asks_to_choose_the_attachments_again(desk):
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = desk.post(NEW, {**form_data(title=""), "attachments": [photo]})
    assert "choose the attachments again" in str(errors_of(response)["attachments"]) or (
        "重新选择" in str(errors_of(response)["attachments"])
    )


# --- Group petitions ---------------------------------------------------------------------------


def test_five_people_make_a_group_petition(desk):
    desk.post(NEW, form_data(people_count="5", representatives="王强、刘芳"))
    case = Case.objects.get()
    assert case.is_group
    assert case.representatives == "王强、刘芳"


def test_four_people_are_not_a_group(desk):
    desk.post(NEW, form_data(people_count="4"))
    assert not Case.objects.get().is_group


def test_a_group_names_its_representatives(desk):
    response = desk.post(NEW, form_data(people_count="12"))
    assert "representatives" in errors_of(response)


def test_a_group_sends_at_most_five_representatives(desk):
    response = desk.post(NEW, form_data(people_count="30", representatives="甲,乙,丙,丁,戊,己"))
    assert errors_of(response)["representatives"].as_data()[0].code == "too_many_representatives"


# --- Referral: nothing is thrown away ------------------------------------------------------------


def test_the_migration_ships_the_standard_reasons(db):
    destinations = set(ReferralReason.objects.values_list("destination", flat=True))
    assert {"court", "department", "lower_level"} <= destinations


def test_a_matter_outside_the_categories_needs_a_referral_reason(desk):
    response = desk.post(NEW, form_data(category=Category.NOT_ACCEPTED))
    assert "referral_reason" in errors_of(response)


def test_a_matter_in_litigation_is_recorded_as_not_accepted(desk):
    reason = referral_reason("court")
    desk.post(NEW, form_data(in_litigation="on", referral_reason=str(reason.pk)))
    case = Case.objects.get()
    assert case.state == State.NOT_ACCEPTED
    assert case.referral_reason == reason


def test_a_skipped_level_with_the_lower_level_reason_is_referred_there(desk):
    reason = referral_reason("lower_level")
    desk.post(NEW, form_data(skipped_level="on", referral_reason=str(reason.pk)))
    case = Case.objects.get()
    assert (case.state, case.referral_reason, case.skipped_level) == (
        State.NOT_ACCEPTED,
        reason,
        True,
    )


def test_a_skipped_level_without_a_reason_is_taken_up_and_still_counts_as_skipped(desk):
    desk.post(NEW, form_data(skipped_level="on"))
    case = Case.objects.get()
    assert (case.state, case.referral_reason, case.skipped_level) == (
        State.REGISTERED,
        None,
        True,
    )


def test_accept_on_the_spot_starts_the_handling_clock(desk):
    desk.post(NEW, form_data(accept_now="on"))
    case = Case.objects.get()
    assert case.state == State.ACCEPTED
    assert case.due_date == timezone.localdate() + datetime.timedelta(days=60)


# --- Leaders' days -----------------------------------------------------------------------------


@pytest.fixture
def reception_duty(db):
    return make_duty(make_leader(name="王晓东", position="副局长"))


def test_a_reception_day_case_links_to_the_duty_and_its_leader(desk, reception_duty):
    desk.post(NEW, form_data(channel="reception_day"))
    case = Case.objects.get()
    assert case.duty == reception_duty
    assert case.leader == reception_duty.leader


def test_the_clerk_can_correct_the_duty(desk, reception_duty):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    other = make_duty(make_leader(name="孙守堂", position="副局长"), yesterday, Duty.Kind.VISIT)
    desk.post(NEW, form_data(channel="visit_day", duty=str(other.pk)))
    assert Case.objects.get().leader.name == "孙守堂"


def test_a_reception_day_without_a_published_duty_is_refused_at_the_field(desk):
    response = desk.post(NEW, form_data(channel="reception_day"))
    assert "duty" in errors_of(response)


def test_a_draft_duty_does_not_count(desk, reception_duty):
    Duty.objects.filter(pk=reception_duty.pk).update(state=Duty.State.DRAFT)
    response = desk.post(NEW, form_data(channel="reception_day"))
    assert "duty" in errors_of(response)


def test_a_duty_on_an_ordinary_channel_is_refused(desk, reception_duty):
    response = desk.post(NEW, form_data(channel="letter", duty=str(reception_duty.pk)))
    assert "duty" in errors_of(response)


# --- Double submission -------------------------------------------------------------------------


def test_sending_the_form_twice_creates_one_case(desk):
    data = form_data()
    first = desk.post(NEW, data)
    second = desk.post(NEW, data)
    assert Case.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_two_forms_make_two_cases(desk):
    desk.post(NEW, form_data())
    desk.post(NEW, form_data())
    assert Case.objects.count() == 2


# --- Repeat petitions --------------------------------------------------------------------------


@pytest.fixture
def earlier(clerk):
    """An unresolved case of the same petitioner, at the same place."""
    return register(
        clerk,
        petitioner_id_number=VALID_ID,
        petitioner_phone="+8613900139000",
        district="longcheng",
        location="七道泉子镇砖厂",
        received_at=timezone.now() - datetime.timedelta(days=40),
    )


def test_the_same_id_number_marks_a_repeat(desk, earlier):
    desk.post(NEW, form_data(petitioner_phone="13700137000", location="别处"))
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.is_repeat
    assert case.repeat_of == earlier


def test_the_same_phone_marks_a_repeat(desk, earlier):
    desk.post(NEW, form_data(petitioner_id_number="", petitioner_phone="13900139000", location="x"))
    assert Case.objects.exclude(pk=earlier.pk).get().repeat_of == earlier


def test_the_same_place_and_category_marks_a_repeat(desk, earlier):
    desk.post(NEW, form_data(petitioner_id_number="", petitioner_phone="13700137000"))
    assert Case.objects.exclude(pk=earlier.pk).get().repeat_of == earlier


def test_a_different_matter_is_not_a_repeat(desk, earlier):
    desk.post(
        NEW,
        form_data(petitioner_id_number=CHAOYANG_ID, petitioner_phone="13700137000", location="x"),
    )
    assert not Case.objects.exclude(pk=earlier.pk).get().is_repeat


def test_a_repeat_suggests_category_2(desk, earlier):
    response = desk.post(NEW, form_data(), follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2" in t and ("category" in t or "类" in t) for t in texts), texts


def test_no_category_message_when_category_2_was_chosen(desk, earlier):
    response = desk.post(NEW, form_data(category=Category.UNRESOLVED), follow=True)
    messages = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(messages) == 1  # the repeat itself, no category advice


def test_a_resolved_earlier_case_is_listed_but_not_repeated(desk, clerk, unit_handler, earlier):
    unit = make_unit("龙城分局", unit_handler)
    walk(earlier, State.CLOSED, office=clerk, unit_user=unit_handler, unit=unit)
    desk.post(NEW, form_data())
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert not case.is_repeat
    assert earlier in intake.related_cases(case)


def test_an_earlier_case_closed_unsatisfied_is_repeated(desk, clerk, unit_handler, earlier):
    unit = make_unit("龙城分局", unit_handler)
    closed = walk(earlier, State.ANSWERED, office=clerk, unit_user=unit_handler, unit=unit)
    closed = feedback.record_feedback(closed, by=clerk, satisfaction=Satisfaction.NOT_SATISFIED)
    workflow.close_case(closed, by=clerk)
    desk.post(NEW, form_data())
    assert Case.objects.exclude(pk=earlier.pk).get().repeat_of == earlier


def test_the_detail_page_links_the_earlier_case(desk, earlier):
    response = desk.post(NEW, form_data(), follow=True)
    page = response.content.decode()
    assert reverse("petitions:detail", args=[earlier.pk]) in page
    assert earlier.number in page


# --- Stored data -------------------------------------------------------------------------------


def test_identity_data_is_encrypted_at_rest(desk):
    desk.post(NEW, form_data(petitioner_id_number=VALID_ID, petitioner_phone="13800138000"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT petitioner_id_number, petitioner_phone, petitioner_address, query_code"
            " FROM petitions_case"
        )
        id_number, phone, address, code = cursor.fetchone()
    assert VALID_ID not in id_number and "491231" not in id_number
    assert "13800138000" not in phone
    assert "七道泉子" not in address
    assert Case.objects.get().query_code not in code
    assert all(value.startswith("v2:") for value in (id_number, phone, address, code))


def test_the_history_holds_no_plain_id_number(desk):
    desk.post(NEW, form_data(petitioner_id_number=VALID_ID))
    with connection.cursor() as cursor:
        cursor.execute("SELECT petitioner_id_number FROM petitions_caseevent")
        values = [row[0] for row in cursor.fetchall()]
    assert values and not any(VALID_ID in v for v in values)


def test_lookup_hashes_are_of_the_normalized_values(desk):
    desk.post(NEW, form_data(petitioner_id_number="11010519491231002x", petitioner_phone="2614858"))
    case = Case.objects.get()
    assert case.petitioner_id_hash == lookup_hash(VALID_ID)
    assert case.petitioner_phone_hash == lookup_hash("+864212614858")


def test_title_and_text_are_indexed_for_search(desk):
    desk.post(NEW, form_data(title="夜间噪音"))
    assert "噪音" in Case.objects.get().search_bigrams


def test_the_acceptance_notice_is_due_in_15_days(desk):
    desk.post(NEW, form_data())
    assert Case.objects.get().acceptance_due == timezone.localdate() + datetime.timedelta(days=15)

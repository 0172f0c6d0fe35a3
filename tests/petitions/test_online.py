"""The online petition at /petition/ (网上信访), from the citizen's side and the office's: the
case it registers, the checks at the field, the abuse limits, the hidden field, duplicates."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from petitions import online
from petitions.crypto import lookup_hash
from petitions.models import Attachment, Case, CaseLog, Category, Channel, State, SubmissionCount
from tests.factories import CITY, DEFAULT_QUERY_CODE, MOBILE, VALID_ID, make_case

URL = "/petition/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=CITY)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def noon():
    """A working Tuesday at noon (no quiet hours, no day boundary nearby)."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english(client):
    """The assertions read the msgids (the Chinese catalogue is tested below)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def petition(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "petitioner_name": "李秀英",
        "petitioner_phone": "138 0013 8000",
        "petitioner_id_number": "",
        "petitioner_address": "",
        "people_count": "1",
        "representatives": "",
        "district": "longcheng",
        "location": "七道泉子镇砖厂",
        "title": "砖厂粉尘污染",
        "content": "砖厂生产时粉尘很大，附近村民晾晒的衣物和庄稼都落满灰尘。",
        "category": Category.POLLUTION,
        "classification": "claim",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


LIMIT = (
    "No more petitions can be taken online from you today. Please try again tomorrow, or call "
    "or visit the petition office."
)
NON_FIELD = "__all__"


def send(client, address: str = "203.0.113.7", **overrides):
    return client.post(URL, petition(**overrides), REMOTE_ADDR=address)


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- The form ----------------------------------------------------------------------------------


def test_the_form_is_public_with_a_fresh_token_and_the_consent_text(client):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].initial["submission_token"]
    assert 'name="consent"' in page
    assert "Your personal data" in page
    assert "no-store" in response["Cache-Control"]


def test_the_form_asks_nothing_the_office_decides(client):
    fields = set(client.get(URL).context["form"].fields)
    internal = {"channel", "received_at", "duty", "referral_reason", "accept_now", "assign_to"}
    assert not fields & internal


def test_the_form_explains_the_four_categories_and_offers_no_other(client):
    form = client.get(URL).context["form"]
    assert [value for value, _label in form.fields["category"].choices] == ["1", "2", "3", "4"]
    assert "Smoke, dust, smells, noise" in client.get(URL).content.decode()


# --- Sending it --------------------------------------------------------------------------------


def test_a_petition_registers_an_online_case_and_shows_its_number_and_code(client):
    response = send(client)
    case = Case.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page
    assert case.query_code in page
    assert "/lookup/" in page
    assert (case.channel, case.state) == (Channel.ONLINE, State.REGISTERED)
    assert case.received_at == NOON
    assert case.petitioner_phone == MOBILE
    assert case.created_by is None


def test_the_acceptance_clock_starts_on_the_day_it_is_sent(client, settings):
    send(client)
    case = Case.objects.get()
    assert case.acceptance_due == NOON.date() + datetime.timedelta(days=settings.ACCEPTANCE_DAYS)
    assert case.due_date == case.acceptance_due


def test_the_case_log_records_the_registration_and_the_consent(client):
    send(client)
    logs = list(Case.objects.get().logs.values_list("action", "to_state", "comment", "by"))
    assert logs[0][:2] == (CaseLog.Action.TRANSITION, State.REGISTERED)
    assert logs[1][0] == CaseLog.Action.NOTE
    assert online.CONSENT_VERSION in logs[1][2]
    assert {log[3] for log in logs} == {None}


def test_the_office_finds_the_online_case_in_its_register(client_of, clerk):
    send(Client(HTTP_ACCEPT_LANGUAGE="en"))
    page = client_of(clerk).get("/cases/").content.decode()
    assert Case.objects.get().number in page


def test_a_petition_with_attachments_keeps_them(client):
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    send(client, attachments=[upload])
    attachment = Attachment.objects.get()
    assert attachment.original_name == "photo.png"
    assert attachment.uploaded_by is None


def test_a_file_that_is_not_an_image_or_pdf_is_refused(client):
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = send(client, attachments=[upload])
    assert response.status_code == 400
    assert "attachments" in errors_of(response)
    assert not Case.objects.exists()


def test_files_too_large_together_are_refused_as_at_the_desk(client, settings):
    settings.UPLOAD_TOTAL_MAX_MB = 1
    photos = [
        SimpleUploadedFile(f"photo{n}.png", PNG + bytes(600_000), content_type="image/png")
        for n in range(2)
    ]
    response = send(client, attachments=photos)
    assert response.status_code == 400
    assert "one submission takes at most 1 MB" in errors_of(response)["attachments"][0]
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_group_names_its_representatives(client):
    response = send(client, people_count="6")
    assert "representatives" in errors_of(response)
    send(client, people_count="6", representatives="李秀英，王强")
    case = Case.objects.get()
    assert (case.is_group, case.representatives) == (True, "李秀英、王强")


def test_an_id_number_is_checked_like_at_the_desk(client):
    response = send(client, petitioner_id_number="110105194912310021")
    assert "petitioner_id_number" in errors_of(response)
    send(client, petitioner_id_number=VALID_ID)
    assert Case.objects.get().petitioner_id_number == VALID_ID


# --- Refused input -----------------------------------------------------------------------------


def test_a_landline_is_refused_next_to_the_phone_field(client):
    response = send(client, petitioner_phone="0421-2614858")
    assert response.status_code == 400
    assert "Enter a mobile number" in errors_of(response)["petitioner_phone"][0]
    assert not Case.objects.exists()


def test_without_consent_nothing_is_stored(client):
    response = send(client, consent="")
    assert response.status_code == 400
    assert "Without your agreement" in errors_of(response)["consent"][0]
    assert not Case.objects.exists()
    assert not SubmissionCount.objects.exists()


def test_a_category_outside_the_four_is_refused(client):
    response = send(client, category=Category.NOT_ACCEPTED)
    assert "category" in errors_of(response)
    assert not Case.objects.exists()


def test_the_text_is_capped(client):
    response = send(client, content="噪" * 5001)
    assert "content" in errors_of(response)
    assert not Case.objects.exists()


def test_a_refused_form_keeps_what_was_typed(client):
    response = send(client, petitioner_phone="12345", title="化工厂夜间排放异味")
    page = response.content.decode()
    assert "化工厂夜间排放异味" in page
    assert "12345" in page


def test_a_form_with_the_hidden_field_filled_is_refused_and_nothing_stored(client):
    response = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert "people never see" in response.content.decode()
    assert not Case.objects.exists()
    assert not SubmissionCount.objects.exists()


def test_the_hidden_field_is_out_of_sight_and_out_of_the_tab_order(client):
    page = client.get(URL).content.decode()
    assert '<div class="online-trap" aria-hidden="true">' in page
    assert 'tabindex="-1"' in page


def test_a_damaged_form_token_is_refused_with_a_message_not_an_error(client):
    response = send(client, submission_token="not-a-token")
    assert response.status_code == 400
    assert "The form was damaged on the way" in response.content.decode()
    assert not Case.objects.exists()


def test_get_and_post_only(client):
    assert client.put(URL).status_code == 405


# --- The same petition twice -------------------------------------------------------------------


def test_the_same_form_sent_twice_is_one_case_shown_with_its_code(client):
    data = petition()
    client.post(URL, data)
    response = client.post(URL, data)
    case = Case.objects.get()
    assert case.query_code in response.content.decode()


def test_the_same_form_sent_again_a_day_later_is_still_its_case_and_counts_nothing(client, noon):
    data = petition()
    client.post(URL, data)
    noon.shift(datetime.timedelta(hours=25))
    response = client.post(URL, data)
    case = Case.objects.get()
    assert case.query_code in response.content.decode()
    assert sum(SubmissionCount.objects.values_list("submissions", flat=True)) == 0


def test_the_same_phone_and_text_within_a_day_is_one_case_without_its_code(client, noon):
    send(client)
    noon.shift(datetime.timedelta(hours=5))
    response = send(client, address="198.51.100.1", title="another title")
    case = Case.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert "already received" in page
    assert case.number in page
    assert case.query_code not in page
    assert "李秀英" not in page


def test_the_same_text_a_day_later_is_a_new_case(client, noon):
    send(client)
    noon.shift(datetime.timedelta(hours=24, minutes=1))
    send(client)
    assert Case.objects.count() == 2


def test_another_text_from_the_same_phone_is_a_new_case(client):
    send(client)
    send(client, content="夜间施工噪声扰民，凌晨两点仍在打桩。")
    assert Case.objects.count() == 2


def test_a_desk_case_with_the_same_text_is_not_an_online_duplicate(client):
    make_case(
        channel=Channel.VISIT,
        petitioner_phone=MOBILE,
        petitioner_phone_hash=lookup_hash(MOBILE),
        content=petition()["content"],
        received_at=NOON - datetime.timedelta(hours=1),
    )
    send(client)
    assert Case.objects.filter(channel=Channel.ONLINE).count() == 1


# --- Limits per day ----------------------------------------------------------------------------


def test_a_phone_sends_at_most_the_day_s_limit(client, settings):
    settings.ONLINE_PETITIONS_PER_PHONE = 2
    for n in range(2):
        assert send(client, address=f"198.51.100.{n}", content=f"第{n}件事").status_code == 200
    response = send(client, address="198.51.100.9", content="第三件事")
    assert response.status_code == 429
    assert errors_of(response)[NON_FIELD] == [LIMIT]
    assert Case.objects.count() == 2


def test_the_limit_s_refusal_tells_nothing_of_the_phone(client, settings):
    """Another person's phone at its limit reads like any refusal: no count, no phone."""
    settings.ONLINE_PETITIONS_PER_PHONE = 1
    send(client)
    response = send(client, address="198.51.100.9", content="别人用这个号码")
    page = response.content.decode()
    assert LIMIT in page
    assert "phone" not in errors_of(response)[NON_FIELD][0]
    assert "petitioner_phone" not in errors_of(response)


def test_another_phone_is_not_held_by_one_phone_s_limit(client, settings):
    settings.ONLINE_PETITIONS_PER_PHONE = 1
    send(client)
    assert send(client, petitioner_phone="13900139000").status_code == 200
    assert Case.objects.count() == 2


def test_an_address_sends_at_most_the_day_s_limit(client, settings):
    settings.ONLINE_PETITIONS_PER_ADDRESS = 2
    for n in range(2):
        send(client, petitioner_phone=f"1390013900{n}")
    response = send(client, petitioner_phone="13900139009")
    assert response.status_code == 429
    assert LIMIT in response.content.decode()
    assert Case.objects.count() == 2


def test_the_limits_start_again_the_next_day_and_old_counts_are_deleted(client, settings, noon):
    settings.ONLINE_PETITIONS_PER_PHONE = 1
    send(client)
    noon.shift(datetime.timedelta(days=1))
    assert send(client, content="新的问题：河水发黑发臭。").status_code == 200
    assert Case.objects.count() == 2
    assert set(SubmissionCount.objects.values_list("day", flat=True)) == {
        NOON.date() + datetime.timedelta(days=1)
    }


def test_a_refused_or_duplicate_submission_does_not_use_up_the_limit(client, settings):
    settings.ONLINE_PETITIONS_PER_PHONE = 2
    send(client, consent="")  # refused at the field
    send(client)
    send(client)  # the same text: a duplicate, not counted
    assert send(client, content="另一件事").status_code == 200
    assert Case.objects.count() == 2


def test_the_counts_keep_no_phone_number_or_address(client):
    send(client, address="203.0.113.7")
    keys = " ".join(SubmissionCount.objects.values_list("key", flat=True))
    assert "203.0.113.7" not in keys
    assert "13800138000" not in keys
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {SubmissionCount._meta.db_table}")
        assert cursor.fetchone()[0] == 2


# --- Nobody else sees it -----------------------------------------------------------------------


def test_another_visitor_sees_nothing_of_a_petition(client):
    send(client)
    case = Case.objects.get()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL).content.decode()
    assert case.number not in page
    assert "砖厂粉尘污染" not in page
    assert DEFAULT_QUERY_CODE not in page


def test_a_signed_in_clerk_sending_the_form_is_not_its_author(client_of, clerk):
    client_of(clerk).post(URL, petition())
    case = Case.objects.get()
    assert case.created_by is None
    assert case.channel == Channel.ONLINE


def test_the_office_opens_an_online_case_with_its_consent_in_the_log(client_of, clerk):
    send(Client(HTTP_ACCEPT_LANGUAGE="en"))
    case = Case.objects.get()
    office = client_of(clerk)
    office.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = office.get(f"/cases/{case.pk}/").content.decode()
    assert "Online" in page
    assert online.CONSENT_VERSION in page


def test_only_the_office_registers_at_the_desk_even_with_the_online_channel(client_of, stranger):
    assert client_of(stranger).get("/cases/new/").status_code == 403


def test_the_form_speaks_chinese_by_default(client):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get(URL).content.decode()
    assert "网上信访" in page
    assert "您的个人信息" in page
    assert "最多5000字" in page


# --- Sent at the same moment -------------------------------------------------------------------


def submit_in_parallel(forms: list[dict]) -> list[str]:
    """Each petition sent by its own thread and connection at the same moment; the outcomes."""
    outcomes: list[str] = []
    start = threading.Barrier(len(forms))

    def submit(fields: dict) -> None:
        start.wait()
        try:
            outcomes.append(online.submit_petition(**fields).outcome)
        except online.LimitReached:
            outcomes.append("limit")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(fields,)) for fields in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def fields_of(**overrides) -> dict:
    fields = {
        "address": "203.0.113.7",
        "submission_token": uuid.uuid4(),
        "petitioner_name": "李秀英",
        "petitioner_phone": MOBILE,
        "petitioner_id_number": "",
        "petitioner_address": "",
        "people_count": 1,
        "representatives": "",
        "district": "longcheng",
        "location": "七道泉子镇砖厂",
        "title": "砖厂粉尘污染",
        "content": "砖厂生产时粉尘很大。",
        "category": Category.POLLUTION,
        "classification": "claim",
    }
    return {**fields, **overrides}


@pytest.mark.django_db(transaction=True)
def test_the_same_petition_sent_twice_at_once_is_one_case():
    outcomes = submit_in_parallel([fields_of(), fields_of()])
    assert outcomes == [online.CREATED, online.DUPLICATE]
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_petitions_sent_at_once_from_one_phone_never_pass_the_limit(settings):
    settings.ONLINE_PETITIONS_PER_PHONE = 2
    forms = [fields_of(address=f"198.51.100.{n}", content=f"第{n}件事") for n in range(4)]
    outcomes = submit_in_parallel(forms)
    assert outcomes == [online.CREATED, online.CREATED, "limit", "limit"]
    assert Case.objects.count() == 2

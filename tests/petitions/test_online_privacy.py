"""What the online form tells a visitor of others' petitions: a form's submission token shows a
case again only to whoever sent it (an online case of the same phone; a token that reaches
another case is refused, saying nothing of it); a duplicate's files; null characters."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from petitions import transfers
from petitions.models import Attachment, Case, Channel, SubmissionCount
from tests.petitions.test_online import NOON, PNG, errors_of, petition, send
from tests.petitions.transfer_helpers import json_order

pytestmark = pytest.mark.django_db

TOKEN_12369 = "e" * 40
# The token hotline cases were given before (uuid5 of a namespace published in the source).
PUBLIC_NAMESPACE = uuid.UUID("5b0f6c0e-12a4-4e1c-9f4b-0d7e3f2a1369")
FORM_USED = "This form was sent already"


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.TRANSFER_TOKENS = {"12345": "t" * 40, "12369": TOKEN_12369}


def hotline_case(client) -> Case:
    response = client.post(
        "/api/transfers/",
        json.dumps(json_order("HX-1")),
        content_type="application/json",
        headers={"Authorization": "Bearer " + TOKEN_12369},
    )
    assert response.status_code == 201
    return Case.objects.get()


def test_a_hotline_order_s_token_is_not_made_from_its_number_alone(client, settings):
    case = hotline_case(client)
    assert case.submission_token != uuid.uuid5(PUBLIC_NAMESPACE, "12369:HX-1")
    assert case.submission_token == transfers.order_token("12369", "HX-1")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert transfers.order_token("12369", "HX-1") != case.submission_token


def test_a_form_carrying_a_hotline_case_s_token_is_refused_and_shows_nothing(client):
    victim = hotline_case(client)
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = petition(
        submission_token=str(victim.submission_token),
        petitioner_phone="13711112222",
        content="随便写的",
    )
    response = stranger.post("/petition/", data, REMOTE_ADDR="198.51.100.9")
    page = response.content.decode()
    assert response.status_code == 400
    assert FORM_USED in page
    assert victim.query_code not in page
    assert victim.number not in page
    assert list(Case.objects.values_list("channel", flat=True)) == [Channel.HOTLINE_12369]
    assert sum(SubmissionCount.objects.values_list("submissions", flat=True)) == 0


def test_a_form_carrying_another_phone_s_online_token_is_refused(client):
    send(client)
    victim = Case.objects.get()
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = petition(
        submission_token=str(victim.submission_token),
        petitioner_phone="13711112222",
        content="另一个人的事",
    )
    response = stranger.post("/petition/", data, REMOTE_ADDR="198.51.100.9")
    page = response.content.decode()
    assert response.status_code == 400
    assert FORM_USED in page
    assert victim.query_code not in page
    assert Case.objects.count() == 1


def test_past_the_limit_another_s_token_is_refused_too(client, settings):
    victim = hotline_case(client)
    settings.ONLINE_PETITIONS_PER_ADDRESS = 0
    data = petition(submission_token=str(victim.submission_token), petitioner_phone="13711112222")
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/petition/", data)
    page = response.content.decode()
    assert FORM_USED in page
    assert victim.query_code not in page
    assert Case.objects.count() == 1


def test_the_sender_s_own_form_sent_again_still_shows_its_code(client):
    data = petition()
    client.post("/petition/", data)
    response = client.post("/petition/", {**data, "content": "改了一个字的内容"})
    case = Case.objects.get()
    assert response.status_code == 200
    assert case.query_code in response.content.decode()


def test_a_duplicate_s_files_are_not_added_and_the_page_says_so(client, noon):
    send(client)
    noon.shift(datetime.timedelta(hours=1))
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = send(client, address="198.51.100.1", attachments=[upload])
    page = response.content.decode()
    assert "already received" in page
    assert "The files sent with this form were not added to the case." in page
    assert not Attachment.objects.exists()


def test_a_duplicate_without_files_says_nothing_of_files(client):
    send(client)
    assert 'id="files-dropped"' not in send(client, address="198.51.100.1").content.decode()


@pytest.mark.parametrize("field", ["petitioner_name", "location", "title", "content"])
def test_a_null_character_is_refused_next_to_its_field(client, field):
    response = send(client, **{field: "砖厂\x00粉尘"})
    assert response.status_code == 400
    assert errors_of(response)[field] == ["Null characters are not allowed."]
    assert not Case.objects.exists()

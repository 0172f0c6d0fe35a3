"""Pages that show a petitioner's identity or files are never kept by a cache: every one sends
``Cache-Control: no-store, private``, as the register's files do; a forged paging cursor is
ignored, not a server error."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions.models import State
from tests.factories import DEFAULT_QUERY_CODE, make_case, make_duty, register, walk

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def case(clerk, leader, unit_handler, unit):
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    registered = register(
        clerk, channel="reception_day", duty=make_duty(leader), attachments=[photo]
    )
    return walk(registered, State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)


def test_the_case_page_is_not_cached(client_of, clerk, case):
    assert private(client_of(clerk).get(reverse("petitions:detail", args=[case.pk])))


def test_the_revealed_case_page_is_not_cached(client_of, clerk, case):
    response = client_of(clerk).post(reverse("petitions:reveal", args=[case.pk]))
    assert response.status_code == 200 and private(response)


def test_an_attachment_download_is_not_cached(client_of, clerk, case):
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    response = client_of(clerk).get(url)
    assert response.status_code == 200 and private(response)


@pytest.mark.parametrize("full", ["", "1"])
def test_a_printed_document_is_not_cached(client_of, clerk, case, full):
    url = reverse("petitions:print", args=[case.pk, "receipt"])
    response = client_of(clerk).get(url, {"full": full})
    assert response.status_code == 200 and private(response)


def test_the_leaders_list_is_not_cached(client_of, leader_user, case):
    assert private(client_of(leader_user).get(reverse("petitions:leader")))


def test_the_desk_form_is_not_cached(client_of, clerk):
    assert private(client_of(clerk).get(reverse("petitions:new")))


def test_the_petitioners_own_case_page_is_not_cached(client):
    case = make_case()
    client.post("/lookup/", {"number": case.number, "code": DEFAULT_QUERY_CODE})
    response = client.get("/lookup/case/")
    assert response.status_code == 200 and private(response)


@pytest.mark.parametrize("export", ["/cases/export.xlsx", "/cases/export.csv"])
def test_the_register_and_its_files_are_not_cached(client_of, clerk, export):
    make_case()
    client = client_of(clerk)
    assert private(client.get("/cases/")) and private(client.get(export))


# --- A forged paging cursor ------------------------------------------------------------------


def cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(["-received", *values]).encode()).decode()


@pytest.mark.parametrize("offset", ["-23:59", "+23:59"])
def test_a_cursor_with_an_offset_postgresql_refuses_is_no_server_error(client_of, clerk, offset):
    older = make_case(received_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    response = client_of(clerk).get("/cases/", {"after": cursor(f"2025-01-01T00:00{offset}", 5)})
    assert response.status_code == 200 and older.number in response.content.decode()


def test_a_cursor_that_cannot_be_a_moment_gives_the_first_page(client_of, clerk):
    make_case(title="扬尘")
    response = client_of(clerk).get("/cases/", {"after": cursor("0001-01-01T00:00+14:00", 5)})
    assert response.status_code == 200 and "扬尘" in response.content.decode()


def test_a_cursor_with_a_distant_offset_still_pages_at_the_same_moment(client_of, clerk):
    older = make_case(title="较早")
    newer = make_case(title="较晚")
    moment = newer.received_at.astimezone(datetime.timezone(datetime.timedelta(hours=-11)))
    page = client_of(clerk).get("/cases/", {"after": cursor(moment.isoformat(), newer.pk)})
    assert older.number in page.content.decode() and newer.number not in page.content.decode()

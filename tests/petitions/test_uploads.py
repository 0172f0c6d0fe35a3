"""One submission's files together stay within ``UPLOAD_TOTAL_MAX_MB``: a larger submission is
refused with a message next to the field, and what passes the limit is not even stored."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from config.uploads import DroppedUpload
from petitions.forms.uploads import MultipleFileField
from petitions.models import Attachment, Case, Category

pytestmark = pytest.mark.django_db

NEW = "/cases/new/"
MB = 1024 * 1024
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.UPLOAD_TOTAL_MAX_MB = 2


def pdf(name: str, megabytes: float) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"0" * int(megabytes * MB), "application/pdf")


def form_data(**overrides) -> dict:
    received = timezone.localtime()
    return {
        "submission_token": str(uuid.uuid4()),
        "channel": "visit",
        "received_at_0": received.strftime("%Y-%m-%d"),
        "received_at_1": received.strftime("%H:%M"),
        "petitioner_name": "李秀英",
        "petitioner_phone": "13800138000",
        "people_count": "1",
        "district": "longcheng",
        "location": "七道泉子镇砖厂",
        "title": "砖厂粉尘污染",
        "content": "砖厂生产时粉尘很大。",
        "category": Category.POLLUTION,
        "classification": "claim",
        **overrides,
    }


def test_files_within_the_total_are_registered(client_of, clerk):
    files = [pdf("一.pdf", 0.5), pdf("二.pdf", 0.5), pdf("三.pdf", 0.5)]
    response = client_of(clerk).post(NEW, {**form_data(), "attachments": files})
    assert response.status_code == 302 and Attachment.objects.count() == 3


def test_files_too_large_together_are_refused_next_to_the_field(client_of, clerk):
    client = client_of(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    files = [pdf(f"{n}.pdf", 0.9) for n in range(4)]
    response = client.post(NEW, {**form_data(), "attachments": files})
    errors = response.context["form"].errors["attachments"]
    assert response.status_code == 400 and not Case.objects.exists()
    assert errors.as_data()[0].code == "too_large_together"
    assert "one submission takes at most 2 MB" in errors[0]


def test_what_passes_the_limit_is_not_stored(settings):
    settings.UPLOAD_TOTAL_MAX_MB = 1
    body = io.BytesIO()
    boundary = "xinfang-boundary"
    for n in range(3):
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="{n}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        body.write(PDF + b"0" * (MB // 2) + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    request = RequestFactory().generic(
        "POST", NEW, body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}"
    )
    files = request.FILES.getlist("attachments")
    stored = [f for f in files if not isinstance(f, DroppedUpload)]
    assert len(files) == 3 and sum(f.size for f in files) > MB
    assert sum(len(f.read()) for f in stored) <= MB
    assert all(f.read() == b"" for f in files if isinstance(f, DroppedUpload))


def test_dropped_files_are_refused_for_their_total_not_their_content():
    field = MultipleFileField(required=False)
    dropped = DroppedUpload("大.pdf", "application/pdf", 3 * MB)
    with pytest.raises(ValidationError) as refused:
        field.clean([dropped])
    assert refused.value.error_list[0].code == "too_large_together"

"""Handling evidence: progress notes, drafts and approved answers carry files (inspection
photos, decisions) checked as at intake; the people working on the case see them; the log
names people by their full names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import people, workflow
from petitions.forms.uploads import MAX_ATTACHMENT_BYTES
from petitions.models import Attachment, Case, CaseLog, State
from tests.factories import make_leader, register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def photo(name: str = "现场照片.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def act(case: Case, action: str) -> str:
    return reverse("petitions:act", args=[case.pk, action])


def detail(case: Case) -> str:
    return reverse("petitions:detail", args=[case.pk])


@pytest.fixture
def handled(clerk, walker):
    """Assigned to 双塔分局, handling started; the identity is not released to the unit."""
    intake_letter = SimpleUploadedFile("来信.pdf", PDF, content_type="application/pdf")
    return walker(register(clerk, attachments=[intake_letter]), State.IN_PROGRESS)


def test_the_unit_adds_a_note_with_an_inspection_photo(client_of, unit_handler, handled):
    response = client_of(unit_handler).post(
        act(handled, "note"), {"note-comment": "现场检查，已拍照取证。", "note-files": [photo()]}
    )
    assert response.status_code == 302
    note = handled.logs.get(action=CaseLog.Action.NOTE)
    evidence = note.attachments.get()
    assert (evidence.original_name, evidence.case, evidence.uploaded_by) == (
        "现场照片.png",
        handled,
        unit_handler,
    )


def test_a_file_that_is_not_what_it_says_is_refused_and_the_note_not_written(
    client_of, unit_handler, handled
):
    fake = photo("照片.png", b"MZ\x90\x00 this is a program")
    response = client_of(unit_handler).post(
        act(handled, "note"), {"note-comment": "现场检查", "note-files": [fake]}
    )
    assert response.status_code == 400
    assert not handled.logs.filter(action=CaseLog.Action.NOTE).exists()
    assert not Attachment.objects.filter(log__isnull=False).exists()


def test_a_file_over_the_size_limit_is_refused(client_of, unit_handler, handled):
    big = photo("大图.png", PNG + b"\x00" * MAX_ATTACHMENT_BYTES)
    response = client_of(unit_handler).post(
        act(handled, "note"), {"note-comment": "现场检查", "note-files": [big]}
    )
    assert response.status_code == 400
    assert "10 MB" in response.content.decode()
    assert not handled.logs.filter(action=CaseLog.Action.NOTE).exists()


def test_the_draft_answer_carries_the_decision(client_of, unit_handler, handled):
    decision = SimpleUploadedFile("责令改正决定书.pdf", PDF, content_type="application/pdf")
    client_of(unit_handler).post(
        act(handled, "draft"),
        {
            "draft-version": handled.version,
            "draft-answer": "已责令改正。",
            "draft-files": [decision],
        },
    )
    entry = handled.logs.get(to_state=State.ANSWER_DRAFTED)
    assert entry.attachments.get().original_name == "责令改正决定书.pdf"


def test_the_approved_answer_carries_the_offices_evidence(clerk, walker, handled):
    case = walker(handled, State.ANSWER_DRAFTED)
    signed = SimpleUploadedFile("签发稿.pdf", PDF, content_type="application/pdf")
    case = workflow.approve_answer(case, by=clerk, files=[signed])
    entry = case.logs.get(to_state=State.APPROVED)
    assert entry.attachments.get().original_name == "签发稿.pdf"


def test_the_unit_sees_evidence_but_not_the_petitioners_letter_before_release(
    client_of, unit_handler, handled
):
    workflow.add_progress_note(handled, by=unit_handler, comment="取证", files=[photo()])
    evidence = Attachment.objects.get(log__isnull=False)
    brought = Attachment.objects.get(log__isnull=True)
    client = client_of(unit_handler)
    page = client.get(detail(handled)).content.decode()
    assert "现场照片.png" in page and "来信.pdf" not in page
    url = reverse("petitions:attachment", args=[handled.pk, evidence.pk])
    assert client.get(url).status_code == 200
    url = reverse("petitions:attachment", args=[handled.pk, brought.pk])
    assert client.get(url).status_code == 403


def test_another_unit_cannot_download_the_evidence(client_of, unit_handler, other_handler, handled):
    workflow.add_progress_note(handled, by=unit_handler, comment="取证", files=[photo()])
    evidence = Attachment.objects.get(log__isnull=False)
    url = reverse("petitions:attachment", args=[handled.pk, evidence.pk])
    assert client_of(other_handler).get(url).status_code == 404


def test_evidence_of_one_case_is_not_served_under_another(client_of, clerk, unit_handler, handled):
    workflow.add_progress_note(handled, by=unit_handler, comment="取证", files=[photo()])
    evidence = Attachment.objects.get(log__isnull=False)
    other = register(clerk, title="另一件")
    url = reverse("petitions:attachment", args=[other.pk, evidence.pk])
    assert client_of(clerk).get(url).status_code == 404


# --- Full names, not user names --------------------------------------------------------------


def test_the_log_names_people_by_full_name_not_user_name(client_of, clerk, unit_handler, handled):
    unit_handler.last_name, unit_handler.first_name = "李", "建军"
    unit_handler.save()
    workflow.add_progress_note(handled, by=unit_handler, comment="已到现场")
    page = client_of(clerk).get(detail(handled)).content.decode()
    log = page[page.index('id="case-log"') :]
    assert "李建军" in log
    assert "· handler" not in log


def test_a_leader_without_a_name_of_their_own_is_named_as_the_leader(leader_user):
    make_leader("厚春华", "局长", user=leader_user)
    assert people.full_name(leader_user) == "厚春华"


def test_a_latin_name_keeps_the_given_name_first(django_user_model):
    user = django_user_model(username="anna", first_name="Anna", last_name="Berg")
    user.pk = 1
    assert people.full_name(user) == "Anna Berg"


def test_a_note_without_text_is_refused_even_with_a_photo(unit_handler, handled):
    with pytest.raises(ValidationError) as refused:
        workflow.add_progress_note(handled, by=unit_handler, comment=" ", files=[photo()])
    assert "comment" in refused.value.error_dict
    assert not Attachment.objects.filter(log__isnull=False).exists()

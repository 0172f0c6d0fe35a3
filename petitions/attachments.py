"""Storing an uploaded file with a case: under a random name, the petitioner's (or the
handler's) file name kept in the database. The upload has been checked by its form
(``MultipleFileField``: size and type by content), at intake and for evidence alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile

from petitions.models import Attachment, Case, CaseLog


def store_attachment(
    case: Case, upload: UploadedFile, by, log: CaseLog | None = None
) -> Attachment:
    """Keep the file under a random name; ``log``: the note or answer it is evidence for."""
    original = PurePath(upload.name or "file").name[:200]
    upload.name = uuid.uuid4().hex + PurePath(original).suffix.lower()
    return Attachment.objects.create(
        case=case,
        log=log,
        file=upload,
        original_name=original,
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )


def store_evidence(case: Case, uploads: Iterable[UploadedFile], by, log: CaseLog) -> None:
    for upload in uploads:
        store_attachment(case, upload, by, log)

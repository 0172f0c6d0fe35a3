"""Storing an uploaded file with a case: under a random name, the petitioner's (or the
handler's) file name kept in the database. The upload has been checked by its form
(``MultipleFileField``: size and type by content), at intake and for evidence alike."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from petitions.models import Attachment, Case, CaseLog

logger = logging.getLogger(__name__)


def store_attachment(
    case: Case, upload: UploadedFile, by, log: CaseLog | None = None
) -> Attachment:
    """Keep the file under a random name; ``log``: the note or answer it is evidence for.

    A file that cannot be written (MEDIA_ROOT missing, full or read-only) refuses the whole
    step with a message: the transaction rolls back, nothing is half-saved.
    """
    original = PurePath(upload.name or "file").name[:200]
    upload.name = uuid.uuid4().hex + PurePath(original).suffix.lower()
    try:
        return Attachment.objects.create(
            case=case,
            log=log,
            file=upload,
            original_name=original,
            content_type=upload.content_type or "application/octet-stream",
            size=upload.size or 0,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
    except OSError:
        logger.exception("Cannot store an attachment under MEDIA_ROOT=%s", settings.MEDIA_ROOT)
        message = _(
            "The attachments could not be stored, so the case was not registered. Try again; "
            "if it happens again, tell the administrator (the file storage is not writable)."
        )
        refusal = ValidationError(message, code="attachment_not_stored")
        raise ValidationError({"attachments": refusal}) from None


def store_evidence(case: Case, uploads: Iterable[UploadedFile], by, log: CaseLog) -> None:
    for upload in uploads:
        store_attachment(case, upload, by, log)

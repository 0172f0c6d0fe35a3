"""Uploaded files on a case form: checked by content, each and together.

Intake and the handling steps (evidence) use the same checks: a known type sniffed from the
file's first bytes, a size per file, a number of files and a total per submission.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * MIB
MAX_ATTACHMENTS = 20
# What a file must start with, per type; the extension must agree with the content.
ATTACHMENT_TYPES = {
    "application/pdf": ((b"%PDF-",), {".pdf"}),
    "image/jpeg": ((b"\xff\xd8\xff",), {".jpg", ".jpeg"}),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), {".png"}),
}


def sniff_type(upload) -> str | None:
    """The file's type from its first bytes (PDF, JPEG, PNG), or None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (signatures, _extensions) in ATTACHMENT_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def check_total_size(files) -> None:
    """One submission's files together stay within ``UPLOAD_TOTAL_MAX_MB`` (past it, the
    upload handler ``config.uploads`` stored nothing more: the files are sizes only)."""
    total = sum(upload.size or 0 for upload in files)
    if total > settings.UPLOAD_TOTAL_MAX_MB * MIB:
        raise ValidationError(
            _(
                "Together the files take %(size).1f MB; one submission takes at most %(max)d MB. "
                "Attach fewer or smaller files."
            ),
            code="too_large_together",
            params={"size": total / MIB, "max": settings.UPLOAD_TOTAL_MAX_MB},
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked for size and type by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("At most %(max)d files can be attached."),
                code="too_many",
                params={"max": MAX_ATTACHMENTS},
            )
        check_total_size(files)
        errors = []
        for upload in files:
            super().clean(upload, initial)
            error = self.check_file(upload)
            if error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return files

    @staticmethod
    def check_file(upload) -> ValidationError | None:
        name = PurePath(upload.name or "").name
        if upload.size > MAX_ATTACHMENT_BYTES:
            return ValidationError(
                _("%(name)s is larger than %(max)d MB."),
                code="too_large",
                params={"name": name, "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            )
        content_type = sniff_type(upload)
        extension = PurePath(name).suffix.lower()
        if content_type is None or extension not in ATTACHMENT_TYPES[content_type][1]:
            return ValidationError(
                _("%(name)s is not a PDF, JPEG or PNG file (checked by its content)."),
                code="file_type",
                params={"name": name},
            )
        upload.content_type = content_type
        return None


# --- Intake -----------------------------------------------------------------------------------


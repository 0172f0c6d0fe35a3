"""One submission's files together stay within ``UPLOAD_TOTAL_MAX_MB``: past it, nothing more
is stored.

Django stores every uploaded file (in memory, or in a temporary file past
``FILE_UPLOAD_MAX_MEMORY_SIZE``) before any form sees it, so twenty files of 10 MB took 200 MB
of disk per request. This handler, first in ``FILE_UPLOAD_HANDLERS``, counts the bytes of all
files of the request; once the total passes the limit, the rest of the body is read and dropped,
and each file from there on reaches the form as an empty stand-in (:class:`DroppedUpload`) that
keeps its name and the size it had: the form then says, next to its field, that the files are
too large together (``petitions/forms/cases.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MIB = 1024 * 1024


def total_limit() -> int:
    """The most bytes one submission's files may take together."""
    return settings.UPLOAD_TOTAL_MAX_MB * MIB


class DroppedUpload(SimpleUploadedFile):
    """A file not stored because the submission was already too large: its name and size."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(name, b"", content_type)
        self.size = size


class SubmissionSizeHandler(FileUploadHandler):
    """Passes file data on to the next handlers until the request's total passes the limit."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.total = 0
        self.file_size = 0
        self.dropping = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file_size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.file_size += len(raw_data)
        self.total += len(raw_data)
        if self.total > total_limit():
            self.dropping = True
        return None if self.dropping else raw_data

    def file_complete(self, file_size: int) -> DroppedUpload | None:
        if not self.dropping:
            return None  # the next handler has the file
        return DroppedUpload(self.file_name, self.content_type or "", self.file_size)

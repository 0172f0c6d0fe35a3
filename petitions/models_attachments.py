"""Files kept with a case: what the petitioner brought at intake, and the handling's evidence
(inspection photos, decisions) attached to a progress note or an answer.

Imported by ``petitions/models.py``; who may download which file is decided in
``petitions/access.py`` (``may_see_attachment``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    """A scanned letter or photo the petitioner brought, or evidence of the handling."""

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="attachments")
    # The progress note, draft or answer the file came with; empty: brought at intake.
    log = models.ForeignKey(
        "petitions.CaseLog",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_evidence(self) -> bool:
        """Evidence of the handling, not the petitioner's own material."""
        return self.log_id is not None

"""The office's forms for the hotline transfers: a batch to upload, the replies to export.

The file is read and each row checked in ``petitions/transfer_files.py`` and
``petitions/transfer_orders.py``; importing is ``petitions/transfers.py``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.choices import HOTLINE_CHANNELS
from petitions.transfer_files import MAX_FILE_BYTES, Sheet, read_batch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLATFORM_CHOICES = [(channel.value, channel.label) for channel in HOTLINE_CHANNELS]


class BatchForm(forms.Form):
    """A platform's Excel export of work orders."""

    platform = forms.ChoiceField(label=_("Platform"), choices=PLATFORM_CHOICES)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "The platform's export: a heading row with 工单编号, 来电时间, 来电人, 联系电话, 地址, "
            "诉求内容 and 办理时限 (区县 and 标题 if the platform gives them), one work order a "
            "row; at most 500 rows and 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    def clean_file(self) -> Sheet:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: split the batch."))
        self.file_name = upload.name or ""
        return read_batch(upload)


class ReplyExportForm(forms.Form):
    """Which orders' replies go into the file: a platform's, imported in a period."""

    platform = forms.ChoiceField(label=_("Platform"), choices=PLATFORM_CHOICES)
    imported_from = forms.DateField(label=_("Imported from"), required=False)
    imported_to = forms.DateField(label=_("to"), required=False)
    replied_only = forms.BooleanField(
        label=_("Only orders with a reply"), required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("imported_from"), data.get("imported_to")
        if start and end and start > end:
            raise ValidationError(_("The period ends before it starts."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen days, by default the last 30."""
        today = timezone.localdate()
        end = self.cleaned_data.get("imported_to") or today
        start = self.cleaned_data.get("imported_from") or end - datetime.timedelta(days=30)
        return start, end

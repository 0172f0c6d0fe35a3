"""Forms for intake and for each step of a case's handling.

Forms check the input (field by field, with translated messages) and normalise it; the rules
of registering a case live in ``petitions/intake.py``, those of what may happen to it
afterwards in ``petitions/workflow.py``.
"""

from __future__ import annotations

import datetime
import json
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions import handoffs
from petitions.forms.matters import MatterFields
from petitions.forms.uploads import (  # noqa: F401  (also imported from here)
    MAX_ATTACHMENTS,
    MIB,
    MultipleFileField,
    check_total_size,
    sniff_type,
)
from petitions.identity import normalize_phone, validate_id_number
from petitions.intake import ASSIGN_NEEDS_ACCEPTANCE, CASE_FIELDS
from petitions.models import (
    REFERRAL_REASON_REQUIRED,
    Case,
    Category,
    ReferralReason,
    Satisfaction,
    needs_referral,
)
from schedules.models import Duty, Finding, Unit
from schedules.workdays import YEARS

# --- Attachments ------------------------------------------------------------------------------
REPRESENTATIVE_SEPARATORS = re.compile(r"[、,，;；\s]+")
MAX_REPRESENTATIVES = 5  # 《信访工作条例》 art. 20


def duty_choices():
    """Published duties around today, newest first: the clerk may correct the automatic link."""
    today = timezone.localdate()
    return (
        Duty.objects.published()
        .filter(date__gte=today - datetime.timedelta(days=400), date__lte=today)
        .select_related("leader")
        .order_by("-date", "kind")
    )


class DutyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Duty) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.get_kind_display()} · {obj.leader}"


class CaseForm(MatterFields, forms.ModelForm):
    """The desk form: everything a clerk types while the petitioner is there."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    duty = DutyChoiceField(
        queryset=Duty.objects.none(),
        required=False,
        label=_("Duty day"),
        empty_label=_("Automatic: the duty on the day of receipt"),
        help_text=_("Only for the leaders' reception and visit days."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Scanned letters and photos: PDF, JPEG or PNG, at most 10 MB each."),
    )
    # Two plain text boxes (date, time): two tab stops, typed as the clerk reads them off a
    # letter; a browser date-time picker makes every part of the date a tab stop of its own.
    received_at = forms.SplitDateTimeField(
        label=_("Received at"),
        input_date_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"],
        input_time_formats=["%H:%M", "%H:%M:%S", "%H%M"],
        widget=forms.SplitDateTimeWidget(
            date_format="%Y-%m-%d",
            time_format="%H:%M",
            date_attrs={
                "placeholder": "2025-03-12",
                "inputmode": "numeric",
                "class": "form-control",
                "aria-label": _("Date received"),
            },
            time_attrs={
                "placeholder": "09:30",
                "inputmode": "numeric",
                "class": "form-control",
                "aria-label": _("Time received"),
            },
        ),
        help_text=_("Date and time, e.g. 2025-03-12 09:30."),
    )
    finding = forms.ModelChoiceField(
        Finding.objects.select_related("record__duty"),
        required=False,
        widget=forms.HiddenInput,
    )
    accept_now = forms.BooleanField(
        label=_("Accept on the spot"),
        required=False,
        help_text=_("Gives the acceptance notice now; otherwise the office decides later."),
    )
    assign_to = forms.ModelChoiceField(
        Unit.objects.none(),
        label=_("Assign (交办) on the spot to"),
        required=False,
        help_text=_("With “Accept on the spot”: the case goes to this unit at once."),
    )

    class Meta:
        model = Case
        fields = list(CASE_FIELDS)
        widgets = {
            "petitioner_phone": forms.TextInput(
                attrs={"inputmode": "tel", "autocomplete": "off", "maxlength": 30}
            ),
            "petitioner_id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}),
            "petitioner_address": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 200}),
            "petitioner_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "representatives": forms.TextInput(attrs={"autocomplete": "off"}),
            "content": forms.Textarea(attrs={"rows": 6}),
            "referral_note": forms.Textarea(attrs={"rows": 2}),
            "people_count": forms.NumberInput(attrs={"min": 1, "max": 9999}),
        }
        help_texts = {
            "petitioner_phone": _("A local number without area code gets the city's code."),
            "petitioner_id_number": _("Optional. Full-width digits are accepted."),
            "representatives": _("Names, separated by 、 or commas; at most five."),
            "referral_reason": _(
                "Needed when the matter is not accepted or in litigation. A matter that skipped "
                "a level is referred to the level below with this reason, or, left empty, taken "
                "up and assigned to the competent branch (it still counts as skipping a level)."
            ),
            "classification": _(
                "Reports and accusations (检举控告类) against officials are handled by the "
                "petition office alone: no unit or leader sees them, and the accused never "
                "learn who reported."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].widget.attrs["autofocus"] = True
        self.fields["duty"].queryset = duty_choices()
        self.fields["referral_reason"].queryset = ReferralReason.objects.filter(active=True)
        self.fields["assign_to"].queryset = Unit.objects.filter(active=True)
        self._preselection_data()
        self.fields["petitioner_phone"].required = True
        self.fields["petitioner_address"].max_length = 200
        self.fields["petitioner_id_number"].max_length = 30
        self.fields["people_count"].min_value = 1
        self.fields["people_count"].max_value = 9999
        for name in ("title", "location", "petitioner_name", "representatives"):
            self.fields[name].widget.attrs.setdefault("maxlength", self.fields[name].max_length)
        # Keep the order the clerk works in: how and when, who, where and what, the decision.
        order = [
            "channel",
            "received_at",
            "duty",
            "petitioner_name",
            "petitioner_phone",
            "petitioner_id_number",
            "petitioner_address",
            "people_count",
            "representatives",
            "district",
            "location",
            "title",
            "content",
            "attachments",
            "category",
            "classification",
            "pollution_types",
            "pollution_subtypes",
            "industry",
            "skipped_level",
            "in_litigation",
            "referral_reason",
            "referral_note",
            "accept_now",
            "assign_to",
            "submission_token",
            "finding",
        ]
        self.order_fields(order)

    def _preselection_data(self) -> None:
        """What the desk form's script pre-selects (static/petitions/case-form.js): the
        reason ticking 涉诉 or 越级 implies, and each district's branch."""
        referral = self.fields["referral_reason"].widget.attrs
        for flag, pk in handoffs.matching_referrals().items():
            referral[f"data-for-{flag.replace('_', '-')}"] = pk
        branches = handoffs.branches_by_district()
        self.fields["assign_to"].widget.attrs["data-branches"] = json.dumps(branches)

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + datetime.timedelta(minutes=1):
            raise ValidationError(_("The time received cannot be in the future."), code="future")
        if value and value.year not in YEARS:
            raise ValidationError(_("Check the year of receipt."), code="too_old")
        return value

    def clean_petitioner_phone(self):
        return normalize_phone(self.cleaned_data["petitioner_phone"], settings.CITY_AREA_CODE)

    def clean_petitioner_id_number(self):
        value = self.cleaned_data.get("petitioner_id_number", "")
        if not value or not value.strip():
            return ""
        return validate_id_number(value, today=timezone.localdate())

    def clean_representatives(self):
        value = self.cleaned_data.get("representatives", "").strip()
        names = [n for n in REPRESENTATIVE_SEPARATORS.split(value) if n]
        if len(names) > MAX_REPRESENTATIVES:
            raise ValidationError(
                _("A group sends at most %(max)d representatives; %(count)d were given."),
                code="too_many_representatives",
                params={"max": MAX_REPRESENTATIVES, "count": len(names)},
            )
        return "、".join(names)

    def clean(self):
        data = super().clean()
        people = data.get("people_count") or 1
        if people >= settings.GROUP_PETITION_SIZE and not data.get("representatives"):
            self.add_error(
                "representatives",
                _(
                    "%(count)d people came: a group petition names its representatives "
                    "(at most five)."
                )
                % {"count": people},
            )
        refer = needs_referral(data.get("category"), data.get("in_litigation"))
        if refer and not data.get("referral_reason") and data.get("in_litigation"):
            # 涉诉 implies where to go: the court reason, as the script pre-selects it.
            litigation = handoffs.matching_referrals().get("in_litigation")
            data["referral_reason"] = ReferralReason.objects.filter(pk=litigation).first()
        if refer and not data.get("referral_reason"):
            self.add_error("referral_reason", REFERRAL_REASON_REQUIRED)
        referred = refer or (data.get("skipped_level") and data.get("referral_reason"))
        if referred and data.get("accept_now"):
            self.add_error(
                "accept_now", _("A matter that is referred elsewhere cannot be accepted.")
            )
        if data.get("assign_to") and not data.get("accept_now"):
            self.add_error("assign_to", ASSIGN_NEEDS_ACCEPTANCE)
        return data

    def prepare_refused(self) -> None:
        """After a refusal: ask for the files again (browsers drop them) and put the cursor
        on the first field to correct."""
        if self.errors and self.files.getlist("attachments"):
            self.add_error(
                "attachments",
                _(
                    "The form was not saved, and browsers do not keep chosen files: choose the "
                    "attachments again."
                ),
            )
        first = next((name for name in self.fields if name in self.errors), None)
        if first:
            self.fields["channel"].widget.attrs.pop("autofocus", None)
            self.fields[first].widget.attrs["autofocus"] = True

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, label) of each field to correct, for the summary at the top."""
        links = []
        for name in self.fields:
            if name in self.errors:
                suffix = "_0" if name == "received_at" else ""
                links.append((f"id_{name}{suffix}", str(self.fields[name].label)))
        return links

    def registration(self) -> dict:
        """The arguments of ``intake.register_case``."""
        data = self.cleaned_data
        return {
            **{name: data.get(name) for name in CASE_FIELDS},
            "petitioner_id_number": data.get("petitioner_id_number") or "",
            "petitioner_address": (data.get("petitioner_address") or "").strip(),
            "location": data["location"].strip(),
            "duty": data.get("duty"),
            "attachments": data.get("attachments") or [],
            "accept_now": bool(data.get("accept_now")),
            "assign_to": data.get("assign_to"),
            "submission_token": data["submission_token"],
            "finding": data.get("finding"),
        }


# --- Steps of the handling --------------------------------------------------------------------


class CaseActionForm(forms.Form):
    """A step's form: carries the case's version, so a stale second save is refused."""

    versioned = True
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", case.version)
        super().__init__(*args, **kwargs)
        if not self.versioned:
            del self.fields["version"]


def _comment(label, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class CommentForm(CaseActionForm):
    comment = _comment(_("Comment"))


class ReasonForm(CaseActionForm):
    comment = _comment(_("Reason"), required=True)


class NoteForm(CaseActionForm):
    versioned = False
    comment = _comment(_("Progress note"), required=True, rows=3)


class ReviewRequestForm(CaseActionForm):
    comment = _comment(_("The petitioner's reasons"), required=True, rows=3)


class AcceptForm(CaseActionForm):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[(v, label) for v, label in Category.choices if v != Category.NOT_ACCEPTED],
    )
    comment = _comment(_("Comment"))

    def __init__(self, *args, case: Case, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if case.category != Category.NOT_ACCEPTED:
            initial.setdefault("category", case.category)
        if case.is_repeat:
            initial["category"] = Category.UNRESOLVED
        super().__init__(*args, case=case, **kwargs)
        if case.skipped_level:
            self.fields["category"].help_text = _(
                "This matter skipped a level (越级): accepted and assigned to the competent "
                "branch, it still counts as skipping a level."
            )


class RefuseForm(CaseActionForm):
    referral_reason = forms.ModelChoiceField(
        ReferralReason.objects.none(), label=_("Referral reason")
    )
    referral_note = _comment(_("Note for the petitioner"))

    def __init__(self, *args, case: Case, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("referral_reason", handoffs.matching_referral(case))
        super().__init__(*args, case=case, **kwargs)
        self.fields["referral_reason"].queryset = ReferralReason.objects.filter(active=True)


class AssignForm(CaseActionForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Handling unit"))
    instructions = _comment(_("Instructions"), rows=3)

    def __init__(self, *args, case: Case, **kwargs):
        initial = kwargs.setdefault("initial", {})
        branch = None if case.unit_id else handoffs.branch_for(case.district)
        initial.setdefault("unit", case.unit_id or (branch.pk if branch else None))
        initial.setdefault("instructions", case.instructions)
        super().__init__(*args, case=case, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True)


class AnswerForm(CaseActionForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("answer", case.answer_draft or case.answer)
        super().__init__(*args, case=case, **kwargs)


class FeedbackForm(CaseActionForm):
    satisfaction = forms.ChoiceField(
        label=_("The petitioner's feedback, as the office heard it (by phone, in person)"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = _comment(_("Comment"))


class ExtensionForm(CaseActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1)
    reason = _comment(_("Reason (the petitioner is told it)"), required=True, rows=3)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        most = settings.EXTENSION_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Days"),
            min_value=1,
            max_value=most,
            help_text=_("At most %(max)d days, once.") % {"max": most},
        )
        self.order_fields(["version", "days", "reason"])

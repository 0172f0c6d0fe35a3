"""Forms for changes to published duties: change, cancel, keep a date, follow the rule."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedules import changes
from schedules.conflicts import leader_conflicts
from schedules.forms import OverrideForm, VersionedForm
from schedules.models import ContactPerson, Duty, Unit
from schedules.services import check_duty_date


class ChangeDutyForm(OverrideForm):
    """A published duty's date, contact person and, for a visit, destination and sections."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    allow_day_off = forms.BooleanField(
        label=_("Allow a non-working day"),
        required=False,
        help_text=_("Only when the leaders decided to receive on a day off."),
    )
    contact = forms.ModelChoiceField(
        ContactPerson.objects.all(), label=_("Contact person"), required=False
    )
    destination = forms.CharField(
        label=_("Destination"),
        max_length=200,
        required=False,
        help_text=_("Shown on the public page."),
    )
    sections = forms.ModelMultipleChoiceField(
        Unit.objects.filter(kind=Unit.Kind.SECTION),
        label=_("Accompanying sections"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when the change alters what was published; not when you fill in what was "
            "still open (a destination, the sections, a contact person)."
        ),
    )

    field_order = [
        "version",
        "date",
        "allow_day_off",
        "contact",
        "destination",
        "sections",
        "reason",
        "override",
        "override_reason",
    ]

    def __init__(self, *args, duty: Duty, **kwargs):
        self.duty = duty
        kwargs.setdefault(
            "initial",
            {
                "version": duty.version,
                "date": duty.date,
                "contact": duty.contact_id,
                "destination": duty.destination,
                "sections": list(duty.sections.all()),
            },
        )
        super().__init__(*args, **kwargs)
        if duty.kind == Duty.Kind.RECEPTION:
            del self.fields["destination"]
            del self.fields["sections"]
        else:
            self.fields["contact"].label = _("Visit contact person")

    def changes(self) -> dict:
        return {f: self.cleaned_data[f] for f in changes.CHANGEABLE if f in self.fields}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        changed = changes.changed_fields(self.duty, self.changes())
        if not changed:
            raise ValidationError(_("Nothing was changed."), code="unchanged")
        if changes.needs_reason(changed) and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the change."))
        if "date" in changed:
            _check_date(self, data["date"])
        return data


def _check_date(form: OverrideForm, day) -> None:
    """A new date for ``form.duty``: a working day of its year (unless allowed), and a day its
    leader is free (unless overridden)."""
    try:
        check_duty_date(day, form.duty.year, override=form.cleaned_data.get("allow_day_off"))
    except ValidationError as error:
        form.add_error(None, error)
        return
    problems = leader_conflicts(form.duty.leader, day, excluding=[form.duty.pk])
    form.refuse_conflicts(problems, "date")


class CancelForm(OverrideForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Sent to the leading group's office; the public page shows the day as cancelled."
        ),
    )
    date = forms.DateField(
        label=_("Replacement date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Optional: the day is held on this date instead, with the same leader and contact "
            "person. The public page shows it next to the cancelled day."
        ),
    )
    allow_day_off = forms.BooleanField(label=_("Allow a non-working day"), required=False)
    field_order = ["version", "reason", "date", "allow_day_off", "override", "override_reason"]

    def __init__(self, *args, duty: Duty, **kwargs):
        self.duty = duty
        kwargs.setdefault("initial", {"version": duty.version})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day == self.duty.date:
            self.add_error("date", _("The replacement must be on another day."))
        elif day:
            _check_date(self, day)
        return data


class KeepForm(VersionedForm):
    """Keep a date that departs from the rule (the leaders' choice), or stop keeping it."""

    kept = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why the date is kept"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kept") and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for keeping the date."))
        return data


class FollowRuleForm(forms.Form):
    """The one confirmed step that moves every listed duty to the rule's date."""

    listed = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("E.g. the State Council's notice of the year's holiday arrangement."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the list: move these duties to the rule's dates"),
        error_messages={"required": _("Tick the box to confirm the move.")},
    )

    @staticmethod
    def listing(moves) -> str:
        return ",".join(f"{m.duty.pk}@{m.duty.version}" for m in moves)

    def clean_listed(self) -> dict[int, int]:
        """The duties and versions the page showed, as ``pk -> version``."""
        listed = {}
        for item in filter(None, self.cleaned_data["listed"].split(",")):
            pk, _at, version = item.partition("@")
            if not (pk.isascii() and pk.isdecimal() and version.isascii() and version.isdecimal()):
                raise ValidationError(_("The list of duties is not valid."), code="invalid")
            listed[int(pk)] = int(version)
        return listed

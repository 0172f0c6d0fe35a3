"""Forms for administrators: generate, edit, swap, replace, absences, calendar corrections."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from schedules import rotation
from schedules.conflicts import Availability, leader_conflicts, swap_conflicts
from schedules.models import (
    Absence,
    CalendarCorrection,
    ContactPerson,
    Duty,
    Leader,
    Place,
    SiteSettings,
    Unit,
)
from schedules.places import PLACE_FIELDS
from schedules.services import check_duty_date
from schedules.widgets import RotationField
from schedules.workdays import YEARS


class VersionedForm(forms.Form):
    """Carries the record's version so a second, stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class StartField(forms.ModelChoiceField):
    """Who takes January: someone chosen, or (empty) the turn after last year's last duty."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)


class GenerateForm(forms.Form):
    """The rotations of one roster or both, in turn order, and where January starts."""

    roster = forms.ChoiceField(
        label=_("Roster"),
        choices=[("", _("Both rosters")), *Duty.Kind.choices],
        required=False,
    )
    leaders = RotationField(
        Leader.objects.active(),
        label=_("Leader rotation"),
        help_text=_(
            "Leaders take their turns in this order; untick those who do not take part. "
            "The order is remembered for the roster."
        ),
    )
    leader_start = StartField(Leader.objects.active(), label=_("January's leader"))
    contacts = RotationField(
        ContactPerson.objects.active(), label=_("Contact person rotation"), required=False
    )
    contact_start = StartField(ContactPerson.objects.active(), label=_("January's contact person"))

    def __init__(self, *args, year: int, roster: str = "", **kwargs):
        self.year = year
        kind = roster if roster in Duty.Kind.values else Duty.Kind.RECEPTION
        leaders, contacts = rotation.remembered_order(kind)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("roster", roster if roster in Duty.Kind.values else "")
        initial.setdefault("leaders", leaders)
        initial.setdefault("contacts", contacts)
        super().__init__(*args, **kwargs)
        self.continued = {
            kind: rotation.continuation(year, kind, leaders, contacts) for kind in rotation.KINDS
        }
        self.fields["leader_start"].empty_label = _("Continue the rotation from %(year)s") % {
            "year": year - 1
        }
        self.fields["contact_start"].empty_label = self.fields["leader_start"].empty_label
        self.fields["leader_start"].help_text = self._continuation_text(leaders, contacts)

    def _continuation_text(self, leaders, contacts) -> str:
        """What "continue" gives for each roster, e.g. "Reception day: 孙守堂 and 王贤熙 (after
        王晓东 and 李明姬 on 2026-12-14)"."""
        lines = []
        for kind, resume in self.continued.items():
            if resume.after is None:
                continue
            lines.append(
                _(
                    "%(kind)s: %(leader)s and %(contact)s "
                    "(after %(last)s and %(last_contact)s on %(date)s)"
                )
                % {
                    "kind": Duty.Kind(kind).label,
                    "leader": getattr(resume.leader(leaders), "name", "—"),
                    "contact": getattr(resume.contact(contacts), "name", "—"),
                    "last": resume.after.leader.name,
                    "last_contact": getattr(resume.after.contact, "name", "—"),
                    "date": resume.after.date.isoformat(),
                }
            )
        if not lines:
            return _("%(year)s has no published duty: the rotation starts at the top.") % {
                "year": self.year - 1
            }
        return "; ".join(lines)

    def clean(self):
        data = super().clean()
        for people, start in (("leaders", "leader_start"), ("contacts", "contact_start")):
            chosen = data.get(start)
            if chosen and chosen not in (data.get(people) or []):
                self.add_error(start, _("January's turn must go to someone in the rotation."))
        return data

    def kinds(self) -> tuple[str, ...]:
        roster = self.cleaned_data.get("roster")
        return (roster,) if roster else rotation.KINDS

    def generation(self) -> dict:
        """The arguments of ``rotation.generate_year``: a start of None continues last year."""
        leaders = self.cleaned_data["leaders"]
        contacts = self.cleaned_data["contacts"]
        start = self.cleaned_data.get("leader_start")
        cstart = self.cleaned_data.get("contact_start")
        return {
            "leaders": leaders,
            "contacts": contacts,
            "leader_start": leaders.index(start) if start else None,
            "contact_start": contacts.index(cstart) if cstart else None,
            "kinds": self.kinds(),
            "remember": True,
        }


class DutyForm(VersionedForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    allow_day_off = forms.BooleanField(
        label=_("Allow a non-working day"),
        required=False,
        help_text=_("Only when the leaders decided to receive on a day off."),
    )
    leader = forms.ModelChoiceField(Leader.objects.all(), label=_("Leader"))
    contact = forms.ModelChoiceField(
        ContactPerson.objects.all(), label=_("Contact person"), required=False
    )
    place = forms.ModelChoiceField(Place.objects.all(), label=_("Place"), required=False)
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False)
    sections = forms.ModelMultipleChoiceField(
        Unit.objects.filter(kind=Unit.Kind.SECTION),
        label=_("Accompanying sections"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, duty: Duty, **kwargs):
        self.duty = duty
        kwargs.setdefault(
            "initial",
            {
                "version": duty.version,
                "date": duty.date,
                "leader": duty.leader_id,
                "contact": duty.contact_id,
                "place": duty.place_id,
                "destination": duty.destination,
                "sections": list(duty.sections.all()),
                "note": duty.note,
            },
        )
        super().__init__(*args, **kwargs)
        if duty.kind == Duty.Kind.RECEPTION:
            del self.fields["destination"]
            del self.fields["sections"]
        else:
            del self.fields["place"]

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day:
            try:
                check_duty_date(day, self.duty.year, override=data.get("allow_day_off", False))
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data.pop("allow_day_off")
        return data


class VersionedDutyField(forms.ModelChoiceField):
    """A duty choice whose value carries the version shown ("12@3"), so that a swap with a duty
    someone changed since the page was opened is refused rather than applied blindly."""

    def prepare_value(self, value):
        if isinstance(value, Duty):
            return f"{value.pk}@{value.version}"
        return super().prepare_value(value)

    def to_python(self, value):
        pk, _at, version = str(value or "").partition("@")
        duty = super().to_python(pk)
        if duty is not None:
            duty.expected_version = (
                int(version) if version.isascii() and version.isdecimal() else None
            )
        return duty


class OverrideForm(VersionedForm):
    """A change checked by ``schedules.conflicts``: refused with the reason at the field unless
    the administrator ticks the override and states why."""

    override = forms.BooleanField(
        label=_("Override the checks"),
        required=False,
        help_text=_(
            "Only when the leaders decided it must be so: the reason is recorded in the "
            "history and sent to the leading group's office."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for the override"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []  # what the checks found, once the form is cleaned

    def refuse_conflicts(self, problems: list[str], field: str) -> None:
        self.problems = problems
        if not problems:
            return
        if not self.cleaned_data.get("override"):
            hint = _("To do it anyway, tick “Override the checks” and state the reason.")
            self.add_error(field, [*problems, hint])
        elif not self.cleaned_data.get("override_reason", "").strip():
            self.add_error("override_reason", _("State the reason for overriding the checks."))

    def override_text(self) -> str:
        """The stated reason, when there was something to override."""
        if self.problems and self.cleaned_data.get("override"):
            return self.cleaned_data["override_reason"].strip()
        return ""


def _duty_label(duty: Duty) -> str:
    return f"{duty.get_kind_display()} {duty.date:%Y-%m-%d} {duty.leader.name}"


class SwapForm(OverrideForm):
    other = VersionedDutyField(Duty.objects.none(), label=_("Swap with"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["version", "other", "reason", "override", "override_reason"]

    def __init__(self, *args, duty: Duty, offer_all: bool = False, **kwargs):
        """The list offers the valid partners only: not the duty itself, not the same
        leader's duties, not a duty whose swap would put a leader on a day they are away or
        on duty twice. ``offer_all`` (or a ticked override) lists those too, with why."""
        self.duty = duty
        kwargs.setdefault("initial", {"version": duty.version})
        super().__init__(*args, **kwargs)
        candidates = list(
            Duty.objects.current()
            .filter(year__in=[duty.year, duty.year + 1])
            .exclude(pk=duty.pk)
            .exclude(leader_id=duty.leader_id)
            .select_related("leader")
            .order_by("date", "kind")
        )
        availability = Availability([duty.date, *(c.date for c in candidates)])
        self.problems_with = {c.pk: swap_conflicts(duty, c, availability) for c in candidates}
        field = self.fields["other"]
        field.queryset = Duty.objects.filter(pk__in=[c.pk for c in candidates]).select_related(
            "leader"
        )
        offer_all = offer_all or (self.is_bound and bool(self.data.get("override")))
        offered = [c for c in candidates if offer_all or not self.problems_with[c.pk]]
        field.widget.choices = [
            ("", "---------"),
            *((field.prepare_value(c), self._label(c)) for c in offered),
        ]
        self.not_offered = [(c, self.problems_with[c.pk]) for c in candidates if c not in offered]

    def _label(self, duty: Duty) -> str:
        problems = self.problems_with.get(duty.pk)
        return _duty_label(duty) + (f" ⚠ {' '.join(problems)}" if problems else "")

    def clean_other(self):
        other = self.cleaned_data["other"]
        if other.pk == self.duty.pk:
            raise ValidationError(_("A duty cannot be swapped with itself."), code="self_swap")
        return other

    def clean(self):
        data = super().clean()
        other = data.get("other")
        if other is not None:
            self.refuse_conflicts(self.problems_with.get(other.pk, []), "other")
        return data


class ReplaceForm(OverrideForm):
    leader = forms.ModelChoiceField(Leader.objects.active(), label=_("New leader"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["version", "leader", "reason", "override", "override_reason"]

    def __init__(self, *args, duty: Duty, **kwargs):
        self.duty = duty
        kwargs.setdefault("initial", {"version": duty.version})
        super().__init__(*args, **kwargs)

    def clean_leader(self):
        leader = self.cleaned_data["leader"]
        if leader.pk == self.duty.leader_id:
            raise ValidationError(_("This leader is already on the duty."), code="same_leader")
        return leader

    def clean(self):
        data = super().clean()
        leader = data.get("leader")
        if leader is not None:
            problems = leader_conflicts(leader, self.duty.date, excluding=[self.duty.pk])
            self.refuse_conflicts(problems, "leader")
        return data


class PublishForm(forms.Form):
    """What to publish (a month, a roster or, with neither, the whole year), and for a
    provisional year the confirmation that its dates may still move."""

    month = forms.IntegerField(min_value=1, max_value=12, required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=[("", ""), *Duty.Kind.choices], required=False, widget=forms.HiddenInput
    )
    confirm_provisional = forms.BooleanField(
        label=_(
            "I understand: the official holiday arrangement for this year is not known yet, "
            "and published dates may have to move."
        ),
        required=False,
    )


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["leader", "kind", "start", "end", "note"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day cannot come before the first day."))
        return data


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = CalendarCorrection
        fields = ["day", "is_working_day", "note"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}
        labels = {"is_working_day": _("This day is a working day (untick: a day off)")}
        help_texts = {
            "note": _(
                "Published: when a duty day moves because of this day, the public page gives "
                "the note as the reason (“April 12 is <note>; moved to April 13”). Write it "
                "for the public, e.g. the name of the holiday."
            )
        }


class ConfirmYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEARS[0], max_value=YEARS[-1])
    note = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("E.g. the State Council's notice of the year's holiday arrangement."),
    )


class SiteSettingsForm(forms.ModelForm):
    class Meta:
        model = SiteSettings
        fields = ["makeup_days_carry_duty"]


class PlaceForm(VersionedForm):
    """What the public page and the calendars say about a place."""

    name = forms.CharField(label=_("Place name"), max_length=100)
    address = forms.CharField(
        label=_("Street address"),
        max_length=200,
        required=False,
        help_text=_("Shown on the public page and in the calendar events."),
    )
    phone = forms.CharField(label=_("Public phone"), max_length=30, required=False)
    opens_at = forms.TimeField(
        label=_("Reception starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label=_("Reception ends at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("With both times set, calendar events show the hours, not the whole day."),
    )
    map_url = forms.URLField(
        label=_("Map link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web map page showing the place (https://...), shown on the public page."),
    )

    def __init__(self, *args, place: Place, **kwargs):
        self.place = place
        initial = {name: getattr(place, name) for name in PLACE_FIELDS}
        kwargs.setdefault("initial", {**initial, "version": place.version})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if (opens is None) != (closes is None) and not self.has_error("opens_at"):
            self.add_error(
                "closes_at" if closes is None else "opens_at",
                _("Give both times of the reception hours, or neither."),
            )
        elif opens is not None and closes is not None and opens >= closes:
            self.add_error("closes_at", _("The reception must end after it starts."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLACE_FIELDS}

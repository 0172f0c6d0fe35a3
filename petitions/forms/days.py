"""The record of a duty day: who attended, how many came, what was decided, the follow-up tasks
and (on a visit day) the places visited and the problems found. The rules of writing it are in
``schedules/day_records.py``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.access import STAFF_ROLES
from schedules.day_records import FindingEntry, FollowUpEntry
from schedules.models import DayRecord, District, Duty, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    leader_attended = forms.BooleanField(label=_("The leader attended"), required=False)
    contact_attended = forms.BooleanField(label=_("The contact person attended"), required=False)
    sections = forms.ModelMultipleChoiceField(
        Unit.objects.filter(kind=Unit.Kind.SECTION),
        label=_("Sections that attended"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_present = forms.CharField(label=_("Others present"), max_length=200, required=False)
    people_count = forms.IntegerField(label=_("People who came"), min_value=0, max_value=99999)
    group_count = forms.IntegerField(
        label=_("Groups"),
        min_value=0,
        max_value=9999,
    )
    decisions = forms.CharField(
        label=_("Decided on the spot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    places_visited = forms.CharField(
        label=_("Places visited"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, duty: Duty, record: DayRecord | None, **kwargs):
        self.duty = duty
        if record is None:
            initial = {"version": 0, "leader_attended": True, "contact_attended": True}
            initial["people_count"] = initial["group_count"] = 0
        else:
            initial = {name: getattr(record, name) for name in self.base_fields}
            initial["version"] = record.version
            initial["sections"] = list(record.sections.all())
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["group_count"].help_text = _(
            "Group petitions among them (%(size)d or more people together)."
        ) % {"size": settings.GROUP_PETITION_SIZE}
        if duty.kind != Duty.Kind.VISIT:
            del self.fields["places_visited"]

    def clean(self):
        data = super().clean()
        people, groups = data.get("people_count"), data.get("group_count")
        size = settings.GROUP_PETITION_SIZE
        if people is not None and groups is not None and groups * size > people:
            self.add_error(
                "group_count",
                _("More groups than the people who came allow: a group has at least %(size)d.")
                % {"size": size},
            )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        names = [n for n in self.fields if n not in ("version", "sections")]
        return {name: data[name] for name in names}


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


def staff():
    """Who may own a follow-up task: active users holding a staff role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("username")
    )


class FollowUpForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    task = forms.CharField(label=_("Task"), max_length=300)
    owner = StaffChoiceField(queryset=get_user_model().objects.none(), label=_("Owner"))
    due = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff()

    def entry(self) -> FollowUpEntry:
        data = self.cleaned_data
        return FollowUpEntry(
            pk=data.get("id"),
            task=data.get("task", ""),
            owner=data.get("owner"),
            due=data.get("due"),
            remove=bool(data.get("DELETE")),
        )


class FindingForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.CharField(label=_("Where"), max_length=200)
    district = forms.ChoiceField(
        label=_("District or county"),
        choices=[("", "—"), *District.choices],
        required=False,
    )
    problem = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.CharField(
        label=_("Raised by"),
        max_length=50,
        required=False,
        help_text=_("The resident who raised it, if any."),
    )

    def entry(self) -> FindingEntry:
        data = self.cleaned_data
        return FindingEntry(
            pk=data.get("id"),
            place=data.get("place", ""),
            district=data.get("district", ""),
            problem=data.get("problem", ""),
            raised_by=data.get("raised_by", ""),
            remove=bool(data.get("DELETE")),
        )


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=2, can_delete=True, max_num=50)
FindingFormSet = forms.formset_factory(FindingForm, extra=2, can_delete=True, max_num=50)


def entries(formset) -> list:
    """What the filled-in rows of a formset say (empty extra rows are skipped)."""
    return [
        form.entry()
        for form in formset.forms
        if form.has_changed()
        and form.cleaned_data
        and not (form.cleaned_data.get("DELETE") and not form.cleaned_data.get("id"))
    ]

"""Forms of appointments: the citizen's booking and look-up, the office's decisions and the
day's places. They check and normalise; the rules are ``petitions/appointments.py``'s."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from petitions.forms.cases import MAX_REPRESENTATIVES, REPRESENTATIVE_SEPARATORS
from petitions.identity import normalize_phone
from petitions.models import Category, Classification
from petitions.numbers import parse_number
from schedules import appointment_days
from schedules.models import District

MATTER_MAX = 1000
MAX_PEOPLE = 200
OTHER_MATTER = Category.NOT_ACCEPTED.value


def mobile_phone(value: str) -> str:
    """A mainland mobile number in E.164: the office answers by text message."""
    phone = normalize_phone(value)
    number = phonenumbers.parse(phone)
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if phonenumbers.number_type(number) not in mobile:
        raise ValidationError(
            _("Enter a mobile phone number, such as 13800138000: we answer by text message."),
            code="not_mobile",
        )
    return phone


def category_choices():
    return [
        *[(value, label) for value, label in Category.choices if value != OTHER_MATTER],
        (OTHER_MATTER, _("None of these")),
    ]


class BookingForm(forms.Form):
    """What a citizen gives to book a place on a reception day."""

    name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        help_text=_("The office confirms or declines your appointment by text message."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    district = forms.ChoiceField(label=_("District or county"), choices=District.choices)
    location = forms.CharField(
        label=_("Where is the problem?"),
        max_length=200,
        help_text=_("An address or a place others can find."),
    )
    matter = forms.CharField(
        label=_("Your matter, in a few sentences"),
        max_length=MATTER_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MATTER_MAX}),
    )
    category = forms.ChoiceField(
        label=_("Which kind of matter is it?"),
        choices=category_choices,
        widget=forms.RadioSelect,
    )
    slot = forms.ChoiceField(label=_("Time"), required=False, choices=())
    people_count = forms.IntegerField(
        label=_("How many people will come?"), min_value=1, max_value=MAX_PEOPLE, initial=1
    )
    representatives = forms.CharField(
        label=_("Names of the representatives"),
        max_length=200,
        required=False,
        help_text=_("Six or more people: name at most five representatives who will come."),
    )
    petitioned_before = forms.BooleanField(
        label=_("I have petitioned about this matter before"), required=False
    )
    earlier_case_number = forms.CharField(
        label=_("Earlier case number, if you know it"),
        max_length=40,
        required=False,
        help_text=_("As printed on your receipt, for example 朝环信〔2025〕0007."),
    )

    def __init__(self, *args, slots: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if slots:
            self.fields["slot"].choices = [(slot, slot) for slot in slots]
            self.fields["slot"].required = True
            self.fields["slot"].widget = forms.RadioSelect(choices=self.fields["slot"].choices)
        else:
            del self.fields["slot"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        return mobile_phone(self.cleaned_data["phone"])

    def clean_representatives(self) -> str:
        names = [
            n for n in REPRESENTATIVE_SEPARATORS.split(self.cleaned_data["representatives"]) if n
        ]
        if len(names) > MAX_REPRESENTATIVES:
            raise ValidationError(
                _("Name at most %(max)d representatives; %(count)d were given."),
                code="too_many_representatives",
                params={"max": MAX_REPRESENTATIVES, "count": len(names)},
            )
        return "、".join(names)

    def clean_earlier_case_number(self) -> str:
        value = self.cleaned_data["earlier_case_number"].strip()
        if value and parse_number(value) is None:
            raise ValidationError(
                _("This is not a case number; leave it empty if you do not know it."),
                code="case_number",
            )
        return value

    def clean(self):
        data = super().clean()
        people = data.get("people_count") or 1
        if people > MAX_REPRESENTATIVES and not data.get("representatives"):
            self.add_error(
                "representatives",
                _("%(count)d people will come: name at most five representatives.")
                % {"count": people},
            )
        if data.get("earlier_case_number") and not data.get("petitioned_before"):
            data["petitioned_before"] = True
        return data

    @property
    def is_other_matter(self) -> bool:
        """The matter is none of the four kinds taken up on a reception day."""
        return self.cleaned_data.get("category") == OTHER_MATTER

    def booking_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("slot", "")
        return data


class FindBookingForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Booking code"),
        max_length=32,
        help_text=_("The eight letters and digits you were given when you booked."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_phone(self) -> str:
        return mobile_phone(self.cleaned_data["phone"])


class DecisionForm(forms.Form):
    """The office's confirm or decline of one booking, with the version it saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=300,
        required=False,
        help_text=_("Sent to the citizen by text message."),
    )


def classification_for(category: str) -> str:
    """The likely classification of a booked matter (the clerk may change it)."""
    return Classification.SUGGESTION if category == Category.SUGGESTION else Classification.CLAIM


class RegisterForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)


class PlacesForm(forms.Form):
    """The places and time slots of a reception day."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    places = forms.IntegerField(
        label=_("Places"),
        min_value=0,
        max_value=200,
        help_text=_("How many appointments the day takes; 0 takes none."),
    )
    slots = forms.CharField(
        label=_("Time slots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, e.g. 09:00-10:00; empty: the citizen comes during the hours."),
    )

    def clean_slots(self) -> list[str]:
        return appointment_days.parse_slots(self.cleaned_data["slots"])

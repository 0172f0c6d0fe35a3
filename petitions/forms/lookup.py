"""Forms of the public case lookup: the receipt's number and query code, and the rating."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.models import Satisfaction


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("As printed on your receipt, for example 朝环信〔2025〕0007."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=32,
        help_text=_("The eight letters and digits next to the number."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000, "class": "form-control"}),
    )

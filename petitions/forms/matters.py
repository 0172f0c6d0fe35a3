"""The matter's pollution types, sub-types and industry: fields the desk form takes in, and
the office's later correction (``MattersForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.matters import Industry, PollutionSubtype, PollutionType


class MatterFields(forms.Form):
    """Pollution types and sub-types (several) and the industry, each optional."""

    pollution_types = forms.ModelMultipleChoiceField(
        label=_("Pollution type"),
        queryset=PollutionType.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 7}),
    )
    pollution_subtypes = forms.ModelMultipleChoiceField(
        label=_("Pollution sub-type"),
        queryset=PollutionSubtype.objects.none(),
        required=False,
        help_text=_("A sub-type adds its type."),
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pollution_types"].queryset = PollutionType.objects.filter(active=True)
        self.fields["pollution_subtypes"].queryset = PollutionSubtype.objects.filter(
            active=True
        ).select_related("pollution_type")
        self.fields["industry"].queryset = Industry.objects.filter(active=True)

    def matters(self) -> dict:
        """The types (with those of the chosen sub-types), the sub-types and the industry."""
        data = self.cleaned_data
        subtypes = list(data.get("pollution_subtypes") or [])
        types = {*(data.get("pollution_types") or []), *(s.pollution_type for s in subtypes)}
        return {"types": types, "subtypes": subtypes, "industry": data.get("industry")}


class MattersForm(MatterFields):
    """The office classifies a case later (or corrects it); ``version``: the case as shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, case, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "pollution_types": list(case.pollution_types.all()),
                "pollution_subtypes": list(case.pollution_subtypes.all()),
                "industry": case.industry_id,
                "version": case.version,
            },
        )
        super().__init__(*args, **kwargs)

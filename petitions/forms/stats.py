"""The statistics page's period chooser (GET): a month, a quarter, a year or any range."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.forms.widgets import QuickSelect
from petitions.statistics import Period
from schedules.workdays import YEARS

MAX_RANGE_DAYS = 366 * 6


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("year", _("Year")),
            ("range", _("Date range")),
        ],
        required=False,
        widget=QuickSelect,
    )
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(m, str(m)) for m in range(1, 13)],
        widget=QuickSelect,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        widget=QuickSelect,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        years = [y for y in range(today.year, today.year - 11, -1) if y in YEARS]
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == "range":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give the first and the last day of the range."))
            if start > end:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError(_("Choose a range of at most six years."))
        return data

    def period(self) -> Period:
        """The chosen period; the current month when nothing (valid) was chosen."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year = data.get("year") or self.today.year
        kind = data.get("kind") or "month"
        if kind == "year":
            return Period.year(year)
        if kind == "quarter":
            return Period.quarter(year, data.get("quarter") or (self.today.month - 1) // 3 + 1)
        if kind == "range":
            return Period("range", data["start"], data["end"])
        return Period.month(year, data.get("month") or self.today.month)

"""The register's (台账) filter form: its fields, its layout, and its HTML from the cache.

The form checks the query string and gives the filters that validated (a bad field is ignored
and shown); which cases those filters select is ``petitions/register.py``, the sort orders are
``petitions/paging.py``.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from petitions.caching import cached_form_html, unit_and_leader_choices
from petitions.finding import read_terms
from petitions.models import Category, Channel, Classification, Satisfaction, State
from petitions.paging import SORTS
from petitions.register import ANY_LEADER, NOT_RATED
from petitions.statistics import FIGURES
from schedules.models import District

PAGE_SIZES = (20, 50, 100)
FIGURE_CHOICES = [("", ""), *((name, name) for name in FIGURES if name != "total")]
DEFAULT_SORT = "-received"


def _with_all(choices) -> list[tuple[Any, str]]:
    return [("", gettext_lazy("All")), *choices]


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): every field optional, a bad field is ignored and shown."""

    q = forms.CharField(
        label=gettext_lazy("Search: number, name, phone, ID number or words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "2026-14 / 王某某 / 噪音"}
        ),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    classification = forms.ChoiceField(label=gettext_lazy("Classification"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District or county"), required=False)
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Handling unit"), required=False, coerce=int, empty_value=None
    )
    leader = forms.TypedChoiceField(
        label=gettext_lazy("Receiving leader"), required=False, coerce=int, empty_value=None
    )
    received_from = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=gettext_lazy("Received until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline = forms.ChoiceField(label=gettext_lazy("Time limit"), required=False)
    repeat = forms.BooleanField(label=gettext_lazy("Repeat petitions only"), required=False)
    group = forms.BooleanField(label=gettext_lazy("Group petitions only"), required=False)
    skipped_level = forms.BooleanField(
        label=gettext_lazy("Skipped a level (越级) only"), required=False
    )
    in_litigation = forms.BooleanField(
        label=gettext_lazy("In litigation (涉诉) only"), required=False
    )
    first_petition = forms.BooleanField(
        label=gettext_lazy("First petitions (初信初访) only"), required=False
    )
    satisfaction = forms.ChoiceField(label=gettext_lazy("Petitioner's feedback"), required=False)
    in_charge = forms.ChoiceField(label=gettext_lazy("Leader in charge (包案)"), required=False)
    supervision_overdue = forms.BooleanField(
        label=gettext_lazy("Supervision reply overdue (督办)"), required=False
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    # The statistics page's links (petitions/stats_queries.py: statistics_filters).
    pollution = forms.RegexField(r"^(none|\d{1,9})$", required=False, widget=forms.HiddenInput)
    subtype = forms.RegexField(r"^(none|\d{1,9})$", required=False, widget=forms.HiddenInput)
    industry = forms.RegexField(r"^(none|\d{1,9})$", required=False, widget=forms.HiddenInput)
    figure = forms.ChoiceField(required=False, choices=FIGURE_CHOICES, widget=forms.HiddenInput)
    per_page = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units, leaders = unit_and_leader_choices()
        fields = self.fields
        fields["state"].choices = _with_all(State.choices)
        fields["category"].choices = _with_all(Category.choices)
        fields["classification"].choices = _with_all(Classification.choices)
        fields["channel"].choices = _with_all(Channel.choices)
        fields["district"].choices = _with_all(District.choices)
        fields["unit"].choices = _with_all(units)
        fields["leader"].choices = _with_all(leaders)
        fields["satisfaction"].choices = _with_all(
            [*Satisfaction.choices, (NOT_RATED, _("Not rated"))]
        )
        fields["in_charge"].choices = _with_all(
            [(ANY_LEADER, _("Any leader")), *((str(pk), name) for pk, name in leaders)]
        )
        fields["deadline"].choices = _with_all(
            [
                ("overdue", _("Overdue")),
                (
                    "due_soon",
                    ngettext(
                        "Due within %(days)d day",
                        "Due within %(days)d days",
                        settings.DUE_SOON_DAYS,
                    )
                    % {"days": settings.DUE_SOON_DAYS},
                ),
            ]
        )
        fields["sort"].choices = [(key, sort.label) for key, sort in SORTS.items()]

    def build_helper(self) -> FormHelper:
        """The crispy layout: only needed when the form's HTML is not in the cache."""
        helper = FormHelper()
        helper.form_method = "get"
        helper.form_id = "register-filter"
        helper.attrs = {"role": "search", "aria-label": _("Filter the register")}
        helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("state", css_class="col-md-2"),
                Column("classification", css_class="col-md-2"),
                Column("category", css_class="col-md-4"),
            ),
            Row(
                Column("channel", css_class="col-md-2"),
                Column("district", css_class="col-md-2"),
                Column("unit", css_class="col-md-3"),
                Column("leader", css_class="col-md-3"),
                Column("deadline", css_class="col-md-2"),
            ),
            Row(
                Column("in_charge", css_class="col-md-3"),
                Column("satisfaction", css_class="col-md-2"),
                Column("skipped_level", "in_litigation", css_class="col-md-3"),
                Column("first_petition", "supervision_overdue", css_class="col-md-4"),
            ),
            Row(
                Column("received_from", css_class="col-md-2"),
                Column("received_to", css_class="col-md-2"),
                Column("repeat", "group", css_class="col-md-2"),
                Column("sort", css_class="col-md-3"),
                Column(
                    "per_page", "pollution", "subtype", "industry", "figure", css_class="col-md-1"
                ),
                Column(
                    HTML(
                        format_html(
                            '<button type="submit" class="btn btn-primary mt-md-4">{}</button> '
                            '<a class="btn btn-link mt-md-4" href="?">{}</a>',
                            _("Show"),
                            _("Clear filters"),
                        )
                    ),
                    css_class="col-md-2",
                ),
            ),
        )
        return helper

    def clean_q(self) -> str:
        term = self.cleaned_data.get("q", "").strip()
        if term and not read_terms(term):
            raise forms.ValidationError(
                _("Enter at least two characters to search (for example 噪音 or 异味)."),
                code="too_short",
            )
        return term

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end of the period is before its start."))
            data.pop("received_to", None)
        return data


def read_filters(query: QueryDict) -> tuple[RegisterFilterForm, dict[str, Any]]:
    """The filter form bound to the query string, and the filters that validated.

    The filters always carry a known ``sort`` and ``per_page``; a time-limit filter without a
    sort reads most urgent first.
    """
    query = query.copy()
    if query.get("deadline") and not query.get("sort"):
        query["sort"] = "due"  # overdue and due-soon lists read most urgent first
    form = RegisterFilterForm(query or None)
    if form.is_bound:
        form.is_valid()
        data = dict(form.cleaned_data)
    else:
        data = {}
    if data.get("sort") not in SORTS:
        data["sort"] = DEFAULT_SORT
    if data.get("per_page") not in PAGE_SIZES:
        data["per_page"] = PAGE_SIZES[0]
    return form, data


def render_filter_form(form: RegisterFilterForm, query: QueryDict) -> SafeString:
    """The filter form's HTML, from the cache when this language and these values had it.

    Crispy renders a form of fifteen fields in about 12 ms, more than a whole page may take.
    """
    html = cached_form_html(query, lambda: render_crispy_form(form, helper=form.build_helper()))
    return mark_safe(html)  # crispy escapes every value it renders

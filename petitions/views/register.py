"""The register (台账) of cases: the list view, its filter form, and the export view.

This module holds what a request to the register needs: who may see it, the filter form
(cached choices and HTML), the filtered queryset, the table's rows and the views ``case_list``
and ``case_export``. The keyset paging and the sort orders are in ``petitions/paging.py``, the
building of the export files in ``petitions/exports.py``: each has its own purpose and none
imports this module.

Built to stay fast with a million cases (``make bench``):

* Keyset pagination (``petitions.paging``): "next" and "previous", found by one index seek
  however deep in the list, never "page 7 of N".
* One query per page: the foreign keys shown are joined, the large columns (text, bigrams,
  encrypted data) are left out, and the unit and leader choices of the filter form come from
  the process's memory (``petitions/register_cache.py``), so session + user + page stay
  within three queries.
* Search goes through ``petitions.search`` (bigrams and a GIN index), never a bare ``icontains``.
"""

from __future__ import annotations

import datetime
from html import escape as quote
from types import SimpleNamespace
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from accounts.access import STAFF_ROLES
from accounts.roles import roles_of
from petitions import exports, register_cache
from petitions.access import WITHHELD, may_reveal, sees_identity
from petitions.models import Case, Category, Channel, Classification, State
from petitions.paging import SORTS, fetch_page
from petitions.search import search as search_cases
from petitions.search import searchable_words
from schedules.models import District

PAGE_SIZES = (20, 50, 100)

# The columns a page of the register needs: the text, bigrams and encrypted data stay behind.
LIST_FIELDS = (
    "id",
    "number",
    "year",
    "sequence",
    "received_at",
    "petitioner_name",
    "is_group",
    "is_repeat",
    "district",
    "title",
    "classification",
    "state",
    "identity_released",
    "leader_id",
    "unit_id",
    "acceptance_due",
    "due_date",
    "unit__name",
    "leader__name",
)


class ListedCase(SimpleNamespace):
    """A case as a page of the register reads it: plain values, the model's own rules.

    Building a hundred model instances (and their units and leaders) costs more than the
    page's query; the time-limit rules are the model's methods, borrowed unchanged.
    """

    days_left = Case.days_left
    is_overdue = Case.is_overdue
    due_status = Case.due_status

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> ListedCase:
        return cls(pk=values["id"], **values)


# --------------------------------------------------------------------------- who sees what


def register_roles(user) -> set[str]:
    """The user's roles, or 403 for a signed-in user who holds none."""
    roles = roles_of(user)
    if not roles & set(STAFF_ROLES):
        raise PermissionDenied
    return roles


# --------------------------------------------------------------------------- the filter form


def render_filter_form(form: RegisterFilterForm, query: QueryDict) -> str:
    """The filter form's HTML, kept per language and filter values (``register_cache``).

    The HTML depends only on the language, the values in the query string (paging cursors
    aside) and the unit and leader lists: paging through one filtered list, or coming back to
    a common filter, renders it once.
    """
    values = sorted((k, v) for k, vs in query.lists() if k not in ("after", "before") for v in vs)
    html = register_cache.form_html(
        values, lambda: render_crispy_form(form, helper=form.build_helper())
    )
    return mark_safe(html)  # crispy escapes every value it renders


def _with_all(choices) -> list[tuple[Any, str]]:
    return [("", gettext_lazy("All")), *choices]


DEFAULT_SORT = "-received"


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): every field optional, a bad field is ignored and shown."""

    q = forms.CharField(
        label=gettext_lazy("Search title and text"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "噪音 / 异味"}),
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
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    per_page = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units, leaders = register_cache.unit_and_leader_choices()
        fields = self.fields
        fields["state"].choices = _with_all(State.choices)
        fields["category"].choices = _with_all(Category.choices)
        fields["classification"].choices = _with_all(Classification.choices)
        fields["channel"].choices = _with_all(Channel.choices)
        fields["district"].choices = _with_all(District.choices)
        fields["unit"].choices = _with_all(units)
        fields["leader"].choices = _with_all(leaders)
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
                Column("received_from", css_class="col-md-2"),
                Column("received_to", css_class="col-md-2"),
                Column("repeat", "group", css_class="col-md-2"),
                Column("sort", css_class="col-md-3"),
                Column("per_page", css_class="col-md-1"),
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
        if term and not searchable_words(term):
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


# --------------------------------------------------------------------------- the list


def start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day``, aware: compares with the indexed column as is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_cases(user, data: dict) -> QuerySet:
    """The cases the user may see, narrowed by the form's valid filters (not yet ordered)."""
    cases = Case.objects.visible_to(user)
    for field in ("state", "category", "classification", "channel", "district"):
        if data.get(field):
            cases = cases.filter(**{field: data[field]})
    if data.get("unit"):
        cases = cases.filter(unit_id=data["unit"])
    if data.get("leader"):
        cases = cases.filter(leader_id=data["leader"])
    if data.get("received_from"):
        cases = cases.filter(received_at__gte=start_of(data["received_from"]))
    if data.get("received_to") and data["received_to"] < datetime.date.max:
        end = data["received_to"] + datetime.timedelta(days=1)
        cases = cases.filter(received_at__lt=start_of(end))
    today = timezone.localdate()
    if data.get("deadline") == "overdue":
        cases = cases.overdue(today)
    elif data.get("deadline") == "due_soon":
        cases = cases.due_soon(today, settings.DUE_SOON_DAYS)
    if data.get("repeat"):
        cases = cases.filter(is_repeat=True)
    if data.get("group"):
        cases = cases.filter(is_group=True)
    if data.get("q"):
        cases = search_cases(cases, data["q"])
    return cases


def read_filters(request: HttpRequest) -> tuple[RegisterFilterForm, dict]:
    """The filter form bound to the query string, and the filters that validated."""
    query = request.GET.copy()
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


def days_left_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return ngettext("%(days)d day late", "%(days)d days late", -days) % {"days": -days}
    if days == 0:
        return _("Due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


def table_rows(user, cases: list[ListedCase]) -> str:
    """The table's body rows as HTML, every value escaped.

    Built here rather than in a template loop: a template resolves each cell's variables and
    translates each choice label once per cell, which costs more than the page's query.
    Labels are translated once per page instead, so 100 rows stay within the time budget.
    """
    today = timezone.localdate()
    states, districts, classifications = (
        {value: quote(str(label)) for value, label in choices.choices}
        for choices in (State, District, Classification)
    )
    # One reverse() for the page; each row's link differs only by its primary key.
    detail_url = reverse("petitions:detail", args=[987654321]).replace("987654321", "%d")
    # gettext calls stay outside the f-strings: makemessages cannot see into f-strings.
    words = {
        "repeat": quote(_("Repeat")),
        "group": quote(_("Group")),
        "acceptance": quote(_("acceptance notice due")),
        "overdue": quote(_("Overdue")),
        "due_soon": quote(_("Due soon")),
    }
    repeat = f' <span class="badge text-bg-secondary">{words["repeat"]}</span>'
    group = f' <span class="badge text-bg-secondary">{words["group"]}</span>'
    withheld = f'<span class="text-body-secondary">{quote(str(WITHHELD))}</span>'
    acceptance = f' <small class="text-body-secondary">{words["acceptance"]}</small>'
    marks = {
        "overdue": (
            ' class="table-danger"',
            f'<span class="badge text-bg-danger">{words["overdue"]}</span> ',
        ),
        "due_soon": (
            ' class="table-warning"',
            f'<span class="badge text-bg-warning">{words["due_soon"]}</span> ',
        ),
        "": ("", ""),
    }
    days_text: dict[int | None, str] = {}
    zone = timezone.get_current_timezone()
    office = may_reveal(user)  # the office sees every name: no need to ask per row
    html = []
    for case in cases:
        if case.due_date:
            due = case.due_date.isoformat()
        elif case.state == State.REGISTERED and case.acceptance_due:
            due = case.acceptance_due.isoformat() + acceptance
        else:
            due = ""
        row_class, badge = marks[case.due_status(today)]
        left = case.days_left(today)
        if left not in days_text:
            days_text[left] = quote(days_left_text(left))
        received = case.received_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        shown = office or sees_identity(user, case)
        petitioner = quote(case.petitioner_name) if shown else withheld
        badges = (repeat if case.is_repeat else "") + (group if case.is_group else "")
        html.append(
            f'<tr{row_class}><th scope="row"><a href="{detail_url % case.pk}">'
            f"{quote(case.number)}</a></th><td>{received}</td>"
            f'<td class="case-title">{quote(case.title)}{badges}</td><td>{petitioner}</td>'
            f"<td>{districts.get(case.district, '')}</td>"
            f"<td>{classifications.get(case.classification, '')}</td>"
            f"<td>{states.get(case.state, '')}</td>"
            f"<td>{quote(case.unit__name or '')}</td><td>{quote(case.leader__name or '')}</td>"
            f"<td>{due}</td><td>{badge}{days_text[left]}</td></tr>"
        )
    return mark_safe("\n".join(html))  # every value above is escaped


def _query_without(query: QueryDict, *names: str, **values: str) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    """The register: the cases the user may see, filtered, searched, sorted, a page at a time."""
    register_roles(request.user)
    form, data = read_filters(request)
    cases = filtered_cases(request.user, data).values(*LIST_FIELDS)
    page = fetch_page(
        cases,
        data["sort"],
        data["per_page"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        wrap=ListedCase.from_values,
    )
    rows = table_rows(request.user, page.rows)
    query = request.GET
    base = _query_without(query, "after", "before")
    return render(
        request,
        "petitions/register.html",
        {
            "form": form,
            "filter_form": render_filter_form(form, request.GET),
            "rows": rows,
            "sort_label": SORTS[data["sort"]].label,
            "search_term": data.get("q", ""),
            "first_url": f"?{base}" if page.previous_cursor else "",
            "next_url": f"?{_query_without(query, 'after', 'before', after=page.next_cursor)}"
            if page.next_cursor
            else "",
            "previous_url": "?"
            + _query_without(query, "after", "before", before=page.previous_cursor)
            if page.previous_cursor
            else "",
            "export_query": base,
            "due_soon_days": settings.DUE_SOON_DAYS,
        },
    )


# --------------------------------------------------------------------------- the export


@never_cache
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered register as .xlsx or CSV; unmasked exports are written to the access log."""
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    register_roles(request.user)
    _form, data = read_filters(request)
    sort = SORTS[data["sort"]]
    cases = exports.exported_cases(filtered_cases(request.user, data), sort.ordering())
    if cases is None:
        messages.error(
            request,
            _("More than %(limit)d cases match: narrow the filter to export them.")
            % {"limit": exports.EXPORT_LIMIT},
        )
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    return exports.export_response(request, cases, fmt)

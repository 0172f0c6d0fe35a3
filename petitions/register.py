"""The register (台账) of cases: filter, search, sort, page and export.

Built to stay fast with a million cases (``make bench``):

* Keyset pagination: a page is "the next N rows after this position in the sort order", found
  by one index seek, however deep in the list. A counting paginator would read every matching
  row on every page; the register therefore shows "next" and "previous", never "page 7 of N".
* One query per page: the foreign keys shown are joined, the large columns (text, bigrams,
  encrypted data) are left out, and the unit and leader choices of the filter form come from
  the cache, so session + user + page stay within three queries.
* Search goes through ``petitions.search`` (bigrams and a GIN index), never a bare ``icontains``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime
import hashlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape as quote
from types import SimpleNamespace
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    DateField,
    DateTimeField,
    Expression,
    F,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from petitions.access import WITHHELD, client_ip, may_reveal, petitioner, sees_identity
from petitions.models import (
    DUE_KEY,
    NO_DUE_DATE,
    AccessLog,
    Case,
    Category,
    Channel,
    Classification,
    State,
)
from petitions.search import search as search_cases
from petitions.search import searchable_words
from schedules.models import District, Leader, Unit
from schedules.permissions import STAFF_ROLES
from schedules.roles import roles_of

PAGE_SIZES = (20, 50, 100)
# An export is a report, not a backup: past this many rows the user narrows the filter.
EXPORT_LIMIT = 10_000
CHOICES_CACHE_SECONDS = 300
FORM_CACHE_SECONDS = 3600

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


def cache_key(name: str) -> str:
    """A cache key of the register, per database: a shared cache may serve several."""
    return f"petitions:register:{connection.settings_dict['NAME']}:{name}"


def _unit_and_leader_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Units and leaders for the filter form, cached: they change rarely, pages come often."""
    cached = cache.get(cache_key("choices"))
    if cached is None:
        units = list(Unit.objects.order_by("kind", "name").values_list("pk", "name"))
        leaders = [
            (pk, f"{name}（{position}）")
            for pk, name, position in Leader.objects.order_by("rotation_order", "name").values_list(
                "pk", "name", "position"
            )
        ]
        cached = (units, leaders)
        cache.set(cache_key("choices"), cached, CHOICES_CACHE_SECONDS)
    return cached


@receiver(post_save, sender=Unit, dispatch_uid="register_units_saved")
@receiver(post_delete, sender=Unit, dispatch_uid="register_units_deleted")
@receiver(post_save, sender=Leader, dispatch_uid="register_leaders_saved")
@receiver(post_delete, sender=Leader, dispatch_uid="register_leaders_deleted")
def _forget_choices(**kwargs) -> None:
    cache.delete_many([cache_key("choices"), cache_key("form-version")])


def render_filter_form(form: RegisterFilterForm, query: QueryDict) -> str:
    """The filter form's HTML, cached per language and filter values.

    Crispy renders a form of fifteen fields in about 12 ms, more than a whole page may take.
    The HTML depends only on the language, the values in the query string (paging cursors
    aside) and the unit and leader lists: paging through one filtered list, or coming back to
    a common filter, renders it once.
    """
    values = sorted((k, v) for k, vs in query.lists() if k not in ("after", "before") for v in vs)
    version = cache.get_or_set(cache_key("form-version"), time.time_ns, None)
    raw = json.dumps([get_language(), version, values], ensure_ascii=False)
    key = cache_key("form:" + hashlib.sha256(raw.encode()).hexdigest())
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(form, helper=form.build_helper())
        cache.set(key, html, FORM_CACHE_SECONDS)
    return mark_safe(html)  # crispy escapes every value it renders


def _with_all(choices) -> list[tuple[Any, str]]:
    return [("", gettext_lazy("All")), *choices]


@dataclass(frozen=True)
class Sort:
    """One sort order of the register, and the keyset that pages through it."""

    label: Any
    keys: tuple[str, ...]  # "received_at", "id", "due_key", "year", "sequence"
    descending: bool

    def expressions(self) -> list[Expression]:
        return [KEY_EXPRESSIONS[key]() for key in self.keys]

    def ordering(self, reverse: bool = False) -> list[Any]:
        descending = self.descending != reverse
        return [e.desc() if descending else e.asc() for e in self.expressions()]

    def values_of(self, case: Case) -> list[Any]:
        return [KEY_VALUES[key](case) for key in self.keys]


KEY_EXPRESSIONS = {
    "received_at": lambda: F("received_at"),
    "id": lambda: F("id"),
    "due_key": lambda: DUE_KEY,  # the very expression of the model's index
    "year": lambda: F("year"),
    "sequence": lambda: F("sequence"),
}
KEY_VALUES = {
    "received_at": lambda case: case.received_at,
    "id": lambda case: case.pk,
    "due_key": lambda case: case.due_date or NO_DUE_DATE,
    "year": lambda case: case.year,
    "sequence": lambda case: case.sequence,
}
KEY_FIELDS = {
    "received_at": DateTimeField,
    "id": BigIntegerField,
    "due_key": DateField,
    "year": IntegerField,
    "sequence": IntegerField,
}
KEY_PARSERS = {
    "received_at": datetime.datetime.fromisoformat,
    "id": int,
    "due_key": datetime.date.fromisoformat,
    "year": int,
    "sequence": int,
}

SORTS = {
    "-received": Sort(gettext_lazy("Received, newest first"), ("received_at", "id"), True),
    "received": Sort(gettext_lazy("Received, oldest first"), ("received_at", "id"), False),
    "due": Sort(gettext_lazy("Due date, earliest first"), ("due_key", "id"), False),
    "-due": Sort(gettext_lazy("Due date, latest first"), ("due_key", "id"), True),
    "-number": Sort(gettext_lazy("Case number, highest first"), ("year", "sequence"), True),
    "number": Sort(gettext_lazy("Case number, lowest first"), ("year", "sequence"), False),
}
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
        units, leaders = _unit_and_leader_choices()
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
                        '{% load i18n %}<button type="submit" class="btn btn-primary mt-md-4">'
                        '{% translate "Show" %}</button> <a class="btn btn-link mt-md-4" '
                        'href="?">{% translate "Clear filters" %}</a>'
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


# --------------------------------------------------------------------------- keyset paging


class RowCompare(Expression):
    """``(a, b) < (x, y)``: a row comparison PostgreSQL answers with one index seek.

    Written out because ``a < x OR (a = x AND b < y)`` is not used as an index condition.
    """

    conditional = True

    def __init__(self, lhs: list[Expression], operator: str, rhs: list[Value]) -> None:
        if operator not in ("<", ">"):
            raise ValueError(operator)
        super().__init__(output_field=BooleanField())
        self.lhs, self.operator, self.rhs = list(lhs), operator, list(rhs)

    def get_source_expressions(self) -> list[Expression]:
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        self.lhs, self.rhs = list(exprs[: len(self.lhs)]), list(exprs[len(self.lhs) :])

    def as_sql(self, compiler, connection) -> tuple[str, list[Any]]:
        sides, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expression in side:
                sql, expression_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(expression_params)
            sides.append(f"({', '.join(parts)})")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def encode_cursor(sort_key: str, values: list[Any]) -> str:
    """A position in the list, for the URL: the sort and the sort key of one row."""
    plain = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
    raw = json.dumps([sort_key, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort_key: str, token: str) -> list[Any] | None:
    """The position in ``token``, or ``None`` if it is malformed or for another sort order."""
    if not token or len(token) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if not isinstance(data, list) or data[0] != sort_key:
            return None
        keys = SORTS[sort_key].keys
        if len(data) != len(keys) + 1:
            return None
        values = [KEY_PARSERS[key](value) for key, value in zip(keys, data[1:], strict=True)]
    except (ValueError, TypeError, IndexError, binascii.Error, UnicodeDecodeError):
        return None
    if any(isinstance(v, datetime.datetime) and timezone.is_naive(v) for v in values):
        return None
    return values


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def fetch_page(
    queryset: QuerySet,
    sort_key: str,
    size: int,
    after: str = "",
    before: str = "",
    wrap: Callable[[Any], Any] | None = None,
) -> Page:
    """One page of ``queryset`` in the given sort, after or before a cursor: one query.

    ``wrap`` turns each fetched row (e.g. a ``values()`` dict) into what the page shows.
    """
    sort = SORTS[sort_key]
    keys = sort.expressions()

    def position(values: list[Any], later: bool) -> RowCompare:
        operator = "<" if sort.descending == later else ">"
        rhs = [
            Value(value, output_field=KEY_FIELDS[key]())
            for key, value in zip(sort.keys, values, strict=True)
        ]
        return RowCompare(keys, operator, rhs)

    before_values = decode_cursor(sort_key, before)
    if before_values is not None:
        queryset = queryset.filter(position(before_values, later=False))
        rows = list(queryset.order_by(*sort.ordering(reverse=True))[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = True
    else:
        after_values = decode_cursor(sort_key, after)
        if after_values is not None:
            queryset = queryset.filter(position(after_values, later=True))
        rows = list(queryset.order_by(*sort.ordering())[: size + 1])
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after_values is not None
    if wrap is not None:
        rows = [wrap(row) for row in rows]
    return Page(
        rows=rows,
        next_cursor=encode_cursor(sort_key, sort.values_of(rows[-1]))
        if rows and more_after
        else None,
        previous_cursor=encode_cursor(sort_key, sort.values_of(rows[0]))
        if rows and more_before
        else None,
    )


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
    if data.get("received_to"):
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
    repeat = f' <span class="badge text-bg-secondary">{quote(_("Repeat"))}</span>'
    group = f' <span class="badge text-bg-secondary">{quote(_("Group"))}</span>'
    withheld = f'<span class="text-body-secondary">{quote(str(WITHHELD))}</span>'
    acceptance = f' <small class="text-body-secondary">{quote(_("acceptance notice due"))}</small>'
    marks = {
        "overdue": (
            ' class="table-danger"',
            f'<span class="badge text-bg-danger">{quote(_("Overdue"))}</span> ',
        ),
        "due_soon": (
            ' class="table-warning"',
            f'<span class="badge text-bg-warning">{quote(_("Due soon"))}</span> ',
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


# --------------------------------------------------------------------------- exports


def _safe(value: Any) -> Any:
    """Keep spreadsheet programs from running a cell as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Local time without tzinfo: spreadsheets cannot store time zones."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def export_columns() -> list[str]:
    return [
        _("Case number"),
        _("Received at"),
        _("Channel"),
        _("Petitioner"),
        _("Phone"),
        _("Resident ID number"),
        _("Petitioner's address"),
        _("Number of people"),
        _("Group petition"),
        _("District or county"),
        _("Where the problem is"),
        _("Title"),
        _("Category"),
        _("Classification"),
        _("State"),
        _("Handling unit"),
        _("Receiving leader"),
        _("Accepted at"),
        _("Due date"),
        _("Days left"),
        _("Answered at"),
        _("Petitioner's feedback"),
        _("Repeat petition"),
    ]


def export_row(case: Case, user, unmasked: bool, today: datetime.date) -> list[Any]:
    """One case as spreadsheet cells, its petitioner shown as the user may see them."""
    who = petitioner(user, case, unmasked=unmasked)
    yes, no = _("yes"), _("no")
    row = [
        case.number,
        _local(case.received_at),
        case.get_channel_display(),
        who.name,
        "" if who.withheld else who.phone,
        "" if who.withheld else who.id_number,
        "" if who.withheld else who.address,
        case.people_count,
        yes if case.is_group else no,
        case.get_district_display(),
        case.location,
        case.title,
        case.get_category_display(),
        case.get_classification_display(),
        case.get_state_display(),
        case.unit.name if case.unit else "",
        case.leader.name if case.leader else "",
        _local(case.accepted_at),
        case.due_date,
        case.days_left(today),
        _local(case.answered_at),
        case.get_satisfaction_display() if case.satisfaction else "",
        yes if case.is_repeat else no,
    ]
    return [_safe(cell) for cell in row]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                cell.strftime("%Y-%m-%d %H:%M") if isinstance(cell, datetime.datetime) else cell
                for cell in row
            ]
        )
    # The byte-order mark makes Excel read the file as UTF-8 (Chinese text otherwise garbles).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Register"))
    bold = Font(bold=True)
    heading = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_FORMATS = {
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (_csv, "text/csv; charset=utf-8"),
}


@never_cache
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered register as .xlsx or CSV; unmasked exports are written to the access log."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    register_roles(request.user)
    _form, data = read_filters(request)
    sort = SORTS[data["sort"]]
    cases = list(
        filtered_cases(request.user, data)
        .select_related("unit", "leader")
        .defer("content", "search_bigrams", "answer", "instructions", "query_code")
        .order_by(*sort.ordering())[: EXPORT_LIMIT + 1]
    )
    if len(cases) > EXPORT_LIMIT:
        messages.error(
            request,
            _("More than %(limit)d cases match: narrow the filter to export them.")
            % {"limit": EXPORT_LIMIT},
        )
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    # The office and administrators get unmasked values: each exported case is logged.
    unmasked = may_reveal(request.user)
    rows = [export_row(case, request.user, unmasked, today) for case in cases]
    if unmasked and cases:
        detail = f"{fmt} {request.GET.urlencode()}"[:200]
        address = client_ip(request)
        AccessLog.objects.bulk_create(
            AccessLog(
                user=request.user,
                case=case,
                action=AccessLog.Action.EXPORT,
                detail=detail,
                ip_address=address,
            )
            for case in cases
        )
    build, content_type = EXPORT_FORMATS[fmt]
    response = HttpResponse(build(export_columns(), rows), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response

"""The register (台账) of cases: the list view and the export view.

Each view reads the filters with the form (``petitions/forms/register.py``), asks
``petitions/register.py`` for a page or for the cases to export, and responds: the page through
``templates/petitions/register.html``, the file through ``petitions/exports.py``.
"""

from __future__ import annotations

from html import escape as quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from accounts.access import STAFF_ROLES, require_role
from petitions import exports
from petitions.access import WITHHELD, may_reveal, sees_identity
from petitions.forms.register import read_filters, render_filter_form
from petitions.models import Classification, State
from petitions.paging import SORTS, Page
from petitions.register import EXPORT_LIMIT, ListedCase, cases_to_export, register_page
from schedules.models import District


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


def _query_with(query: QueryDict, **cursor: str) -> str:
    """The query string without the paging cursors, plus ``cursor`` when given."""
    query = query.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    for name, value in cursor.items():
        query[name] = value
    return query.urlencode()


def _page_links(query: QueryDict, page: Page) -> dict[str, str]:
    """The links to the first, next and previous pages ("" where there is none)."""
    return {
        "first_url": f"?{_query_with(query)}" if page.previous_cursor else "",
        "next_url": f"?{_query_with(query, after=page.next_cursor)}" if page.next_cursor else "",
        "previous_url": f"?{_query_with(query, before=page.previous_cursor)}"
        if page.previous_cursor
        else "",
    }


@never_cache
@require_role(*STAFF_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    """The register: the cases the user may see, filtered, searched, sorted, a page at a time."""
    form, data = read_filters(request.GET)
    page = register_page(
        request.user, data, after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    return render(
        request,
        "petitions/register.html",
        {
            "form": form,
            "filter_form": render_filter_form(form, request.GET),
            "rows": table_rows(request.user, page.rows),
            "sort_label": SORTS[data["sort"]].label,
            "search_term": data.get("q", ""),
            **_page_links(request.GET, page),
            "export_query": _query_with(request.GET),
            "due_soon_days": settings.DUE_SOON_DAYS,
        },
    )


@never_cache
@require_role(*STAFF_ROLES)
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered register as .xlsx or CSV; unmasked exports are written to the access log."""
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    _form, data = read_filters(request.GET)
    cases = cases_to_export(request.user, data)
    if cases is None:
        messages.error(
            request,
            _("More than %(limit)d cases match: narrow the filter to export them.")
            % {"limit": EXPORT_LIMIT},
        )
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    return exports.export_response(request, cases, fmt)

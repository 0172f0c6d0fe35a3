"""The register (台账) of cases: the list view and the export view.

Each view reads the filters with the form (``petitions/forms/register.py``), asks
``petitions/register.py`` for a page or for the cases to export, and responds: the page through
``templates/petitions/register.html`` (rows by ``petitions/templatetags/register_tags.py``), the
file through ``petitions/exports.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.access import STAFF_ROLES, require_role
from petitions import exports
from petitions.access import may_reveal
from petitions.forms.register import read_filters, render_filter_form
from petitions.paging import SORTS, Page
from petitions.register import EXPORT_LIMIT, cases_to_export, register_page
from petitions.stats_report import statistics_filter_notes


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
            "rows": page.rows,
            "sort_label": SORTS[data["sort"]].label,
            "search_term": data.get("q", ""),
            "statistics_filters": statistics_filter_notes(data),
            **_page_links(request.GET, page),
            "export_query": _query_with(request.GET),
            "may_export_unmasked": may_reveal(request.user),
            "due_soon_days": settings.DUE_SOON_DAYS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@require_role(*STAFF_ROLES)
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered register as .xlsx or CSV (the filters in the query string): masked by
    default; unmasked only as a POST that asks for it (``unmasked=1``), by those allowed, and
    written to the access log."""
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    unmasked = request.method == "POST" and request.POST.get("unmasked") == "1"
    if unmasked and not may_reveal(request.user):
        raise PermissionDenied
    _form, data = read_filters(request.GET)
    cases = cases_to_export(request.user, data)
    if cases is None:
        messages.error(
            request,
            _("More than %(limit)d cases match: narrow the filter to export them.")
            % {"limit": EXPORT_LIMIT},
        )
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    return exports.export_response(request, cases, fmt, unmasked=unmasked)

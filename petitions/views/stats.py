"""The statistics page (/stats/), its charts and its two files (workbook and document).

For the office, administrators and leaders (the leading group); never for handling units.
Each view reads the period with ``PeriodForm``, asks ``stats_report.build_report`` and responds.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.access import require_role
from accounts.roles import Role
from petitions import charts, stats_files
from petitions.forms.stats import PeriodForm
from petitions.statistics import Period
from petitions.stats_report import (
    FIGURE_LABELS,
    Report,
    build_report,
    chart_report,
    headline_report,
    leader_days,
)

STATS_ROLES = (Role.PETITION_OFFICE, Role.ADMINISTRATOR, Role.LEADER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report(request: HttpRequest, overdue_list: bool = True) -> tuple[PeriodForm, Report]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    return form, build_report(form.period(), today, overdue_list=overdue_list)


def register_query(period: Period) -> str:
    """The register's filter for the period: every link adds one more filter to it."""
    return urlencode(
        {
            "received_from": period.start.isoformat(),
            "received_to": period.end.isoformat(),
        }
    )


def leader_home(leader, today) -> dict:
    """The leader's home: this month's headline figures and rates (the bureau's), and the
    results of the leader's own reception and visit days this year."""
    month = headline_report(Period.month(today.year, today.month), today)
    year = Period.year(today.year)
    return {
        "month_report": month,
        "month_headline": stats_files.headline(month),
        "month_rates": stats_files.rate_rows(month),
        "month_register": f"{reverse('petitions:list')}?{register_query(month.period)}",
        "own_days": leader_days(leader, year, today) if leader else [],
        "own_days_register": f"{reverse('petitions:list')}?{register_query(year)}",
    }


@never_cache
@require_role(*STATS_ROLES)
def stats_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request, overdue_list=False)  # the page has no such list
    query = request.GET.urlencode()
    titles = stats_files.dimension_titles()
    context = {
        "form": form,
        "report": report,
        "headline": stats_files.headline(report),
        "rate_rows": stats_files.rate_rows(report),
        "breakdowns": [
            (dimension, titles[dimension], rows) for dimension, rows in report.breakdowns.items()
        ],
        "trend_titles": [FIGURE_LABELS[figure] for figure in report.trend],
        "register": f"{reverse('petitions:list')}?{register_query(report.period)}",
        "query": query,
        "settings_days": {
            "acceptance": settings.ACCEPTANCE_DAYS,
            "handling": settings.HANDLING_DAYS,
            "group": settings.GROUP_PETITION_SIZE,
        },
        "charts": [
            (name, f"{reverse('stats:chart', args=[name])}?{query}") for name in charts.CHART_NAMES
        ],
    }
    return render(request, "petitions/stats.html", context)


@never_cache
@require_role(*STATS_ROLES)
def stats_chart(request: HttpRequest, name: str) -> HttpResponse:
    if name not in charts.CHART_NAMES:
        raise Http404
    today = timezone.localdate()
    period = PeriodForm(request.GET or None, today=today).period()
    report = chart_report(period, today, name)
    return HttpResponse(charts.render_chart(report, name), content_type="image/svg+xml")


@never_cache
@require_role(*STATS_ROLES)
def stats_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The period's figures as .xlsx (a sheet per breakdown) or .docx (信访情况通报)."""
    if fmt not in ("xlsx", "docx"):
        raise Http404
    _form, report = _report(request)
    if fmt == "xlsx":
        response = HttpResponse(stats_files.workbook(report), content_type=XLSX)
    else:
        response = HttpResponse(stats_files.document(report), content_type=DOCX)
    stamp = f"{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="stats-{stamp}.{fmt}"'
    return response

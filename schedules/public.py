"""Public pages: the published reception and visit days, with no sign-in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from schedules.models import Duty


@login_not_required
def duty_list(request):
    year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    duties = Duty.objects.published().of_year(year).with_people().order_by("date")
    return render(request, "public/duties.html", {"year": year, "duties": duties})


@login_not_required
def duties_ics(request):
    return HttpResponse("", content_type="text/calendar")


@login_not_required
def duty_ics(request, pk: int):
    get_object_or_404(Duty.objects.published(), pk=pk)
    return HttpResponse("", content_type="text/calendar")

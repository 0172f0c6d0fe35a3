"""The worklist (``/work/``): where every signed-in person starts, with what waits for them.

Which records each role's sections hold, and how they are fetched, is ``petitions/worklists.py``;
someone without a role that has a worklist goes on to the rosters (``schedules:home``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from petitions.worklists import worklist_for


@never_cache
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    work = worklist_for(request.user, today)
    if work is None:
        return redirect("schedules:home")
    context = {
        "work": work,
        "today": today,
        "acceptance_days": settings.ACCEPTANCE_DAYS,
    }
    return render(request, "petitions/worklist.html", context)

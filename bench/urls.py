"""The app's URLs plus the views the benchmarks compare against: the smallest Django view
(for the public listing), a plain Django list of the cases (for the register), and a small
change with and without a queued mail (bench/queue.py)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.outbox import queue_mail
from petitions.models import Case

REFERENCE_FIELDS = (
    "number",
    "received_at",
    "title",
    "petitioner_name",
    "district",
    "classification",
    "state",
    "due_date",
    "unit__name",
    "leader__name",
)


@login_not_required
def minimal(request):
    return HttpResponse("ok")


def register_reference(request):
    """The register as plain Django would write it: signed in, 20 cases newest first, paged by
    the last row's (received_at, id), the same columns in a bare template, no filters."""
    cases = (
        Case.objects.select_related("unit", "leader")
        .only(*REFERENCE_FIELDS)
        .order_by("-received_at", "-id")
    )
    moment, _sep, pk = request.GET.get("after", "").partition("_")
    if moment and pk.isdigit():
        moment = datetime.datetime.fromisoformat(moment)
        cases = cases.filter(Q(received_at__lt=moment) | Q(received_at=moment, id__lt=int(pk)))
    rows = list(cases[:21])
    last = rows[19] if len(rows) > 20 else None
    after = f"{last.received_at.isoformat()}_{last.pk}" if last else ""
    return render(request, "bench/register_reference.html", {"cases": rows[:20], "next": after})


BENCH_USER = "bench-queue"


def _change() -> None:
    get_user_model().objects.filter(username=BENCH_USER).update(last_login=timezone.now())


@csrf_exempt
@login_not_required
@require_POST
def change(request):
    with transaction.atomic():
        _change()
    return HttpResponse("ok")


@csrf_exempt
@login_not_required
@require_POST
def change_and_mail(request):
    with transaction.atomic():
        _change()
        queue_mail("sink@localhost", "bench", "body", about="bench")
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench/register-reference/", register_reference, name="bench_register_reference"),


    path("bench/change/", change),
    path("bench/change-and-mail/", change_and_mail),
    path("", include("config.urls")),
]

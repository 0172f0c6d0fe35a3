"""The app's URLs plus the smallest Django view, to compare the public listing against, and a
small change with and without a queued mail (bench/queue.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.outbox import queue_mail


@login_not_required
def minimal(request):
    return HttpResponse("ok")


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
    path("bench/change/", change),
    path("bench/change-and-mail/", change_and_mail),
    path("", include("config.urls")),
]

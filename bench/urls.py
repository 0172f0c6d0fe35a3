"""The app's URLs plus the smallest Django view, to compare the public listing against."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def minimal(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("config.urls")),
]

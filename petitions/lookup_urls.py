"""The public case lookup, outside the staff pages: ``path("lookup/", include(...))``."""

from django.urls import path

from petitions.views import lookup

app_name = "lookup"

urlpatterns = [
    path("", lookup.lookup, name="form"),
    path("case/", lookup.case_status, name="case"),
    path("case/rate/", lookup.rate, name="rate"),
    path("forget/", lookup.forget, name="forget"),
]

"""Everybody's worklist, where they start after sign-in: ``path("work/", include(...))``."""

from django.urls import path

from petitions.views import worklists

app_name = "work"

urlpatterns = [
    # Where everybody starts after sign-in (settings.LOGIN_REDIRECT_URL).
    path("", worklists.worklist, name="home"),
]

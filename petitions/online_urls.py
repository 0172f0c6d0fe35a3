"""The public online petition, outside the staff pages: ``path("petition/", include(...))``."""

from django.urls import path

from petitions.views import online

app_name = "online"

urlpatterns = [
    path("", online.petition, name="petition"),
]

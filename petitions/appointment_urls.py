"""Appointments for reception days: ``path("appointments/", include(...))``. The citizen's
pages (no sign-in) and the office's (``office/``)."""

from django.urls import path

from petitions.views import appointments, appointments_office

app_name = "appointments"

urlpatterns = [
    path("day/<int:pk>/", appointments.book, name="book"),
    path("mine/", appointments.mine, name="mine"),
    path("mine/cancel/", appointments.cancel, name="cancel"),
    path("mine/forget/", appointments.forget, name="forget"),
    path("office/", appointments_office.days, name="office"),
    path("office/day/<int:pk>/", appointments_office.day, name="office_day"),
    path("office/day/<int:pk>/places/", appointments_office.set_places, name="places"),
    path(
        "office/<int:pk>/confirm/",
        appointments_office.decide,
        {"decision": "confirm"},
        name="confirm",
    ),
    path(
        "office/<int:pk>/decline/",
        appointments_office.decide,
        {"decision": "decline"},
        name="decline",
    ),
    path("office/<int:pk>/register/", appointments_office.register, name="register"),
]

from django.urls import path, register_converter

from schedules import public, views


class KindConverter:
    regex = "reception|visit"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter(KindConverter):
    regex = "xlsx|csv"


register_converter(KindConverter, "kind")
register_converter(FormatConverter, "fmt")

app_name = "schedules"

urlpatterns = [
    path("", public.duty_list, name="public"),
    path("duties.ics", public.duties_ics, name="public_ics"),
    path("duties/<int:pk>.ics", public.duty_ics, name="public_duty_ics"),
    path("home/", views.home, name="home"),
    path("roster/<int:year>/", views.year_page, name="year"),
    path("roster/<int:year>/generate/", views.generate, name="generate"),
    path("roster/<int:year>/publish/", views.publish, name="publish"),
    path("roster/<int:year>/<kind:kind>.<fmt:fmt>", views.export, name="export"),
    path("roster/<int:year>/<kind:kind>/print/", views.print_roster, name="print"),
    path("roster/duty/<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("roster/duty/<int:pk>/swap/", views.duty_swap, name="duty_swap"),
    path("roster/duty/<int:pk>/replace/", views.duty_replace, name="duty_replace"),
    path("roster/history/", views.history, name="history"),
    path("roster/notifications/", views.notifications, name="notifications"),
    path("roster/absences/", views.absences, name="absences"),
    path("roster/absences/<int:pk>/delete/", views.absence_delete, name="absence_delete"),
    path("roster/calendar/<int:year>/", views.calendar_page, name="calendar"),
    path(
        "roster/calendar/correction/<int:pk>/delete/",
        views.correction_delete,
        name="correction_delete",
    ),
    path("me/duties/", views.my_duties, name="my_duties"),
]

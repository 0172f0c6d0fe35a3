from django.urls import path, register_converter

from schedules.views import changes, follow_ups, places, public, roster


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
    path("home/", roster.home, name="home"),
    path("roster/<int:year>/", roster.year_page, name="year"),
    path("roster/<int:year>/generate/", roster.generate, name="generate"),
    path("roster/<int:year>/publish/", roster.publish, name="publish"),
    path("roster/<int:year>/<kind:kind>.<fmt:fmt>", roster.export, name="export"),
    path("roster/<int:year>/<kind:kind>/print/", roster.print_roster, name="print"),
    path("roster/duty/<int:pk>/edit/", roster.duty_edit, name="duty_edit"),
    path("roster/duty/<int:pk>/swap/", roster.duty_swap, name="duty_swap"),
    path("roster/duty/<int:pk>/replace/", roster.duty_replace, name="duty_replace"),
    path("roster/duty/<int:pk>/change/", changes.duty_change, name="duty_change"),
    path("roster/duty/<int:pk>/cancel/", changes.duty_cancel, name="duty_cancel"),
    path("roster/duty/<int:pk>/keep/", changes.duty_keep, name="duty_keep"),
    path("roster/<int:year>/follow-rule/", changes.follow_rule, name="follow_rule"),
    path("roster/history/", roster.history, name="history"),
    path("roster/notifications/", roster.notifications, name="notifications"),
    path("roster/absences/", roster.absences, name="absences"),
    path("roster/absences/<int:pk>/delete/", roster.absence_delete, name="absence_delete"),
    path("roster/calendar/<int:year>/", roster.calendar_page, name="calendar"),
    path(
        "roster/calendar/correction/<int:pk>/delete/",
        roster.correction_delete,
        name="correction_delete",
    ),
    path("me/duties/", roster.my_duties, name="my_duties"),
    path("me/follow-ups/<int:pk>/done/", follow_ups.follow_up_done, name="follow_up_done"),
    path("roster/places/", places.place_list, name="places"),
    path("roster/places/<int:pk>/", places.place_edit, name="place_edit"),
]

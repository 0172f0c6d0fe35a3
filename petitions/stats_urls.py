"""Statistics and reports (petitions/views/stats.py), mounted at /stats/."""

from django.urls import path

from petitions.views import stats

app_name = "stats"

urlpatterns = [
    path("", stats.stats_page, name="page"),
    path("chart/<slug:name>.svg", stats.stats_chart, name="chart"),
    path("report.<str:fmt>", stats.stats_file, name="file"),
]

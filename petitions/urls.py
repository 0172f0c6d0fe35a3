from django.urls import path

from petitions import register, views

app_name = "petitions"

urlpatterns = [
    # The register (台账): list, filters, search, export (petitions/register.py).
    path("", register.case_list, name="list"),
    path("export.<str:fmt>", register.case_export, name="export"),
    # Intake and handling (petitions/views.py).
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
]

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
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
    path("<int:pk>/reveal/", views.case_reveal, name="reveal"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/print/<slug:document>/", views.case_print, name="print"),
    path("leader/", views.leader_cases, name="leader"),
]

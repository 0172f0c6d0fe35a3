from django.urls import path

from petitions.views import cases, matters, register

app_name = "petitions"

urlpatterns = [
    # The register (台账): list, filters, search, export (petitions/views/register.py).
    path("", register.case_list, name="list"),
    path("export.<str:fmt>", register.case_export, name="export"),
    # Intake and handling (petitions/views/cases.py).
    path("new/", cases.case_new, name="new"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", cases.case_act, name="act"),
    path("<int:pk>/reveal/", cases.case_reveal, name="reveal"),
    path("<int:pk>/classify/", matters.case_classify, name="classify"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        cases.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/print/<slug:document>/", cases.case_print, name="print"),
    path("leader/", cases.leader_cases, name="leader"),
]

from django.urls import path

from petitions.views import cases, days, letters, matters, register, transfers

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
    # Letters as issued, and the delivery receipt (petitions/views/letters.py).
    path("<int:pk>/letters/<int:letter_pk>/", letters.letter_print, name="letter"),
    path(
        "<int:pk>/letters/<int:letter_pk>/delivery/",
        letters.delivery_receipt,
        name="delivery_receipt",
    ),
    path("leader/", cases.leader_cases, name="leader"),
    # Transfers from the 12345 and 12369 hotlines (petitions/views/transfers.py).
    path("transfers/", transfers.transfer_page, name="transfers"),
    path("transfers/replies.xlsx", transfers.reply_export, name="transfer_replies"),
    path("<int:pk>/reply.xlsx", transfers.case_reply, name="case_reply"),
    # A duty day's briefing and record (petitions/views/days.py).
    path("day/<int:pk>/", days.day_briefing, name="day_briefing"),
    path("day/<int:pk>/print/", days.day_briefing_print, name="day_briefing_print"),
    path("day/<int:pk>/record/", days.day_record, name="day_record"),
    path("day/<int:pk>/record/edit/", days.day_record_edit, name="day_record_edit"),
    path("day/<int:pk>/record/print/", days.day_record_print, name="day_record_print"),
]

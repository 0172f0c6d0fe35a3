"""Django admin for cases (read-mostly), referral reasons, the two append-only logs, and the
citizens' channels: bookings and hotline work orders (read only).

Encrypted petitioner data is never shown raw here: only masked, like everywhere else.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from petitions.identity import mask_id_number, mask_name, mask_phone, mask_text
from petitions.matters import Industry, PollutionSubtype, PollutionType
from petitions.models import (
    AccessLog,
    Appointment,
    Attachment,
    Case,
    CaseLog,
    Letter,
    ReferralReason,
    Review,
    Supervision,
)
from petitions.models_transfers import WorkOrder


@admin.register(ReferralReason)
class ReferralReasonAdmin(admin.ModelAdmin):
    """The standard reasons and notice texts administrators keep."""

    list_display = ["title", "destination", "active"]
    list_filter = ["destination", "active"]
    search_fields = ["title", "notice_text"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A reason used by a case stays (PROTECT); retire it with "active" instead.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written by the workflow only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LetterInline(admin.TabularInline):
    """The letters as issued, with their delivery (the case page prints them)."""

    model = Letter
    fk_name = "case"
    fields = ["kind", "review_level", "issuer", "addressee", "issued_at", "delivered_on"]
    readonly_fields = [*fields, "delivery_method"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    fields = ["level", "requested_on", "body", "higher_body", "forwarded_on", "decided_on"]
    readonly_fields = [*fields, "outcome"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CaseLogInline(admin.TabularInline):
    model = CaseLog
    fields = ["at", "action", "from_state", "to_state", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change through the workflow (the case pages), not here."""

    list_display = ["number", "title", "state", "received_at", "unit", "leader", "due_date"]
    list_filter = ["state", "category", "classification", "channel", "district"]
    search_fields = ["number", "title"]
    date_hierarchy = "received_at"
    list_select_related = ["unit", "leader"]
    inlines = [AttachmentInline, LetterInline, ReviewInline, CaseLogInline]
    fields = [
        "number",
        "state",
        "channel",
        "received_at",
        "masked_name",
        "masked_phone",
        "masked_id_number",
        "masked_address",
        "people_count",
        "masked_representatives",
        "is_group",
        "district",
        "location",
        "title",
        "content",
        "category",
        "classification",
        "skipped_level",
        "in_litigation",
        "referral_reason",
        "referral_note",
        "duty",
        "leader",
        "leader_in_charge",
        "repeat_of",
        "is_repeat",
        "is_first_petition",
        "unit",
        "instructions",
        "identity_released",
        "acceptance_due",
        "accepted_at",
        "due_date",
        "extension_state",
        "extension_days",
        "extension_reason",
        "answer",
        "answered_at",
        "review_level",
        "review_request_due",
        "satisfaction",
        "closed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("petitioner's name"))
    def masked_name(self, obj: Case) -> str:
        return mask_name(obj.petitioner_name)

    @admin.display(description=_("representatives"))
    def masked_representatives(self, obj: Case) -> str:
        return "、".join(mask_name(name) for name in obj.representatives.split("、") if name)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Case) -> str:
        return mask_phone(obj.petitioner_phone)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj: Case) -> str:
        return mask_id_number(obj.petitioner_id_number)

    @admin.display(description=_("petitioner's address"))
    def masked_address(self, obj: Case) -> str:
        return mask_text(obj.petitioner_address)


@admin.register(CaseLog)
class CaseLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "action", "from_state", "to_state", "by"]
    list_filter = ["action"]
    search_fields = ["case__number", "comment"]
    list_select_related = ["case", "by"]
    date_hierarchy = "at"


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "case", "detail", "ip_address"]
    list_filter = ["action"]
    search_fields = ["case__number", "user__username", "detail"]
    list_select_related = ["case", "user"]
    date_hierarchy = "at"


# --- The lists the reports count by (petitions/matters.py) ------------------------------------


class PollutionSubtypeInline(admin.TabularInline):
    model = PollutionSubtype
    fields = ["name", "name_en", "order", "active"]
    extra = 1


class _ListAdmin(admin.ModelAdmin):
    """A list entry used by cases stays (PROTECT); retire it with "active" instead."""

    list_filter = ["active"]
    search_fields = ["name", "name_en"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PollutionType)
class PollutionTypeAdmin(_ListAdmin):
    list_display = ["name", "name_en", "code", "order", "active"]
    fields = ["name", "name_en", "code", "order", "active"]
    inlines = [PollutionSubtypeInline]


@admin.register(Industry)
class IndustryAdmin(_ListAdmin):
    list_display = ["code", "name", "name_en", "order", "active"]
    fields = ["code", "name", "name_en", "order", "active"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    """Leaders' instructions (督办) and the units' replies: given and answered on the case."""

    list_display = ["issued_at", "case", "leader", "reply_due", "replied_at", "replied_by"]
    list_filter = ["leader"]
    search_fields = ["case__number", "instruction", "reply"]
    list_select_related = ["case", "leader", "replied_by"]
    date_hierarchy = "issued_at"


# --- The citizens' channels -------------------------------------------------------------------


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Bookings change through the office's booking pages and the citizen's own (the verbs in
    ``petitions/appointments.py``); here they are listed, the citizen masked, never the code."""

    list_display = ["duty", "slot", "state", "masked_name", "masked_phone", "created_at", "case"]
    list_filter = ["state", "duty__date"]
    search_fields = ["case__number"]
    list_select_related = ["duty__leader", "case"]
    date_hierarchy = "created_at"
    fields = [
        "duty",
        "slot",
        "state",
        "masked_name",
        "masked_phone",
        "people_count",
        "masked_representatives",
        "district",
        "location",
        "category",
        "petitioned_before",
        "earlier_case_number",
        "decline_reason",
        "decided_by",
        "decided_at",
        "cancelled_at",
        "case",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("name"))
    def masked_name(self, obj: Appointment) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Appointment) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("representatives"))
    def masked_representatives(self, obj: Appointment) -> str:
        return "、".join(mask_name(name) for name in obj.representatives.split("、") if name)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    """The hotlines' work orders, as imported (``petitions/transfers.py``); the caller's data
    lives on the case, masked there."""

    list_display = ["number", "platform", "case", "ordered_at", "platform_deadline", "source"]
    list_filter = ["platform", "source"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case"]
    date_hierarchy = "ordered_at"
    fields = [
        "platform",
        "number",
        "case",
        "ordered_at",
        "platform_deadline",
        "source",
        "file_name",
        "row",
        "imported_by",
        "imported_at",
    ]
    readonly_fields = fields

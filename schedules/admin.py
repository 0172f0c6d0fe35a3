"""Django admin: the administrators' fallback tool for every roster record."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schedules.models import (
    Absence,
    CalendarCorrection,
    ConfirmedYear,
    ContactPerson,
    DayRecord,
    Duty,
    Finding,
    FollowUp,
    Leader,
    Notification,
    Place,
    RotationOrder,
    SiteSettings,
    Unit,
)

admin.site.site_header = _("Petition office administration")
admin.site.site_title = _("Petition office")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "email", "active"]
    list_filter = ["kind", "district", "active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "rotation_order", "active", "user"]
    list_filter = ["active"]
    list_editable = ["rotation_order"]
    search_fields = ["name", "position"]
    filter_horizontal = ["sections"]
    autocomplete_fields = ["user"]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "rotation_order", "active", "user"]
    list_filter = ["active"]
    list_editable = ["rotation_order"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "opens_at", "closes_at", "is_default"]

    def save_model(self, request, obj, form, change):
        """A new version: the office's place form opened before this edit is refused."""
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "leader", "contact", "state", "changed_after_publication_at"]
    list_filter = ["state", "kind", "year", "leader"]
    search_fields = ["leader__name", "contact__name", "destination", "note"]
    date_hierarchy = "date"
    list_select_related = ["leader", "contact"]
    filter_horizontal = ["sections"]
    readonly_fields = [
        "version",
        "published_at",
        "changed_after_publication_at",
        "updated_at",
        "replaces",
    ]

    def save_model(self, request, obj, form, change):
        """A new version: a duty form opened before this edit is refused, not applied over it."""
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        """Published duties change only through a swap or a replacement (with a reason)."""
        if obj is not None and obj.state != Duty.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != Duty.State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["leader", "kind", "start", "end", "note"]
    list_filter = ["kind", "leader"]
    date_hierarchy = "start"


@admin.register(CalendarCorrection)
class CalendarCorrectionAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
    search_fields = ["note"]


@admin.register(ConfirmedYear)
class ConfirmedYearAdmin(admin.ModelAdmin):
    list_display = ["year", "note"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "makeup_days_carry_duty"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "created_by", "recipient"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    readonly_fields = ["subject", "body", "created_at", "created_by", "recipient", "duties"]

    def has_add_permission(self, request):
        return False


@admin.register(RotationOrder)
class RotationOrderAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    autocomplete_fields = ["owner"]
    readonly_fields = ["done_at", "done_by"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(DayRecord)
class DayRecordAdmin(admin.ModelAdmin):
    """The records are written on the day's page; here only to look one up or mend it."""

    list_display = ["duty", "people_count", "group_count", "written_by", "updated_at"]
    list_select_related = ["duty__leader", "written_by"]
    readonly_fields = ["duty", "version", "written_by", "created_at", "updated_at"]
    filter_horizontal = ["sections"]
    inlines = [FollowUpInline, FindingInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """A new version: the record form opened before this edit is refused."""
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

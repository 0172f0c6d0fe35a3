"""The roster's change history, readable: the events django-pghistory's triggers recorded
(see ``accounts.history.tracked``), with names instead of keys."""

from __future__ import annotations

import pghistory.models
from django.contrib.auth import get_user_model

from schedules.models import ContactPerson, Leader, Place

ROSTER_EVENT_MODELS = (
    "schedules.DutyEvent",
    "schedules.AbsenceEvent",
    "schedules.CalendarCorrectionEvent",
    "schedules.ConfirmedYearEvent",
    "schedules.SiteSettingsEvent",
    "schedules.LeaderEvent",
)
HIDDEN_FIELDS = {"version", "updated_at", "id"}


def duty_history(limit: int = 300, model_events=ROSTER_EVENT_MODELS) -> list[dict]:
    """The newest roster changes, readable: who, when, what changed from what to what."""
    events = list(
        pghistory.models.Events.objects.across(*model_events).order_by("-pgh_created_at")[:limit]
    )
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    users = {
        u.pk: u.get_full_name() or u.username
        for u in get_user_model().objects.filter(pk__in=[i for i in user_ids if i])
    }
    names = {
        "leader": dict(Leader.objects.values_list("pk", "name")),
        "contact": dict(ContactPerson.objects.values_list("pk", "name")),
        "place": dict(Place.objects.values_list("pk", "name")),
    }

    def show(field: str, value):
        key = field.removesuffix("_id")
        if key in names and value is not None:
            return names[key].get(value, value)
        return value

    rows = []
    for event in events:
        context = event.pgh_context or {}
        if event.pgh_diff:
            changes = [
                (field.removesuffix("_id"), show(field, old), show(field, new))
                for field, (old, new) in event.pgh_diff.items()
                if field not in HIDDEN_FIELDS
            ]
        else:
            changes = [
                (field.removesuffix("_id"), None, show(field, value))
                for field, value in (event.pgh_data or {}).items()
                if field not in HIDDEN_FIELDS and value not in (None, "")
            ]
        rows.append(
            {
                "at": event.pgh_created_at,
                "model": event.pgh_obj_model.split(".")[-1],
                "object_id": event.pgh_obj_id,
                "label": event.pgh_label,
                "user": users.get(context.get("user"), ""),
                "reason": context.get("reason", ""),
                "changes": changes,
            }
        )
    return rows

"""The reception places: what the office keeps up to date for the public page and calendars
(address, phone, reception hours, map link)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from schedules.models import Place
from schedules.services import recorded

PLACE_FIELDS = ("name", "address", "phone", "opens_at", "closes_at", "map_url")


STALE_PLACE = gettext_lazy(
    "Someone else changed this place while you were editing it. "
    "Reload the page to see their change, then try again."
)


def update_place(place: Place, *, version: int, by=None, **values) -> Place:
    """Save the office's changes to a place; a form opened before someone else's save is
    refused. The public pages follow at once (the model's save clears their cache)."""
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"update_place() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic(), recorded(by, reason="place"):
        locked = Place.objects.select_for_update().get(pk=place.pk)
        if locked.version != version:
            raise ValidationError(STALE_PLACE, code="stale")
        for field, value in values.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
    return locked

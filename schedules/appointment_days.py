"""Opening a reception day for appointments: the office sets its places and time slots.

The public page shows each open day's remaining places, so every change here (and every
booking or freed place, ``petitions/appointments.py``) renews the public pages' stamp on
commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schedules import public_cache, services
from schedules.appointment_models import SLOT_PATTERN, AppointmentDay
from schedules.models import Duty


def closes_on(duty: Duty, calendar=None) -> datetime.date:
    """The day bookings for ``duty`` close: the working day before it."""
    return (calendar or services.calendar()).previous_working_day(duty.date)


def parse_slots(text: str) -> list[str]:
    """Time slots typed one a line or separated by commas ("09:00-10:00"), in order."""
    slots = []
    for raw in text.replace("，", ",").replace(",", "\n").splitlines():
        slot = raw.strip().replace("–", "-").replace(" ", "")
        if not slot:
            continue
        if not SLOT_PATTERN.match(slot) or slot[:5] >= slot[6:]:
            raise ValidationError(
                _("“%(slot)s” is not a time slot: write it as 09:00-10:00.") % {"slot": raw},
                code="slot",
            )
        if slot not in slots:
            slots.append(slot)
    return sorted(slots)


def open_for_appointments(
    duty: Duty, *, places: int, slots: list[str], version: int | None, by=None
) -> AppointmentDay:
    """Set the day's places (0 closes it) and time slots; never fewer places than are booked.

    ``version`` is the one the office's form showed (None for a day not opened yet): a change
    made meanwhile by someone else is refused, not overwritten.
    """
    if duty.kind != Duty.Kind.RECEPTION or not duty.is_published:
        raise ValidationError(
            _("Only a published reception day takes appointments."), code="not_reception"
        )
    with transaction.atomic(), services.recorded(by, reason="appointment places"):
        day, created = AppointmentDay.objects.select_for_update().get_or_create(duty=duty)
        if not created and version != day.version:
            raise services.StaleEdit()
        if places < day.taken:
            raise ValidationError(
                {
                    "places": _(
                        "%(taken)s places are booked already: the day needs at least that many."
                    )
                    % {"taken": day.taken}
                },
                code="places_below_taken",
            )
        day.places = places
        day.slots = slots
        if not created:
            day.version += 1
        day.save()
        transaction.on_commit(public_cache.new_stamp)
    return day

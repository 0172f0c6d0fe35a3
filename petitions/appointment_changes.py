"""A reception day's bookings when the office cancels or moves the published day.

The roster verbs (``schedules.changes``: cancel, change the date, follow the rule) send
``schedules.signals`` inside their transaction; ``connect_receivers`` (called by
``PetitionsConfig.ready()``) ties them to the verbs here, so the bookings change, and their
texts are queued, exactly when the roster change commits. The rule, as a citizen expects it:

* **Cancelled**: every waiting or confirmed booking is declined, with "the reception day was
  cancelled" as the reason, and its place freed. The citizen is told by text; when the leader
  receives on another day instead, the text links that day's booking page (the day's places and
  slots carry over to it, all free: ``schedules.changes``), so the citizen books again.
* **Moved**: the bookings move with the day but wait for the office again (a confirmed one
  too): the office confirms each one again and the confirmation names the new date; the
  citizen is told the new date and where to cancel if it does not suit.

Bookings already received as cases are history and stay as they are.
"""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import translation
from django.utils.translation import gettext as _

from petitions import appointment_texts
from petitions.appointments import _decided, _save, _text
from petitions.models_appointments import Appointment, AppointmentState
from schedules import public_cache, signals
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty

PENDING = (AppointmentState.REQUESTED, AppointmentState.CONFIRMED)


def _pending(duty: Duty) -> QuerySet[Appointment]:
    """The day's waiting and confirmed bookings, locked, in the order they were made."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .filter(duty=duty, state__in=PENDING)
        .select_related("duty__leader", "duty__place")
        .order_by("id")
    )


def decline_for_cancelled_day(duty: Duty, *, replacement: Duty | None = None, by=None) -> int:
    """Decline the cancelled day's waiting and confirmed bookings, free their places and
    tell each citizen; returns how many."""
    with transaction.atomic(), pghistory.context(reason="reception day cancelled"):
        bookings = list(_pending(duty))
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The reception day was cancelled.")
        for booking in bookings:
            booking.state = AppointmentState.DECLINED
            booking.decline_reason = reason
            _decided(booking, by)
            _save(booking)
            _text(booking, "day-cancelled", appointment_texts.day_cancelled(booking, replacement))
        if bookings:
            AppointmentDay.objects.filter(duty=duty).update(
                taken=Greatest(F("taken") - len(bookings), 0)
            )
            transaction.on_commit(public_cache.new_stamp)
    return len(bookings)


def wait_again_on_moved_day(duty: Duty, *, previous_date: datetime.date) -> int:
    """The moved day's waiting and confirmed bookings wait for the office again; each citizen
    is told the new date. Returns how many."""
    with transaction.atomic(), pghistory.context(reason="reception day moved"):
        bookings = list(_pending(duty))
        for booking in bookings:
            booking.state = AppointmentState.REQUESTED
            booking.decided_by = None
            booking.decided_at = None
            _save(booking)
            _text(booking, "day-moved", appointment_texts.day_moved(booking, previous_date))
    return len(bookings)


def _on_cancelled(sender, *, duty: Duty, replacement: Duty | None = None, by=None, **kwargs):
    decline_for_cancelled_day(duty, replacement=replacement, by=by)


def _on_moved(sender, *, duty: Duty, previous_date: datetime.date, **kwargs):
    wait_again_on_moved_day(duty, previous_date=previous_date)


def connect_receivers() -> None:
    signals.duty_cancelled.connect(_on_cancelled, dispatch_uid="appointments_day_cancelled")
    signals.duty_moved.connect(_on_moved, dispatch_uid="appointments_day_moved")

"""Appointments for a reception day (预约接访): booking, the office's decision, the citizen's
cancellation, the day-before reminder and, on the day, the case a booking becomes.

Every verb locks what it changes, checks the state it starts from and records why (pghistory
context); a booking and a freed place change the day's count of places taken
(``schedules.AppointmentDay``, locked, so the last place goes to one citizen) and renew the
public pages' stamp on commit, so the public page shows the places left. The citizen is told
by text message (``petitions/appointment_texts.py``) through the outbox, in the change's
transaction. A booking becomes a case through ``intake.register_case``, like any other.
"""

from __future__ import annotations

import datetime
import hmac

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import queue_sms
from petitions import appointment_texts, day_counts, intake, texts
from petitions.crypto import lookup_hash, lookup_hashes
from petitions.models import Channel
from petitions.models_appointments import Appointment, AppointmentState
from petitions.numbers import new_query_code, normalize_code
from schedules import appointment_days, public_cache
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty

BOOKING_FIELDS = (
    "name",
    "phone",
    "district",
    "location",
    "matter",
    "category",
    "people_count",
    "representatives",
    "petitioned_before",
    "earlier_case_number",
    "slot",
)


def _refused(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


# --- Booking ----------------------------------------------------------------------------------


def book(duty: Duty, *, today: datetime.date, address: str = "", **fields) -> Appointment:
    """Book a place on ``duty`` for a citizen; ``fields`` are validated and normalised (E.164
    phone). One active booking per phone and day; none once the day is full or closed; at
    most ``APPOINTMENTS_PER_ADDRESS`` bookings a day from the visitor's ``address``, so that
    one address cannot take a whole day's places."""
    unknown = set(fields) - set(BOOKING_FIELDS)
    if unknown:
        raise TypeError(f"book() got unexpected fields: {sorted(unknown)}")
    day_counts.sweep_past_days(today)
    address_key = (f"booking-address:{lookup_hash(address or 'unknown')}",)
    try:
        with transaction.atomic(), pghistory.context(reason="appointment booked"):
            # The address's count first, then the day (the lock order of every booking).
            booked_today = day_counts.locked(address_key, today)[address_key[0]]
            day = _open_day(duty, today)
            _check_slot(day, fields.get("slot", ""))
            _check_no_booking_yet(duty, fields["phone"])
            if booked_today >= settings.APPOINTMENTS_PER_ADDRESS:
                raise _not_taken("address_limit")
            day_counts.add_one(address_key, today)
            appointment = Appointment.objects.create(
                duty=duty,
                code=new_query_code(),
                phone_hash=lookup_hash(fields["phone"]),
                **fields,
            )
            AppointmentDay.objects.filter(pk=day.pk).update(taken=F("taken") + 1)
            transaction.on_commit(public_cache.new_stamp)
    except IntegrityError as error:  # the unique booking per phone, booked at the same moment
        raise _not_taken("already_booked") from error
    return appointment


def _open_day(duty: Duty, today: datetime.date) -> AppointmentDay:
    """The duty's appointment day, locked, if it still takes bookings and has a place left."""
    day = (
        AppointmentDay.objects.select_for_update(of=("self",))
        .select_related("duty")
        .filter(duty=duty)
        .first()
    )
    if day is None or not day.is_open(today, appointment_days.closes_on(duty)):
        raise _refused(
            _("This reception day takes no more appointments. Choose another day."), "closed"
        )
    if day.places_left <= 0:
        raise _refused(
            _("All places on this reception day are booked. Choose another day."), "full"
        )
    return day


def _check_slot(day: AppointmentDay, slot: str) -> None:
    if day.slots and slot not in day.slots:
        raise _refused(_("Choose one of the day's time slots."), "slot", "slot")
    if not day.slots and slot:
        raise _refused(_("This day has no time slots to choose."), "slot", "slot")


def _not_taken(code: str) -> ValidationError:
    """A booking refused because of this phone or this address: one wording for both, which
    tells nobody whether another person's phone has booked the day."""
    return _refused(
        _(
            "We could not take this booking. If you have booked this day already, find your "
            "booking with its booking code; otherwise call the petition office."
        ),
        code,
    )


def _check_no_booking_yet(duty: Duty, phone: str) -> None:
    hashes = lookup_hashes(phone)
    if Appointment.objects.active().filter(duty=duty, phone_hash__in=hashes).exists():
        raise _not_taken("already_booked")


def _free_place(appointment: Appointment) -> None:
    AppointmentDay.objects.filter(duty=appointment.duty_id, taken__gt=0).update(
        taken=F("taken") - 1
    )
    transaction.on_commit(public_cache.new_stamp)


# --- The citizen's own booking ----------------------------------------------------------------

# Compared when no booking has the phone, so that a wrong phone costs what a wrong code does.
_DUMMY_CODE = "X" * 8


def find(phone: str, code: str) -> Appointment | None:
    """The booking with this phone and code (the newest), compared in constant time."""
    typed = normalize_code(code)
    candidates = list(
        Appointment.objects.filter(phone_hash__in=lookup_hashes(phone))
        .select_related("duty__leader", "duty__place")
        .order_by("-created_at")[:20]
    )
    found = None
    for appointment in candidates or [None]:
        stored = appointment.code if appointment else _DUMMY_CODE
        if hmac.compare_digest(stored.encode(), typed.encode()) and found is None:
            found = appointment
    return found


def may_cancel(appointment: Appointment, today: datetime.date) -> bool:
    """A booking waiting or confirmed may be cancelled by the citizen until the day before."""
    waiting = appointment.state in (AppointmentState.REQUESTED, AppointmentState.CONFIRMED)
    return waiting and today < appointment.duty.date


def cancel(appointment: Appointment, *, today: datetime.date) -> Appointment:
    """The citizen cancels: the place is freed and the cancellation confirmed by text."""
    with transaction.atomic(), pghistory.context(reason="appointment cancelled by the citizen"):
        locked = _locked(appointment)
        if not may_cancel(locked, today):
            raise _refused(_("This appointment can no longer be cancelled."), "state")
        locked.state = AppointmentState.CANCELLED
        locked.cancelled_at = timezone.now()
        _save(locked)
        _free_place(locked)
        _text(locked, "cancelled", appointment_texts.cancelled(locked))
    return locked


# --- The office's decision --------------------------------------------------------------------


def _locked(appointment: Appointment, version: int | None = None) -> Appointment:
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("duty__leader", "duty__place")
        .get(pk=appointment.pk)
    )
    if version is not None and version != locked.version:
        raise _refused(
            _(
                "Someone else changed this appointment meanwhile. Look at it as it is now, then "
                "try again."
            ),
            "stale",
        )
    return locked


def _save(appointment: Appointment) -> None:
    appointment.version += 1
    appointment.save()


def _decided(appointment: Appointment, by) -> None:
    appointment.decided_by = by if getattr(by, "pk", None) else None
    appointment.decided_at = timezone.now()


def confirm(appointment: Appointment, *, by, version: int | None = None) -> Appointment:
    """The office confirms a waiting booking; the citizen is told the time and place."""
    with transaction.atomic(), pghistory.context(reason="appointment confirmed", user=by.pk):
        locked = _locked(appointment, version)
        if locked.state != AppointmentState.REQUESTED:
            raise _refused(_("Only a waiting appointment can be confirmed."), "state")
        locked.state = AppointmentState.CONFIRMED
        _decided(locked, by)
        _save(locked)
        _text(locked, "confirmed", appointment_texts.confirmed(locked))
    return locked


def decline(
    appointment: Appointment, *, by, reason: str, version: int | None = None
) -> Appointment:
    """The office declines a waiting or confirmed booking, with the reason the citizen is
    sent; the place is freed."""
    reason = reason.strip()
    if not reason:
        raise _refused(_("Give the reason: the citizen receives it."), "reason", "reason")
    with transaction.atomic(), pghistory.context(reason="appointment declined", user=by.pk):
        locked = _locked(appointment, version)
        if locked.state not in (AppointmentState.REQUESTED, AppointmentState.CONFIRMED):
            raise _refused(_("Only a waiting or confirmed appointment can be declined."), "state")
        locked.state = AppointmentState.DECLINED
        locked.decline_reason = reason
        _decided(locked, by)
        _save(locked)
        _free_place(locked)
        _text(locked, "declined", appointment_texts.declined(locked))
    return locked


def _text(appointment: Appointment, kind: str, text: str) -> None:
    """Queue the citizen's text, once per change (the booking's version: a booking confirmed
    again after its day moved is told again)."""
    if texts.is_silenced():
        return
    queue_sms(
        appointment.phone,
        text,
        about=f"appointment {kind}",
        topic=appointment.topic,
        dedupe_key=f"appointment-{kind}:{appointment.pk}:v{appointment.version}",
    )


# --- On the day: the case ---------------------------------------------------------------------


def register(appointment: Appointment, *, by, classification: str) -> intake.Registration:
    """On the day, the clerk turns a confirmed booking into a case of the reception day, with
    everything the citizen gave; a second click finds the same case."""
    with transaction.atomic(), pghistory.context(reason="appointment received", user=by.pk):
        locked = _locked(appointment)
        if locked.state == AppointmentState.REGISTERED and locked.case_id:
            return intake.Registration(locked.case, created=False)
        if locked.state != AppointmentState.CONFIRMED:
            raise _refused(_("Only a confirmed appointment becomes a case."), "state")
        if timezone.localdate() != locked.duty.date:
            raise _refused(
                _("An appointment becomes a case on its day, %(date)s.")
                % {"date": locked.duty.date.isoformat()},
                "not_the_day",
            )
        registration = intake.register_case(
            by=by,
            submission_token=locked.case_token,
            duty=locked.duty,
            classification=classification,
            **case_fields(locked),
        )
        locked.state = AppointmentState.REGISTERED
        locked.case = registration.case
        _save(locked)
    return registration


def case_fields(appointment: Appointment) -> dict:
    """What the booking gives the case: the citizen's own words and data."""
    content = appointment.matter
    if appointment.earlier_case_number:
        content += "\n\n" + _("Earlier case named by the petitioner: %(number)s") % {
            "number": appointment.earlier_case_number
        }
    return {
        "channel": Channel.RECEPTION_DAY,
        "received_at": timezone.now(),
        "petitioner_name": appointment.name,
        "petitioner_phone": appointment.phone,
        "people_count": appointment.people_count,
        "representatives": appointment.representatives,
        "district": appointment.district,
        "location": appointment.location,
        "title": appointment.title,
        "content": content,
        "category": appointment.category,
    }


# --- The day before ---------------------------------------------------------------------------


def send_day_before_texts(now: datetime.datetime | None = None) -> int:
    """Remind each citizen with a confirmed booking for tomorrow; each reminder goes once,
    however often this runs (the outbox's dedupe key). Returns how many were queued now."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    confirmed = (
        Appointment.objects.filter(
            state=AppointmentState.CONFIRMED,
            duty__date=tomorrow,
            duty__state=Duty.State.PUBLISHED,
        )
        .select_related("duty__leader", "duty__place")
        .order_by("id")
    )
    queued = 0
    for appointment in confirmed:
        with transaction.atomic():
            message = queue_sms(
                appointment.phone,
                appointment_texts.day_before(appointment),
                about="appointment reminder",
                topic=appointment.topic,
                dedupe_key=f"appointment-eve:{appointment.pk}:{tomorrow.isoformat()}",
            )
        queued += message is not None
    return queued

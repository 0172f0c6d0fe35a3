"""The office's side of appointments: the upcoming reception days with their bookings (each with
its text messages, as the case page lists a case's), a day's places and time slots, confirming or
declining each booking, and on the day turning a booking into a case in one click. Petition
office and administrators only (``access``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Message
from petitions import access, appointments
from petitions.forms.appointments import (
    DecisionForm,
    PlacesForm,
    RegisterForm,
    classification_for,
)
from petitions.models import Appointment
from petitions.models_appointments import AppointmentState
from petitions.views._forms import form_errors
from schedules import appointment_days
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty


def _office(request) -> None:
    if not access.may_handle_appointments(request.user):
        raise PermissionDenied


def _reception_day(pk: int) -> Duty:
    duties = Duty.objects.published().filter(kind=Duty.Kind.RECEPTION)
    return get_object_or_404(duties.select_related("leader", "place"), pk=pk)


@never_cache
def days(request):
    """The published reception days from today on, with their places and bookings."""
    _office(request)
    today = timezone.localdate()
    waiting = Count("appointments", filter=Q(appointments__state=AppointmentState.REQUESTED))
    confirmed = Count("appointments", filter=Q(appointments__state=AppointmentState.CONFIRMED))
    duties = (
        Duty.objects.published()
        .filter(kind=Duty.Kind.RECEPTION, date__gte=today)
        .select_related("leader", "appointment_day")
        .annotate(waiting=waiting, confirmed=confirmed)
        .order_by("date")
    )
    return render(request, "petitions/appointments/office_days.html", {"duties": duties})


def _texts_by_booking(bookings: list[Appointment]) -> dict[str, list[Message]]:
    """Each booking's text messages (newest first), in one query."""
    found: dict[str, list[Message]] = {booking.topic: [] for booking in bookings}
    messages_ = Message.objects.filter(channel=Message.Channel.SMS, topic__in=list(found))
    for message in messages_.order_by("-pk"):
        found[message.topic].append(message)
    return found


def _day_context(duty: Duty, places_form: PlacesForm | None = None) -> dict:
    day = AppointmentDay.objects.filter(duty=duty).first()
    if places_form is None:
        initial = {"places": 0}  # a day not opened yet
        if day is not None:
            initial = {"places": day.places, "slots": "\n".join(day.slots), "version": day.version}
        places_form = PlacesForm(initial=initial)
    bookings = list(duty.appointments.order_by("slot", "created_at", "id"))
    texts = _texts_by_booking(bookings)
    for booking in bookings:
        booking.texts = texts[booking.topic]
        booking.register_form = RegisterForm(
            initial={"classification": classification_for(booking.category)},
            auto_id=f"id_%s_{booking.pk}",
        )
    return {
        "duty": duty,
        "day": day,
        "closes_on": appointment_days.closes_on(duty),
        "places_form": places_form,
        "bookings": bookings,
        "is_the_day": duty.date == timezone.localdate(),
    }


@never_cache
def day(request, pk: int):
    """One reception day: its places and slots, and every booking with what may be done."""
    _office(request)
    duty = _reception_day(pk)
    return render(request, "petitions/appointments/office_day.html", _day_context(duty))


@require_POST
def set_places(request, pk: int):
    _office(request)
    duty = _reception_day(pk)
    form = PlacesForm(request.POST)
    if form.is_valid():
        try:
            appointment_days.open_for_appointments(
                duty,
                places=form.cleaned_data["places"],
                slots=form.cleaned_data["slots"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The day's places are saved."))
            return redirect("appointments:office_day", duty.pk)
    context = _day_context(duty, form)
    return render(request, "petitions/appointments/office_day.html", context, status=400)


def _booking(pk: int) -> Appointment:
    return get_object_or_404(Appointment.objects.select_related("duty"), pk=pk)


@require_POST
def decide(request, pk: int, decision: str):
    """Confirm or decline one booking; the citizen is told by text message."""
    _office(request)
    booking = _booking(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return redirect("appointments:office_day", booking.duty_id)
    version = form.cleaned_data["version"]
    try:
        if decision == "confirm":
            appointments.confirm(booking, by=request.user, version=version)
            messages.success(request, _("Confirmed; the citizen is told by text message."))
        else:
            reason = form.cleaned_data["reason"]
            appointments.decline(booking, by=request.user, reason=reason, version=version)
            messages.success(request, _("Declined; the citizen is told the reason by text."))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect("appointments:office_day", booking.duty_id)


@require_POST
def register(request, pk: int):
    """On the day: the booking becomes a case of the reception day, everything prefilled."""
    _office(request)
    booking = _booking(pk)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the classification."))
        return redirect("appointments:office_day", booking.duty_id)
    try:
        registration = appointments.register(
            booking, by=request.user, classification=form.cleaned_data["classification"]
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("appointments:office_day", booking.duty_id)
    if registration.created:
        messages.success(
            request, _("Registered as case %(number)s.") % {"number": registration.case.number}
        )
    return redirect("petitions:detail", registration.case.pk)

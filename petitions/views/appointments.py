"""Booking a reception day (预约接访), without an account: the form, the booking as the
citizen sees it (found again with the phone and the booking code), and its cancellation.

A matter outside the four kinds a leader takes up on a reception day is not booked: the answer
is at once the referral guidance the non-acceptance notice gives. Bookings and look-ups are
counted per address and hour (``petitions/ratelimit.py``), like the case lookup. Nothing here is
cached: every response is per visitor; what a booking contains is shown only to the session
that booked or found it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from petitions import appointments, ratelimit
from petitions.forms.appointments import BookingForm, FindBookingForm
from petitions.models import Appointment, ReferralReason
from petitions.views._forms import form_errors
from schedules import appointment_days
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty

SESSION_KEY = "petitions.appointment"


def _too_many() -> str:
    return _(
        "Too many attempts from your address. For your security, please try again in an hour, "
        "or call the office."
    )


def _reception_day(pk: int) -> Duty:
    duties = Duty.objects.published().filter(kind=Duty.Kind.RECEPTION)
    return get_object_or_404(duties.select_related("leader", "place"), pk=pk)


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking form of one published reception day (GET), and the booking (POST)."""
    duty = _reception_day(pk)
    today = timezone.localdate()
    day = AppointmentDay.objects.filter(duty=duty).first()
    closes_on = appointment_days.closes_on(duty)
    is_open = day is not None and day.is_open(today, closes_on) and day.places_left > 0
    slots = day.slots if day else []
    form = BookingForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST" and is_open:
        if not ratelimit.count_attempt(request, "booking"):
            form.add_error(None, _too_many())
            status = 429
        elif form.is_valid() and form.is_other_matter:
            return _elsewhere(request)
        elif form.is_valid():
            try:
                booking = appointments.book(
                    duty,
                    today=today,
                    address=ratelimit.client_address(request),
                    **form.booking_fields(),
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = booking.pk
                messages.success(request, _("Your appointment is booked. Keep your booking code."))
                return redirect("appointments:mine")
    context = {"duty": duty, "day": day, "form": form, "is_open": is_open, "closes_on": closes_on}
    return render(request, "petitions/appointments/book.html", context, status=status)


def _elsewhere(request: HttpRequest) -> HttpResponse:
    """A matter not taken up on a reception day: where to go instead, nothing stored."""
    reasons = ReferralReason.objects.filter(active=True).order_by("destination", "title")
    return render(request, "petitions/appointments/elsewhere.html", {"reasons": reasons})


def _session_booking(request: HttpRequest) -> Appointment | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return Appointment.objects.select_related("duty__leader", "duty__place").filter(pk=pk).first()


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The booking this device booked or found; else the form to find one (phone and code)."""
    booking = _session_booking(request) if request.method == "GET" else None
    if booking is not None:
        today = timezone.localdate()
        context = {"booking": booking, "may_cancel": appointments.may_cancel(booking, today)}
        return render(request, "petitions/appointments/mine.html", context)
    form = FindBookingForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        if not ratelimit.count_attempt(request, "booking-lookup"):
            status, error = 429, _too_many()
        elif form.is_valid():
            found = appointments.find(form.cleaned_data["phone"], form.cleaned_data["code"])
            if found is not None:
                request.session.cycle_key()
                request.session[SESSION_KEY] = found.pk
                return redirect("appointments:mine")
            error = _("No appointment matches this phone and booking code.")
            form = FindBookingForm(initial={"phone": request.POST.get("phone", "")})
    context = {"form": form, "error": error}
    return render(request, "petitions/appointments/find.html", context, status=status)


@never_cache
@login_not_required
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    """The citizen cancels the booking shown on this device."""
    booking = _session_booking(request)
    if booking is None:
        return redirect("appointments:mine")
    try:
        appointments.cancel(booking, today=timezone.localdate())
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, _("Your appointment is cancelled; the place is free again."))
    return redirect("appointments:mine")


@never_cache
@login_not_required
@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """Forget the booking on this device (a shared or borrowed phone)."""
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("This device no longer shows your appointment."))
    return redirect("appointments:mine")

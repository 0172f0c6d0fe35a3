"""Appointments for a leader's reception day (预约接访), booked by citizens without an account.

The citizen's name, phone and representatives are personal data: encrypted like a case's, the
phone found by its keyed hash (the citizen's own look-up, one active booking per phone and day).
The booking code is the citizen's key to see and cancel the booking: encrypted, compared in
constant time. The verbs are in ``petitions/appointments.py``; the places are counted on the
day's ``schedules.AppointmentDay``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.history import tracked
from petitions.choices import Category
from petitions.crypto import EncryptedTextField
from schedules.models import District, Duty

ACCEPTED_CATEGORIES = [choice for choice in Category.choices if choice[0] != Category.NOT_ACCEPTED]


class AppointmentState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the office")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    REGISTERED = "registered", _("Received: registered as a case")


# A booking in one of these states holds a place on the day.
ACTIVE_STATES = (
    AppointmentState.REQUESTED,
    AppointmentState.CONFIRMED,
    AppointmentState.REGISTERED,
)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def confirmed_for(self, duty: Duty):
        """Who is expected on the day: confirmed bookings and those already received."""
        return self.filter(
            duty=duty, state__in=[AppointmentState.CONFIRMED, AppointmentState.REGISTERED]
        ).order_by("slot", "created_at", "id")


@tracked()
class Appointment(models.Model):
    """One citizen's booking of a place on a reception day."""

    duty = models.ForeignKey(
        Duty, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("duty day")
    )
    code = EncryptedTextField(_("booking code"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AppointmentState.choices,
        default=AppointmentState.REQUESTED,
    )
    slot = models.CharField(_("time slot"), max_length=11, blank=True)

    name = EncryptedTextField(_("name"), max_length=50)
    phone = EncryptedTextField(_("mobile phone"))
    phone_hash = models.CharField(max_length=64, db_index=True)
    district = models.CharField(_("district or county"), max_length=20, choices=District.choices)
    location = models.CharField(_("where the problem is"), max_length=200)
    matter = models.TextField(_("the matter"))
    category = models.CharField(_("category"), max_length=2, choices=ACCEPTED_CATEGORIES)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    representatives = EncryptedTextField(_("representatives"), max_length=200, blank=True)
    petitioned_before = models.BooleanField(_("petitioned before"), default=False)
    earlier_case_number = models.CharField(_("earlier case number"), max_length=40, blank=True)

    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The case it became on the day; the token makes a second click find that case.
    case = models.OneToOneField(
        "petitions.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointment",
        verbose_name=_("case"),
    )
    case_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["duty", "slot", "created_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "phone_hash"],
                condition=Q(state__in=[state.value for state in ACTIVE_STATES]),
                name="one_active_appointment_per_phone_and_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} #{self.pk} {self.state}"

    @property
    def topic(self) -> str:
        """The outbox topic of the booking's text messages."""
        return f"booking:{self.pk}"

    @property
    def title(self) -> str:
        """The matter's first line, as a case title."""
        first = self.matter.strip().splitlines()[0] if self.matter.strip() else ""
        return first[:100]

"""A reception day open for appointments (预约接访): the places and time slots the office sets
per duty, and how many places are taken.

The count of places taken lives here, beside the places, so that the public day listing reads
one row per day and never counts bookings (which are the petitions app's records, with the
citizens' encrypted data). The petitions app's booking verbs lock this row while they book or
free a place: two citizens booking the last place at once get one place between them.

Imported by ``schedules/models.py``: the model belongs to the roster app. The verb that sets
the places is ``schedules.appointment_days.open_for_appointments``.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.history import tracked
from schedules.models import Duty

SLOT_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


@tracked()
class AppointmentDay(models.Model):
    """The places and time slots of one reception day, and the places booked."""

    duty = models.OneToOneField(
        Duty,
        on_delete=models.CASCADE,
        related_name="appointment_day",
        verbose_name=_("duty day"),
    )
    places = models.PositiveSmallIntegerField(_("places"), default=0)
    slots = ArrayField(
        models.CharField(max_length=11),
        default=list,
        blank=True,
        verbose_name=_("time slots"),
    )
    taken = models.PositiveSmallIntegerField(_("places taken"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appointment day")
        verbose_name_plural = _("appointment days")
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("places")), name="taken_within_places")
        ]

    def __str__(self) -> str:
        return f"{self.duty}: {self.taken}/{self.places}"

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.taken)

    def is_open(self, today: datetime.date, closes_on: datetime.date) -> bool:
        """Bookings are taken until the working day before the day (``closes_on``): that
        working day is the office's, to confirm each booking and tell the citizen."""
        return self.places > 0 and today < closes_on and self.duty.is_published

"""The text messages a citizen receives about an appointment: confirmed, declined, cancelled,
the reminder the day before, and the day cancelled or moved by the office.

Written in the office's language (the citizen is not at a browser when the worker sends), short
enough for a few text-message segments, each with the booking code and where to look it up, so
that a citizen can cancel from the message alone.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from petitions.models_appointments import Appointment
from schedules.models import Duty


def lookup_url() -> str:
    """Where a citizen sees and cancels a booking with the phone and the code: the public
    address (``PUBLIC_SITE_URL``), not the one staff open."""
    return settings.PUBLIC_SITE_URL + reverse("appointments:mine")


def booking_url(duty: Duty) -> str:
    """The public page where a citizen books a place on ``duty``."""
    return settings.PUBLIC_SITE_URL + reverse("appointments:book", args=[duty.pk])


def _facts(appointment: Appointment) -> dict[str, str]:
    duty = appointment.duty
    place = duty.place
    return {
        "bureau": str(settings.BUREAU_NAME),
        "date": formats.date_format(duty.date, "DATE_FORMAT"),
        "slot": appointment.slot or _("during the reception hours"),
        "place": f"{place.name} {place.address}".strip() if place else _("the petition office"),
        "leader": duty.leader.name,
        "code": appointment.code,
        "url": lookup_url(),
    }


def confirmed(appointment: Appointment) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "[%(bureau)s] Your appointment with %(leader)s on %(date)s, %(slot)s, is "
            "confirmed. Place: %(place)s. Please bring your ID card. Booking code "
            "%(code)s; to cancel: %(url)s"
        ) % _facts(appointment)


def declined(appointment: Appointment) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_facts(appointment), "reason": appointment.decline_reason}
        return (
            _(
                "[%(bureau)s] Your appointment for the reception day on %(date)s is declined: "
                "%(reason)s Booking code %(code)s."
            )
            % facts
        )


def cancelled(appointment: Appointment) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "[%(bureau)s] Your appointment for the reception day on %(date)s is cancelled, "
            "as you asked. Booking code %(code)s."
        ) % _facts(appointment)


def day_before(appointment: Appointment) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "[%(bureau)s] Reminder: your appointment with %(leader)s is tomorrow, %(date)s, "
            "%(slot)s. Place: %(place)s. Booking code %(code)s; if you cannot come, "
            "cancel at %(url)s"
        ) % _facts(appointment)


def day_cancelled(appointment: Appointment, replacement: Duty | None) -> str:
    """The reception day is cancelled, and the booking with it; where to book again when the
    leader receives on another day instead."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(appointment)
        if replacement is None:
            return (
                _(
                    "[%(bureau)s] The reception day with %(leader)s on %(date)s is cancelled, and "
                    "your appointment with it. We apologise. Booking code %(code)s."
                )
                % facts
            )
        facts["new_date"] = formats.date_format(replacement.date, "DATE_FORMAT")
        facts["book"] = booking_url(replacement)
        return (
            _(
                "[%(bureau)s] The reception day with %(leader)s on %(date)s is cancelled, and "
                "your appointment with it. %(leader)s receives on %(new_date)s instead: book "
                "again at %(book)s Booking code %(code)s."
            )
            % facts
        )


def day_moved(appointment: Appointment, previous_date) -> str:
    """The reception day moved: the booking waits for the office to confirm it again."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            **_facts(appointment),
            "previous": formats.date_format(previous_date, "DATE_FORMAT"),
        }
        return (
            _(
                "[%(bureau)s] The reception day with %(leader)s has moved from %(previous)s to "
                "%(date)s. The office will confirm your appointment again by text. If you cannot "
                "come, cancel at %(url)s Booking code %(code)s."
            )
            % facts
        )

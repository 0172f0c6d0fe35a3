"""What the public may see of the rosters: published days with public fields only (and the
published days since cancelled, marked so, in the day listing).

What the public sees is built from `PublicDay` records that carry only public fields (leader
name and position, date, place with its address, hours and map link, destination): a contact
person's name or phone number cannot reach a template or a calendar file by mistake.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from schedules import services
from schedules.models import AppointmentDay, Duty, Place


@dataclass(frozen=True)
class PublicPlace:
    name: str
    address: str
    phone: str
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None
    map_url: str = ""

    @property
    def hours(self) -> str:
        """The reception hours, "08:30–11:30"; empty unless both ends are set."""
        if self.opens_at is None or self.closes_at is None:
            return ""
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def tel(self) -> str:
        """The phone as a tel: target, with the city's area code when it is missing."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        if digits and not digits.startswith(("0", "+", "1")):
            digits = settings.CITY_AREA_CODE + digits
        return digits

    @classmethod
    def of(cls, place: Place | None) -> PublicPlace | None:
        if place is None:
            return None
        return cls(
            name=place.name,
            address=place.address,
            phone=place.phone,
            opens_at=place.opens_at if place.has_hours else None,
            closes_at=place.closes_at if place.has_hours else None,
            map_url=place.map_url,
        )


@dataclass(frozen=True)
class PublicDay:
    """One published duty, as the public sees it (no contact person, no staff phone)."""

    pk: int
    kind: str
    kind_label: str
    date: datetime.date
    leader_name: str
    leader_position: str
    place: PublicPlace | None
    destination: str
    updated_on: datetime.date | None
    provisional: bool
    published: datetime.datetime
    sequence: int
    is_past: bool = False
    is_today: bool = False
    is_next: bool = False
    # A cancelled day stays listed, struck out, with the day held instead (if any).
    cancelled: bool = False
    replacement_date: datetime.date | None = None
    # Why the rule moved the day off the plan's 12th or 15th ("4月12日为…，顺延至4月13日").
    moved_reason: str = ""
    # A reception day open for appointments: the places left (None: not open for booking).
    places_left: int | None = None

    @property
    def is_reception(self) -> bool:
        return self.kind == Duty.Kind.RECEPTION


def published_duties():
    """The duties the public may see, with what their days show, in date order."""
    return Duty.objects.published().select_related("leader", "place").order_by("date", "kind")


def places_left(duty: Duty, today: datetime.date, cal) -> int | None:
    """The places left on a day that takes appointments (0: full); None when it takes none
    (not opened, or bookings closed the working day before)."""
    try:
        day = duty.appointment_day
    except AppointmentDay.DoesNotExist:
        return None
    if duty.date <= today or not day.is_open(today, cal.previous_working_day(duty.date)):
        return None
    return day.places_left


def public_day(
    duty: Duty,
    confirmed: Callable[[int], bool],
    today: datetime.date,
    next_pk: int | None,
    moved_reason: str = "",
    cal=None,
) -> PublicDay:
    changed = duty.changed_after_publication_at
    replacement = duty.replacement_or_none() if duty.is_cancelled else None
    return PublicDay(
        pk=duty.pk,
        kind=duty.kind,
        kind_label=str(duty.get_kind_display()),
        date=duty.date,
        leader_name=duty.leader.name,
        leader_position=duty.leader.position,
        place=PublicPlace.of(duty.place),
        destination=duty.destination,
        updated_on=timezone.localdate(changed) if changed else None,
        provisional=not confirmed(duty.date.year),
        published=changed or duty.published_at or duty.updated_at,
        sequence=duty.version,
        is_past=duty.date < today,
        is_today=duty.date == today,
        is_next=duty.pk == next_pk,
        cancelled=duty.is_cancelled,
        replacement_date=replacement.date if replacement else None,
        moved_reason="" if duty.is_cancelled else moved_reason,
        places_left=places_left(duty, today, cal) if cal is not None else None,
    )


def moved_reasons(year: int, cal) -> dict[tuple[str, int, datetime.date], str]:
    """Per (kind, month, date) the rule gives: why that date is not the plan's nominal day."""
    return {
        (kind, dd.nominal.month, dd.date): services.move_reason(dd)
        for kind, dds in services.rule_dates(year, cal=cal).items()
        for dd in dds
        if dd.moved
    }


def listing(year: int, today: datetime.date) -> dict:
    """What the day listing shows: a year's days, the next reception day, the office."""
    cal = services.calendar()
    upcoming = (
        published_duties()
        .filter(kind=Duty.Kind.RECEPTION, date__gte=today)
        .select_related("appointment_day")
        .first()
    )
    next_pk = upcoming.pk if upcoming else None
    reasons = moved_reasons(year, cal)
    shown = (
        Duty.objects.seen_by_public()
        .of_year(year)
        .select_related("leader", "place", "replacement", "appointment_day")
        .order_by("date", "kind")
    )
    days = [
        public_day(
            d, cal.is_confirmed, today, next_pk, reasons.get((d.kind, d.month, d.date), ""), cal
        )
        for d in shown
    ]
    published_years = set(Duty.objects.published().values_list("year", flat=True).distinct())
    return {
        "bureau_name": settings.BUREAU_NAME,
        "year": year,
        "today": today,
        "years": sorted(published_years | {year, today.year}, reverse=True),
        "reception_days": [d for d in days if d.kind == Duty.Kind.RECEPTION],
        "visit_days": [d for d in days if d.kind == Duty.Kind.VISIT],
        "next_day": (
            public_day(upcoming, cal.is_confirmed, today, next_pk, cal=cal) if upcoming else None
        ),
        "provisional": not cal.is_confirmed(year),
        "office": PublicPlace.of(Place.objects.filter(is_default=True).first()),
        "reception_day": settings.RECEPTION_DAY,
        "visit_day": settings.VISIT_DAY,
        "group_size": settings.GROUP_PETITION_SIZE,
    }


def all_days() -> list[PublicDay]:
    """Every published day, for the calendar feed."""
    cal = services.calendar()
    today = timezone.localdate()
    return [public_day(d, cal.is_confirmed, today, None) for d in published_duties()]


def one_day(duty: Duty) -> PublicDay:
    """A single published duty as the public sees it."""
    return public_day(duty, services.calendar().is_confirmed, timezone.localdate(), None)

"""Published days as iCalendar data, to subscribe to or to add one day to a calendar.

A day at a place whose reception hours the office has set is a timed event in the city's time
zone (Asia/Shanghai, with its VTIMEZONE), so a calendar shows the hours wherever it is. Any other
day is an all-day event: the plan names the day, not the hours, so a timed event would invent a
schedule; a DATE value also shows on the right day in any time zone without a VTIMEZONE.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from schedules.public_days import PublicDay

ICAL_UID_DOMAIN = "xinfang.chaoyang-sthjj"  # fixed, so UIDs do not depend on the host name


def calendar(days: Iterable[PublicDay]) -> Calendar:
    """A calendar with one all-day event per day, named after the bureau."""
    calendar = Calendar()
    calendar.add("prodid", "-//Chaoyang Ecology and Environment Bureau//Petition office//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = _("%(bureau)s: leaders' reception and visit days") % {"bureau": settings.BUREAU_NAME}
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for day in days:
        calendar.add_component(_event(day))
    calendar.add_missing_timezones()  # a VTIMEZONE for the timed events' zone, if any
    return calendar


def _times(day: PublicDay) -> tuple[datetime.date, datetime.date]:
    """Start and end: the place's hours in the city's time, else the whole day."""
    place = day.place
    if place is None or place.opens_at is None or place.closes_at is None:
        return day.date, day.date + datetime.timedelta(days=1)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.datetime.combine(day.date, place.opens_at, tzinfo=zone),
        datetime.datetime.combine(day.date, place.closes_at, tzinfo=zone),
    )


def _event(day: PublicDay) -> Event:
    event = Event()
    event.add("uid", f"duty-{day.pk}@{ICAL_UID_DOMAIN}")
    # The feed has no METHOD, so DTSTAMP is the last change: the file stays the same (and its
    # ETag with it) until the day changes.
    event.add("dtstamp", day.published)
    event.add("last-modified", day.published)
    event.add("sequence", day.sequence)
    start, end = _times(day)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("transp", "TRANSPARENT")
    event.add("status", "TENTATIVE" if day.provisional else "CONFIRMED")
    event.add(
        "summary",
        _("%(kind)s: %(leader)s (%(position)s)")
        % {"kind": day.kind_label, "leader": day.leader_name, "position": day.leader_position},
    )
    location = _location(day)
    if location:
        event.add("location", location)
    event.add("description", _description(day))
    return event


def _location(day: PublicDay) -> str:
    if day.place:
        return ", ".join(part for part in (day.place.name, day.place.address) if part)
    return day.destination


def _description(day: PublicDay) -> str:
    lines = []
    if day.is_reception:
        lines.append(_("The leader on duty receives petitioners in person."))
    else:
        lines.append(_("The leader on duty visits the places where problems were reported."))
        if day.destination:
            lines.append(_("Destination: %(destination)s") % {"destination": day.destination})
    if day.place and day.place.hours:
        lines.append(_("Reception hours %(hours)s") % {"hours": day.place.hours})
    if day.place and day.place.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": day.place.phone})
    if day.place and day.place.map_url:
        lines.append(_("Map: %(url)s") % {"url": day.place.map_url})
    if day.updated_on:
        lines.append(
            _("Updated on %(date)s") % {"date": formats.date_format(day.updated_on, "DATE_FORMAT")}
        )
    if day.provisional:
        lines.append(
            _(
                "Provisional: the official holiday arrangement for %(year)s is not known yet, "
                "so this date may still move."
            )
            % {"year": day.date.year}
        )
    return "\n".join(lines)

"""Public pages: the published reception and visit days, with no sign-in.

What the public sees is built from `PublicDay` records that carry only public fields (leader
name and position, date, place, destination): a contact person's name or phone number cannot
reach a template or a calendar file by mistake.

How the day listing stays fast and fresh
----------------------------------------
Production runs gunicorn with several worker processes and has no Redis, so a process-local
cache alone would keep serving old days in the workers that did not handle the publication.
The design:

* Each worker keeps the pages it rendered in memory (``_MEMO``), keyed by year, language and
  today's date, and tagged with a *stamp*: a random token in the file
  ``var/cache/public-stamp-<database name>``, the same file for every process on the machine.
* ``services.clear_public_cache`` runs on commit after a publication, swap or replacement and
  calls `new_stamp`, which writes a fresh token to a temporary file and renames it over the
  stamp (atomic: a reader sees the old token or the new one, never half a file).
* Every request reads the token: one open/read/close of a 32-byte file, a few microseconds, and
  no PostgreSQL. A token different from the one the worker's pages were rendered under throws
  those pages away, so the next request in *every* process renders from the database:
  invalidation reaches all workers at once, with no signalling between processes. The token's
  content is compared, not the file's mtime, whose clock ticks too coarsely to tell apart two
  changes in the same few milliseconds.
* The stamp is read before the database, so a page is never tagged with a newer stamp than the
  data it shows. The database name in the file name keeps test runs (each on its own database)
  from sharing a stamp with the development server or with each other.
* A page also expires after `PAGE_TTL` seconds, a safety net for changes that do not go through
  the roster services (a leader's position or the room's phone edited in the admin).
* The rendered page has no per-visitor content (it is rendered without the request: no CSRF
  token, no user name; the language switch is a plain link), so one copy serves everybody who
  reads that language. The response varies on ``Cookie`` and ``Accept-Language`` (the language
  comes from the cookie or the browser), and its ETag is a hash of the body, so a conditional
  request gets 304 until the content really changes, whichever worker answers.

A request for a cached page therefore costs little more than the middleware every Django view
pays for: about the same as a view that returns a constant (see ``bench/public.py``).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from schedules import services
from schedules.models import Duty, Place
from schedules.services import PUBLIC_STAMP_KEY

logger = logging.getLogger(__name__)

PAGE_TTL = 300  # seconds a rendered page is kept even when the stamp has not changed
ICAL_UID_DOMAIN = "xinfang.chaoyang-sthjj"  # fixed, so UIDs do not depend on the host name
YEARS = range(2000, 2101)
HTML = "text/html; charset=utf-8"
ICAL = "text/calendar; charset=utf-8"
DAY = 86400


# --- The stamp and the per-process page memo --------------------------------------------------

_stamp_paths: dict[str, str] = {}


def stamp_path() -> str:
    """The stamp file of the database in use: ``var/cache/public-stamp-<database name>``."""
    name = str(settings.DATABASES["default"]["NAME"])
    path = _stamp_paths.get(name)
    if path is None:
        safe = re.sub(r"[^\w.-]", "_", name)
        path = str(Path(settings.VAR_DIR) / "cache" / f"{PUBLIC_STAMP_KEY}-{safe}")
        _stamp_paths[name] = path
    return path


def new_stamp() -> None:
    """Make every cached public page stale, in every process (see the module docstring).

    The new token goes to a temporary file that then replaces the stamp: a reader sees the old
    token or the new one, never a half-written file.
    """
    path = Path(stamp_path())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".public-stamp-")
    except OSError:
        # The change itself is committed: say so loudly, and let PAGE_TTL catch up.
        logger.exception("Cannot write %s: public pages stay stale for %s s", path, PAGE_TTL)
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(uuid.uuid4().hex.encode())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def public_data_changed(sender, **kwargs) -> None:
    """Signal receiver for saves and deletions of what the public pages show (leaders, places,
    confirmed years, calendar corrections, duties edited in the admin): new stamp on commit."""
    transaction.on_commit(services.clear_public_cache)


def current_stamp() -> bytes:
    """The token of the last change (empty before the first one): one small file read."""
    try:
        handle = os.open(stamp_path(), os.O_RDONLY)
    except FileNotFoundError:
        return b""
    try:
        return os.read(handle, 64)
    finally:
        os.close(handle)


_today_cache: tuple[float, float, datetime.date] = (0.0, 0.0, datetime.date.min)


def today() -> datetime.date:
    """``timezone.localdate()``, worked out once per day rather than once per request."""
    global _today_cache
    now = time.time()
    start, end, day = _today_cache
    if not start <= now < end:
        local = timezone.localtime()
        day = local.date()
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        # At most a day long, and never across midnight (even one that a DST change moves).
        start = midnight.timestamp()
        end = min(start + DAY, (midnight + datetime.timedelta(days=1)).timestamp())
        _today_cache = (start, end, day)
    return day


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    expires: float  # time.monotonic() value


class PageMemo:
    """Rendered pages of one process, all valid for a single stamp."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: bytes | object = object()
        self._pages: dict[tuple, CachedPage] = {}

    def get(self, stamp: bytes, key: tuple) -> CachedPage | None:
        if stamp != self._stamp:
            return None
        page = self._pages.get(key)
        if page is None or page.expires < time.monotonic():
            return None
        return page

    def put(self, stamp: bytes, key: tuple, body: bytes) -> CachedPage:
        page = CachedPage(
            body=body,
            etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
            expires=time.monotonic() + PAGE_TTL,
        )
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                self._pages = {}
            elif len(self._pages) >= 32:  # keep memory bounded: drop what has expired
                now = time.monotonic()
                self._pages = {k: p for k, p in self._pages.items() if p.expires >= now}
            self._pages[key] = page
        return page

    def clear(self) -> None:
        with self._lock:
            self._stamp = object()
            self._pages = {}


_MEMO = PageMemo()


def _cached_response(
    request, key: tuple, build: Callable[[], str], content_type: str
) -> HttpResponse:
    """The page for ``key`` from the memo (rendered by ``build`` when missing), or a 304."""
    stamp = current_stamp()
    page = _MEMO.get(stamp, key)
    if page is None:
        page = _MEMO.put(stamp, key, build().encode())
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and _etag_matches(page.etag, if_none_match):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type=content_type)
    response["ETag"] = page.etag
    # Stored, but checked with the server every time: a publication shows at once.
    response["Cache-Control"] = "no-cache"
    response["Vary"] = "Accept-Language, Cookie"
    return response


def _etag_matches(etag: str, if_none_match: str) -> bool:
    """If-None-Match compares weakly (RFC 9110): a proxy may have marked our ETag W/."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.removeprefix("W/") == etag for tag in parse_etags(if_none_match))


# --- What the public may see ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPlace:
    name: str
    address: str
    phone: str

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
        return cls(name=place.name, address=place.address, phone=place.phone)


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

    @property
    def is_reception(self) -> bool:
        return self.kind == Duty.Kind.RECEPTION


def _public_duties():
    return Duty.objects.published().select_related("leader", "place").order_by("date", "kind")


def _public_day(
    duty: Duty, confirmed: Callable[[int], bool], today: datetime.date, next_pk: int | None
) -> PublicDay:
    changed = duty.changed_after_publication_at
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
    )


def _year_from(request, today: datetime.date) -> int:
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdecimal() and int(raw) in YEARS:
        return int(raw)
    return today.year


def _listing_url(year: int, today: datetime.date, **extra: str) -> str:
    """The listing's address; the current year needs no parameter."""
    query = {"year": year} if year != today.year else {}
    query.update(extra)
    url = reverse("schedules:public")
    return f"{url}?{urlencode(query)}" if query else url


# --- The day listing --------------------------------------------------------------------------


@login_not_required
@require_safe
def duty_list(request):
    """This year's published days (or ``?year=``), the next reception day, how to petition.

    ``?lang=en`` (the page's language link) sets the language cookie and comes back here:
    Django's ``set_language`` needs a POST with a CSRF token, which a cached page cannot carry.
    """
    day = today()
    year = day.year
    if request.META.get("QUERY_STRING"):  # most requests have none: skip parsing it
        year = _year_from(request, day)
        if "lang" in request.GET:
            return _switch_language(request.GET["lang"], _listing_url(year, day))
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    return _cached_response(
        request,
        ("list", year, day, language),
        lambda: _render_list(year, day, language),
        HTML,
    )


def _switch_language(code: str, target: str) -> HttpResponse:
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response


def _render_list(year: int, today: datetime.date, language: str) -> str:
    cal = services.calendar()
    upcoming = _public_duties().filter(kind=Duty.Kind.RECEPTION, date__gte=today).first()
    next_pk = upcoming.pk if upcoming else None
    days = [
        _public_day(d, cal.is_confirmed, today, next_pk) for d in _public_duties().of_year(year)
    ]
    next_day = _public_day(upcoming, cal.is_confirmed, today, next_pk) if upcoming else None
    published_years = set(Duty.objects.published().values_list("year", flat=True).distinct())
    default_place = PublicPlace.of(Place.objects.filter(is_default=True).first())
    context = {
        "bureau_name": settings.BUREAU_NAME,
        "year": year,
        "today": today,
        "years": sorted(published_years | {year, today.year}, reverse=True),
        "reception_days": [d for d in days if d.kind == Duty.Kind.RECEPTION],
        "visit_days": [d for d in days if d.kind == Duty.Kind.VISIT],
        "next_day": next_day,
        "provisional": not cal.is_confirmed(year),
        "office": default_place,
        "reception_day": settings.RECEPTION_DAY,
        "visit_day": settings.VISIT_DAY,
        "group_size": settings.GROUP_PETITION_SIZE,
        "other_languages": [
            {"code": code, "name": name, "url": _listing_url(year, today, lang=code)}
            for code, name in settings.LANGUAGES
            if code != language
        ],
    }
    return render_to_string("public/duties.html", context)


# --- Calendar files ---------------------------------------------------------------------------
# All-day events: the plan names the day, not the hours, so a timed event would invent a
# schedule; a DATE value also shows on the right day in any time zone without a VTIMEZONE.


@login_not_required
@require_safe
def duties_ics(request):
    """Every published day as an iCalendar feed to subscribe to."""
    language = get_language()
    response = _cached_response(request, ("ics", language), _render_feed, ICAL)
    response["Content-Disposition"] = 'inline; filename="duties.ics"'
    return response


@login_not_required
@require_safe
def duty_ics(request, pk: int):
    """One published day's event, to add to a calendar; anything else is a 404."""
    duty = get_object_or_404(_public_duties(), pk=pk)
    cal = services.calendar()
    day = _public_day(duty, cal.is_confirmed, timezone.localdate(), None)
    response = HttpResponse(_calendar([day]).to_ical(), content_type=ICAL)
    response["Content-Disposition"] = f'attachment; filename="{day.kind}-{day.date:%Y-%m-%d}.ics"'
    return response


def _render_feed() -> str:
    cal = services.calendar()
    today = timezone.localdate()
    days = [_public_day(d, cal.is_confirmed, today, None) for d in _public_duties()]
    return _calendar(days).to_ical().decode()


def _calendar(days: Iterable[PublicDay]) -> Calendar:
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
    return calendar


def _event(day: PublicDay) -> Event:
    event = Event()
    event.add("uid", f"duty-{day.pk}@{ICAL_UID_DOMAIN}")
    # The feed has no METHOD, so DTSTAMP is the last change: the file stays the same (and its
    # ETag with it) until the day changes.
    event.add("dtstamp", day.published)
    event.add("last-modified", day.published)
    event.add("sequence", day.sequence)
    event.add("dtstart", day.date)
    event.add("dtend", day.date + datetime.timedelta(days=1))
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
    if day.place and day.place.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": day.place.phone})
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

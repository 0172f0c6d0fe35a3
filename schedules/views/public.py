"""Public pages: the published reception and visit days and their calendar files, no sign-in.

The listing and the feed come from the per-process page cache (``schedules.public_cache``):
a request for a cached page costs little more than the middleware. The page has no per-visitor
content (it is rendered without the request: no CSRF token, no user name; the language switch is
a plain link), so one copy serves everybody who reads that language. The response varies on
``Cookie`` and ``Accept-Language`` (the language comes from the cookie or the browser), is
stored but checked with the server every time (a publication shows at once), and Django's
``condition()`` answers a conditional request with 304 while the page's ETag still matches.
"""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import check_for_language, get_language
from django.views.decorators.http import condition, require_safe

from schedules import ical, public_cache, public_days
from schedules.public_cache import Lookup
from schedules.workdays import YEARS

HTML = "text/html; charset=utf-8"
ICAL = "text/calendar; charset=utf-8"


def _etag(request, lookup: Lookup, content_type: str) -> str:
    """The cached page's ETag; the view then sends the body of the same lookup."""
    return lookup.page.etag


def _revalidated(view):
    """Stored, but checked with the server every time (a publication shows at once); one copy
    per language. Set outright, 304s included: ``cache_control`` and ``vary_on_headers`` parse
    and merge headers, which shows in ``bench/public.py``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        response["Vary"] = "Accept-Language, Cookie"
        return response

    return wrapper


@_revalidated
@condition(etag_func=_etag)
def _cached(request, lookup: Lookup, content_type: str) -> HttpResponse:
    """The page from the cache, or (by ``condition``) a 304 when the client has it."""
    return HttpResponse(lookup.page.body, content_type=content_type)


# --- The day listing --------------------------------------------------------------------------


@login_not_required
@require_safe
def duty_list(request):
    """This year's published days (or ``?year=``), the next reception day, how to petition.

    ``?lang=en`` (the page's language link) sets the language cookie and comes back here:
    Django's ``set_language`` needs a POST with a CSRF token, which a cached page cannot carry.
    """
    day = public_cache.today()
    year = day.year
    if request.META.get("QUERY_STRING"):  # most requests have none: skip parsing it
        year = _year_from(request, day)
        if "lang" in request.GET:
            return _switch_language(request.GET["lang"], _listing_url(year, day))
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    lookup = Lookup(("list", year, day, language), lambda: _render_list(year, day, language))
    return _cached(request, lookup, HTML)


def _year_from(request, today: datetime.date) -> int:
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdecimal() and len(raw) <= 4 and int(raw) in YEARS:
        return int(raw)
    return today.year


def _listing_url(year: int, today: datetime.date, **extra: str) -> str:
    """The listing's address; the current year needs no parameter."""
    query = {"year": year} if year != today.year else {}
    query.update(extra)
    url = reverse("schedules:public")
    return f"{url}?{urlencode(query)}" if query else url


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
    context = public_days.listing(year, today)
    context["other_languages"] = [
        {"code": code, "name": name, "url": _listing_url(year, today, lang=code)}
        for code, name in settings.LANGUAGES
        if code != language
    ]
    return render_to_string("public/duties.html", context)


# --- Calendar files ---------------------------------------------------------------------------


@login_not_required
@require_safe
def duties_ics(request):
    """Every published day as an iCalendar feed to subscribe to."""
    lookup = Lookup(("ics", get_language()), _render_feed)
    response = _cached(request, lookup, ICAL)
    response["Content-Disposition"] = 'inline; filename="duties.ics"'
    return response


def _render_feed() -> str:
    return ical.calendar(public_days.all_days()).to_ical().decode()


@login_not_required
@require_safe
def duty_ics(request, pk: int):
    """One published day's event, to add to a calendar; anything else is a 404."""
    day = public_days.one_day(get_object_or_404(public_days.published_duties(), pk=pk))
    response = HttpResponse(ical.calendar([day]).to_ical(), content_type=ICAL)
    response["Content-Disposition"] = f'attachment; filename="{day.kind}-{day.date:%Y-%m-%d}.ics"'
    return response

"""The office sets the reception hours, street address and map link of a place; the public page
shows them and the calendar events become timed events in the city's time."""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from schedules import public_cache, rotation, services
from schedules.models import Duty, Place

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MAP = "https://map.example.cn/place/chaoyang-petition-room"


@pytest.fixture(autouse=True)
def fresh_public_cache():
    public_cache.MEMO.clear()
    yield
    public_cache.MEMO.clear()


@pytest.fixture
def published_2025(leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    services.publish_year(2025)


def place_form(place: Place, **changes) -> dict:
    data = {
        "version": place.version,
        "name": place.name,
        "address": "朝阳市双塔区新华路三段45号",
        "phone": place.phone,
        "opens_at": "08:30",
        "closes_at": "11:30",
        "map_url": MAP,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def events(client, url: str = "/duties.ics") -> dict:
    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}, calendar


def event_of(client, duty: Duty):
    found, _calendar = events(client)
    return next(e for uid, e in found.items() if uid.startswith(f"duty-{duty.pk}@"))


def duty(kind: str, month: int) -> Duty:
    return Duty.objects.current().get(kind=kind, year=2025, month=month)


# --- The office sets them -------------------------------------------------------------------


def test_a_clerk_sets_the_hours_address_and_map_link(client_of, clerk, place):
    url = reverse("schedules:place_edit", args=[place.pk])
    response = client_of(clerk).post(url, place_form(place))

    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.opens_at, place.closes_at) == (datetime.time(8, 30), datetime.time(11, 30))
    assert place.address == "朝阳市双塔区新华路三段45号"
    assert place.map_url == MAP


def test_the_places_page_lists_the_hours(client_of, clerk, place):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))

    page = client_of(clerk).get(reverse("schedules:places")).content.decode()
    assert "08:30–11:30" in page


def test_one_time_alone_is_refused_at_the_field(client_of, clerk, place):
    url = reverse("schedules:place_edit", args=[place.pk])
    response = client_of(clerk).post(url, place_form(place, closes_at=""))

    assert response.status_code == 400
    assert "closes_at" in response.context["form"].errors
    place.refresh_from_db()
    assert place.opens_at is None


def test_hours_that_end_before_they_start_are_refused(client_of, clerk, place):
    url = reverse("schedules:place_edit", args=[place.pk])
    response = client_of(clerk).post(url, place_form(place, opens_at="12:00"))

    assert response.status_code == 400
    assert "closes_at" in response.context["form"].errors


def test_a_map_link_that_is_not_a_web_address_is_refused(client_of, clerk, place):
    url = reverse("schedules:place_edit", args=[place.pk])
    response = client_of(clerk).post(url, place_form(place, map_url="javascript:alert(1)"))

    assert response.status_code == 400
    assert "map_url" in response.context["form"].errors
    place.refresh_from_db()
    assert place.map_url == ""


def test_a_stale_place_form_is_refused_with_a_message(client_of, clerk, place):
    stale = place_form(place)
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))

    response = client_of(clerk).post(
        reverse("schedules:place_edit", args=[place.pk]), {**stale, "opens_at": "09:00"}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    place.refresh_from_db()
    assert place.opens_at == datetime.time(8, 30)


@pytest.mark.parametrize("who", ["unit_handler", "leader_user", "stranger"])
def test_others_may_not_change_a_place(client_of, request, place, who):
    user = request.getfixturevalue(who)
    url = reverse("schedules:place_edit", args=[place.pk])

    assert client_of(user).get(url).status_code == 403
    assert client_of(user).post(url, place_form(place)).status_code == 403
    place.refresh_from_db()
    assert place.opens_at is None


def test_an_anonymous_visitor_is_sent_to_sign_in(client, place):
    response = client.get(reverse("schedules:places"))
    assert response.status_code == 302


# --- The public page ------------------------------------------------------------------------


def test_the_public_page_shows_the_hours_address_and_map_link(
    client_of, clerk, client, published_2025, place
):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))
    client.logout()

    with time_machine.travel(datetime.datetime(2025, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        page = html.unescape(client.get("/").content.decode())

    next_box = re.search(r'<section class="next-day".*?</section>', page, re.S).group(0)
    assert "08:30" in next_box and "11:30" in next_box
    assert "朝阳市双塔区新华路三段45号" in next_box
    assert f'href="{MAP}"' in next_box
    assert re.search(rf'<tr id="day-{duty("reception", 5).pk}".*?08:30–11:30.*?</tr>', page, re.S)


def test_without_hours_the_public_page_shows_none(client, published_2025, place):
    with time_machine.travel(datetime.datetime(2025, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        page = client.get("/").content.decode()

    assert "08:30" not in page


# --- The calendar ---------------------------------------------------------------------------


def test_a_reception_day_with_hours_is_a_timed_event_in_shanghai_time(
    client_of, clerk, client, published_2025, place
):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))
    client.logout()

    event = event_of(client, duty("reception", 3))

    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime.datetime(2025, 3, 12, 8, 30, tzinfo=SHANGHAI)
    assert end == datetime.datetime(2025, 3, 12, 11, 30, tzinfo=SHANGHAI)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "朝阳市双塔区新华路三段45号" in str(event["LOCATION"])
    assert MAP in str(event["DESCRIPTION"])


def test_the_feed_carries_the_time_zone_of_its_timed_events(
    client_of, clerk, client, published_2025, place
):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))
    client.logout()

    _found, calendar = events(client)

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_single_days_file_is_timed_too(client_of, clerk, client, published_2025, place):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))
    client.logout()

    found, calendar = events(client, f"/duties/{duty('reception', 3).pk}.ics")

    (event,) = found.values()
    assert event.decoded("DTSTART") == datetime.datetime(2025, 3, 12, 8, 30, tzinfo=SHANGHAI)
    assert calendar.walk("VTIMEZONE")


def test_without_hours_a_reception_day_stays_an_all_day_event(client, published_2025, place):
    event = event_of(client, duty("reception", 3))

    assert event.decoded("DTSTART") == datetime.date(2025, 3, 12)
    assert event.decoded("DTEND") == datetime.date(2025, 3, 13)


def test_a_visit_day_stays_an_all_day_event_when_the_room_has_hours(
    client_of, clerk, client, published_2025, place
):
    client_of(clerk).post(reverse("schedules:place_edit", args=[place.pk]), place_form(place))
    client.logout()

    event = event_of(client, duty("visit", 3))

    assert event.decoded("DTSTART") == datetime.date(2025, 3, 17)

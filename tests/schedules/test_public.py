"""The public page of reception and visit days, its calendar files and its cache."""

from __future__ import annotations

import datetime
import html
import os
import re
import subprocess
import sys
import zoneinfo
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import formats, translation
from icalendar import Calendar

from schedules import ical, public_cache, rotation, services
from schedules.models import Duty
from schedules.views import public as public_views

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_public_cache():
    """Each test starts with no rendered page in this process (the database rolls back)."""
    public_cache.MEMO.clear()
    yield
    public_cache.MEMO.clear()


@pytest.fixture
def en_client(client):
    """A visitor who chose English."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def published_2025(leaders, contacts, place):
    """The 2025 rosters (rotation from 厚春华), all published."""
    rotation.generate_year(2025, leaders, contacts)
    services.publish_year(2025)
    return 2025


@pytest.fixture
def published_2026(leaders, contacts, place):
    """The 2026 rosters, rotation from 孙守堂, all published."""
    rotation.generate_year(2026, leaders, contacts, leader_start=2)
    services.publish_year(2026)
    return 2026


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


def in_english(day: datetime.date, fmt: str = "DATE_FORMAT") -> str:
    """A date as the English page writes it (e.g. "14 April 2025")."""
    with translation.override("en"):
        return formats.date_format(day, fmt)


def duty(kind: str, month: int, year: int = 2025) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def page_of(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def next_box(page: str) -> str:
    match = re.search(r'<section class="next-day".*?</section>', page, re.S)
    assert match, "the next reception day box is missing"
    return match.group(0)


def row(page: str, duty: Duty) -> str:
    match = re.search(rf'<tr id="day-{duty.pk}".*?</tr>', page, re.S)
    assert match, f"no row for {duty}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def events_of(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


# --- Who may see it -----------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_days_without_signing_in(client, published_2025):
    with on(D(2025, 3, 1)):
        response = client.get("/")
    assert response.status_code == 200
    assert "厚春华" in response.content.decode()


def test_the_page_is_in_chinese_by_default(client, published_2025):
    with on(D(2025, 3, 1)):
        assert '<html lang="zh-hans">' in page_of(client)


def test_the_page_is_in_english_when_the_visitor_chose_english(en_client, published_2025):
    with on(D(2025, 3, 1)):
        page = page_of(en_client)
    assert '<html lang="en">' in page
    assert "Next leaders' reception day" in page


def test_the_language_link_switches_to_english_and_comes_back(client, published_2025):
    with on(D(2025, 3, 1)):
        link = re.search(r'<a href="([^"]+)" lang="en"', page_of(client, "/?year=2025")).group(1)
        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert '<html lang="en">' in page_of(client, response["Location"])


def test_a_signed_in_user_gets_the_same_page_with_nothing_of_their_own(
    client_of, stranger, published_2025
):
    with on(D(2025, 3, 1)):
        page = page_of(client_of(stranger))
    assert "stranger" not in page
    assert "csrfmiddlewaretoken" not in page


# --- What appears, and what never does ----------------------------------------------------


def test_a_reception_day_shows_date_weekday_leader_position_and_place(en_client, published_2025):
    with on(D(2025, 3, 1)):
        text = row(page_of(en_client), duty("reception", 4))
    assert (
        in_english(D(2025, 4, 14), "MONTH_DAY_FORMAT") in text and "Monday" in text
    )  # 12 April 2025 is a Saturday
    assert "孙守堂" not in text and "傅博 副局长" in text
    assert "市执法队信访室" in text
    assert "朝阳市生态环境保护综合行政执法队" in text
    assert "0421-2614858" in text


def test_a_visit_day_shows_its_destination_once_published(en_client, published_2025):
    Duty.objects.filter(pk=duty("visit", 5).pk).update(destination="龙城区 化工园区")
    with on(D(2025, 3, 1)):
        page = page_of(en_client)
    assert "龙城区 化工园区" in row(page, duty("visit", 5))
    assert "To be announced" in row(page, duty("visit", 6))


def test_draft_days_do_not_appear(client, leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    services.publish_month(2025, 1)
    with on(D(2025, 1, 2)):
        page = page_of(client, "/?year=2025")
    assert f'id="day-{duty("reception", 1).pk}"' in page
    assert f'id="day-{duty("reception", 2).pk}"' not in page
    assert "王晓东" not in page  # February's leader, still a draft


def test_a_cancelled_day_that_was_never_published_does_not_appear(client, leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    draft = duty("reception", 7)
    Duty.objects.filter(pk=draft.pk).update(state=Duty.State.CANCELLED)
    with on(D(2025, 3, 1)):
        assert f'id="day-{draft.pk}"' not in page_of(client)


def test_other_years_do_not_appear(client, published_2025, published_2026):
    with on(D(2025, 3, 1)):
        page = page_of(client)
    assert f'id="day-{duty("reception", 3, 2026).pk}"' not in page
    assert f'id="day-{duty("reception", 3, 2025).pk}"' in page


def test_contact_persons_never_appear_neither_name_nor_phone(client, published_2025, contacts):
    contacts[0].phone = "13800138000"
    contacts[0].save()
    with on(D(2025, 3, 1)):
        page = page_of(client)
        feed = client.get("/duties.ics").content.decode()
        single = client.get(f"/duties/{duty('reception', 1).pk}.ics").content.decode()
    for text in (page, feed, single):
        assert "13800138000" not in text
        assert "王贤熙" not in text and "于海宁" not in text and "李明姬" not in text


def test_past_days_are_marked_as_past(en_client, published_2025):
    with on(D(2025, 3, 20)):
        page = page_of(en_client)
    assert "Past" in row(page, duty("reception", 3))
    assert "Past" not in row(page, duty("reception", 4))


def test_a_changed_day_shows_its_current_leader_and_when_it_changed(
    en_client, published_2025, django_capture_on_commit_callbacks
):
    with on(D(2025, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        services.swap_duties(duty("reception", 4), duty("reception", 5), reason="出差")
    with on(D(2025, 3, 6)):
        text = row(page_of(en_client), duty("reception", 4))
    assert "郭大维" in text  # May's leader now receives in April
    assert f"Updated on {in_english(D(2025, 3, 5))}" in text


def test_a_year_with_an_unknown_holiday_arrangement_says_its_dates_are_provisional(
    en_client, leaders, contacts, place
):
    rotation.generate_year(2027, leaders, contacts)
    services.publish_year(2027)
    with on(D(2026, 12, 1)):
        page = page_of(en_client, "/?year=2027")
    assert "Provisional dates." in page


def test_a_year_with_a_known_holiday_arrangement_has_no_provisional_note(en_client, published_2025):
    with on(D(2025, 3, 1)):
        assert "Provisional" not in page_of(en_client)


def test_the_page_explains_how_to_bring_a_petition(en_client, published_2025):
    with on(D(2025, 3, 1)):
        page = page_of(en_client)
    how_to = re.search(r'<section class="how-to".*?</section>', page, re.S).group(0)
    assert how_to.count("<li>") == 4 + 3  # the four categories, then where else to go
    assert "court" in how_to and "lower level first" in how_to
    assert "moves to the next working day" in how_to
    assert 'href="tel:04212614858"' in how_to


def test_the_tables_have_real_headers_for_columns_and_rows(client, published_2025):
    with on(D(2025, 3, 1)):
        page = page_of(client)
    assert page.count('<th scope="col">') == 6  # date, leader, place/destination, twice
    assert page.count('<th scope="row">') == 24  # each day's date heads its row


# --- The year switcher --------------------------------------------------------------------


def test_the_year_switcher_shows_an_earlier_year(client, published_2025, published_2026):
    with on(D(2026, 3, 1)):
        page = page_of(client, "/?year=2025")
    assert f'id="day-{duty("reception", 3, 2025).pk}"' in page
    assert f'id="day-{duty("reception", 3, 2026).pk}"' not in page


def test_the_year_switcher_is_a_labelled_select_of_the_published_years(
    client, published_2025, published_2026
):
    with on(D(2026, 3, 1)):
        page = page_of(client)
    assert '<label for="year-select">' in page
    options = re.findall(r'<option value="(\d+)"( selected)?>', page)
    assert options == [("2026", " selected"), ("2025", "")]


def test_a_nonsense_year_shows_the_current_year(client, published_2025):
    with on(D(2025, 3, 1)):
        page = page_of(client, "/?year=abc")
    assert f'id="day-{duty("reception", 3).pk}"' in page


# --- The next reception day ---------------------------------------------------------------


def test_the_next_reception_day_stands_out_at_the_top(en_client, published_2025):
    with on(D(2025, 3, 13)):
        box = next_box(page_of(en_client))
    assert in_english(D(2025, 4, 14)) in box and "Monday" in box
    assert "傅博" in box
    assert "0421-2614858" in box


def test_the_reception_day_itself_is_still_the_next_one(en_client, published_2025):
    with on(D(2025, 3, 12), hour=16):
        box = next_box(page_of(en_client))
    assert in_english(D(2025, 3, 12)) in box and "Today" in box
    assert "孙守堂" in box


def test_after_the_months_reception_the_next_is_in_the_next_month(en_client, published_2025):
    with on(D(2025, 1, 31)):
        box = next_box(page_of(en_client))
    assert in_english(D(2025, 2, 12)) in box
    assert "王晓东" in box


def test_after_decembers_reception_the_next_is_in_january(
    en_client, published_2025, published_2026
):
    with on(D(2025, 12, 20)):
        box = next_box(page_of(en_client))
    assert in_english(D(2026, 1, 12)) in box
    assert "孙守堂" in box


def test_an_unpublished_next_year_leaves_no_next_day(en_client, published_2025, leaders, contacts):
    rotation.generate_year(2026, leaders, contacts)  # drafts only
    with on(D(2025, 12, 20)):
        box = next_box(page_of(en_client))
    assert "has not been published yet" in box


# --- Calendar files -----------------------------------------------------------------------


def test_the_calendar_has_one_event_per_published_day(client, published_2025):
    Duty.objects.filter(pk=duty("visit", 12).pk).update(state=Duty.State.CANCELLED)
    response = client.get("/duties.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert len(events_of(response)) == 23


def test_calendar_uids_stay_the_same_between_requests(client, published_2025):
    first = {str(e["UID"]) for e in events_of(client.get("/duties.ics"))}
    public_cache.MEMO.clear()
    second = {str(e["UID"]) for e in events_of(client.get("/duties.ics"))}
    assert first == second
    assert f"duty-{duty('reception', 1).pk}@{ical.ICAL_UID_DOMAIN}" in first


def test_a_calendar_event_has_the_leader_the_place_and_the_whole_day(client, published_2025):
    reception = duty("reception", 4)
    events = {str(e["UID"]): e for e in events_of(client.get("/duties.ics"))}
    event = events[f"duty-{reception.pk}@{ical.ICAL_UID_DOMAIN}"]
    assert "傅博" in str(event["SUMMARY"])
    assert "市执法队信访室" in str(event["LOCATION"])
    assert event["DTSTART"].dt == D(2025, 4, 14)
    assert event["DTEND"].dt == D(2025, 4, 15)


def test_one_days_event_can_be_downloaded(client, published_2025):
    reception = duty("reception", 4)
    response = client.get(f"/duties/{reception.pk}.ics")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    (event,) = events_of(response)
    assert str(event["UID"]) == f"duty-{reception.pk}@{ical.ICAL_UID_DOMAIN}"


def test_a_draft_days_event_is_not_found(client, leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    assert client.get(f"/duties/{duty('reception', 1).pk}.ics").status_code == 404


def test_a_cancelled_days_event_is_not_found(client, published_2025):
    cancelled = duty("reception", 7)
    Duty.objects.filter(pk=cancelled.pk).update(state=Duty.State.CANCELLED)
    assert client.get(f"/duties/{cancelled.pk}.ics").status_code == 404


# --- Conditional requests and the cache ---------------------------------------------------


def test_a_repeated_request_with_the_etag_gets_not_modified(client, published_2025):
    with on(D(2025, 3, 1)):
        etag = client.get("/")["ETag"]
        response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_an_etag_weakened_by_a_proxy_still_gets_not_modified(client, published_2025):
    with on(D(2025, 3, 1)):
        etag = client.get("/")["ETag"]
        response = client.get("/", headers={"if-none-match": f"W/{etag}"})
    assert response.status_code == 304


def test_the_page_is_stored_but_checked_every_time_even_when_not_modified(client, published_2025):
    with on(D(2025, 3, 1)):
        first = client.get("/")
        again = client.get("/", headers={"if-none-match": first["ETag"]})
    for response in (first, again):
        assert response["Cache-Control"] == "no-cache"
        assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]


def test_the_feed_gets_not_modified_too_and_keeps_its_file_name(client, published_2025):
    etag = client.get("/duties.ics")["ETag"]
    response = client.get("/duties.ics", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["Content-Disposition"] == 'inline; filename="duties.ics"'


def test_a_page_is_rendered_once_and_then_served_from_the_cache(
    client, published_2025, monkeypatch
):
    renders = []
    render = public_views.render_to_string
    monkeypatch.setattr(
        public_views, "render_to_string", lambda *a, **k: renders.append(1) or render(*a, **k)
    )
    with on(D(2025, 3, 1)):
        etag = client.get("/")["ETag"]
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"if-none-match": etag}).status_code == 304
    assert len(renders) == 1


def test_the_page_varies_on_the_language(client, published_2025):
    with on(D(2025, 3, 1)):
        zh = client.get("/")
        en = client.get("/", headers={"accept-language": "en"})
    assert "Cookie" in zh["Vary"] and "Accept-Language" in zh["Vary"]
    assert zh["ETag"] != en["ETag"]


def test_a_publication_shows_at_once(
    client, leaders, contacts, place, django_capture_on_commit_callbacks
):
    rotation.generate_year(2025, leaders, contacts)
    services.publish_month(2025, 1)
    with on(D(2025, 1, 2)):
        before = client.get("/")
        assert "王晓东" not in before.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_month(2025, 2)
        assert client.get("/", headers={"if-none-match": before["ETag"]}).status_code == 200
        assert "王晓东" in page_of(client)


def test_a_swap_shows_at_once(client, published_2025, django_capture_on_commit_callbacks):
    april = duty("reception", 4)
    with on(D(2025, 3, 1)):
        assert "傅博" in row(page_of(client), april)
        with django_capture_on_commit_callbacks(execute=True):
            services.swap_duties(april, duty("reception", 5), reason="出差")
        assert "郭大维" in row(page_of(client), april)


def clear_the_cache_in_another_process() -> None:
    """What a publication in another gunicorn worker does once it has committed."""
    db = connection.settings_dict
    url = f"postgres://{quote(db['USER'] or '', safe='')}"
    url += f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    url += f"@{quote(db['HOST'] or '', safe='')}"
    url += f":{db['PORT']}" if db["PORT"] else ""
    url += f"/{db['NAME']}"
    code = (
        "import django; django.setup(); "
        "from schedules.services import clear_public_cache; clear_public_cache()"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url},
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_a_change_committed_by_another_process_shows_at_once(client, published_2025):
    april = duty("reception", 4)
    with on(D(2025, 3, 1)):
        assert f'id="day-{april.pk}"' in page_of(client)
        Duty.objects.filter(pk=april.pk).update(state=Duty.State.DRAFT)
        assert f'id="day-{april.pk}"' in page_of(client)  # still this process's cached page
        clear_the_cache_in_another_process()
        public_cache.STAMP.forget()  # as if the stamp's lifetime (half a second) had passed
        assert f'id="day-{april.pk}"' not in page_of(client)


def test_the_signal_receiver_for_other_public_data_makes_pages_stale_on_commit(
    client, published_2025, place, django_capture_on_commit_callbacks
):
    with on(D(2025, 3, 1)):
        assert "0421-2614858" in page_of(client)
        with django_capture_on_commit_callbacks(execute=True):
            place.phone = "0421-2999999"
            place.save()
            public_cache.public_data_changed(sender=type(place), instance=place)
        assert "0421-2999999" in page_of(client)


@pytest.mark.django_db
def test_a_year_in_unicode_digits_shows_this_year_instead_of_failing(client):
    response = client.get("/?year=%C2%B2")
    assert response.status_code == 200


def test_a_year_of_thousands_of_digits_shows_this_year(client, published_2025):
    response = client.get("/", {"year": "9" * 4301})  # int() refuses more than 4300 digits
    assert response.status_code == 200
    assert response.content == client.get("/").content

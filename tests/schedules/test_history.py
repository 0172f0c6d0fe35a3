"""The roster history reads as sentences in the interface language and local time, without
technical fields, and can be narrowed to a year, a duty or a person, a page at a time."""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo

import pytest
from django.urls import reverse

from schedules import rotation, services
from schedules.models import Absence, Duty

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = reverse("schedules:history")


def duty(kind: str, month: int, year: int = 2025) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def text_of(response) -> str:
    assert response.status_code == 200
    body = re.search(
        r'<ol class="list-group mb-3" id="history">.*?</ol>', response.content.decode(), re.S
    )
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body.group(0))))


@pytest.fixture
def replaced(roster_2025, leaders, administrator):
    """April 2025's reception day (14 April, 傅博) published, then given to 郭大维."""
    services.publish_year(2025, by=administrator)
    april = duty("reception", 4)
    services.replace_leader(april, leaders[4], reason="出差", by=administrator)
    return april


# --- Sentences ----------------------------------------------------------------------------------


def test_a_replacement_reads_as_a_chinese_sentence_with_its_reason(
    client_of, administrator, replaced
):
    text = text_of(client_of(administrator).get(URL))

    assert "2025-04-14 接访日 由 傅博 改为 郭大维（原因：出差）" in text


def test_in_english_the_same_change_reads_in_english(client_of, administrator, replaced):
    client = client_of(administrator)
    client.cookies["django_language"] = "en"

    text = text_of(client.get(URL))

    assert "2025-04-14 Reception day: 傅博 replaced by 郭大维 (reason: 出差)" in text


def test_a_publication_says_published_without_technical_fields(client_of, administrator, replaced):
    response = client_of(administrator).get(URL)
    text = text_of(response)

    assert "2025-01-13 接访日 已发布" in text
    for technical in ("draft", "published", "version", "Duty #", "leader_id", "->"):
        assert technical not in text


def test_the_time_is_local_time(client_of, administrator, replaced):
    from schedules.models import DutyEvent

    moment = DutyEvent.objects.filter(pgh_obj_id=replaced.pk).latest("pgh_id").pgh_created_at

    text = text_of(client_of(administrator).get(URL))

    local = moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    utc = moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    assert local in text and utc not in text


def test_who_made_the_change_is_named(client_of, administrator, replaced):
    text = text_of(client_of(administrator).get(URL))

    assert "admin · 2025-04-14" not in text  # the name precedes the sentence on its own line
    assert "admin" in text


def test_an_absence_reads_as_a_sentence(client_of, administrator, roster_2025, leaders):
    Absence.objects.create(
        leader=leaders[1],
        kind="travel",
        start=datetime.date(2025, 3, 10),
        end=datetime.date(2025, 3, 14),
    )

    text = text_of(client_of(administrator).get(URL))

    assert "王晓东" in text and "2025-03-10" in text and "2025-03-14" in text and "出差" in text


def test_a_calendar_correction_reads_as_a_sentence(client_of, administrator, roster_2025):
    from schedules.models import CalendarCorrection

    CalendarCorrection.objects.create(
        day=datetime.date(2025, 4, 14), is_working_day=False, note="调休"
    )

    text = text_of(client_of(administrator).get(URL))

    assert "2025-04-14 登记为休息日（调休）" in text


def test_a_moved_date_reads_as_a_move(client_of, administrator, roster_2025):
    draft = duty("visit", 5)
    services.update_draft(draft, version=draft.version, date=datetime.date(2025, 5, 16))

    text = text_of(client_of(administrator).get(URL))

    assert "2025-05-15" in text and "2025-05-16" in text


# --- Filters and pages --------------------------------------------------------------------------


def test_the_history_narrows_to_one_year(client_of, administrator, leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    rotation.generate_year(2026, leaders, contacts)

    text = text_of(client_of(administrator).get(URL, {"year": 2026}))

    assert "2026-01-12" in text
    assert "2025-" not in text


def test_the_history_narrows_to_one_duty(client_of, administrator, replaced):
    text = text_of(client_of(administrator).get(URL, {"year": 2025, "duty": replaced.pk}))

    assert "2025-04-14" in text
    assert "2025-01-13" not in text


def test_the_history_narrows_to_one_person(client_of, administrator, replaced, leaders):
    response = client_of(administrator).get(URL, {"person": f"leader-{leaders[3].pk}"})
    text = text_of(response)

    assert "由 傅博 改为 郭大维" in text  # 傅博 was on the day before the change
    assert "厚春华" not in text


def test_the_history_comes_a_page_at_a_time(client_of, administrator, leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts)
    rotation.generate_year(2026, leaders, contacts)
    rotation.generate_year(2027, leaders, contacts)  # 72 duties entered

    first = client_of(administrator).get(URL)
    second = client_of(administrator).get(URL, {"page": 2})

    count = first.context["page"].paginator.count
    assert count > 72 and first.context["page"].paginator.num_pages == 2
    assert len(first.context["entries"]) == 50 and len(second.context["entries"]) == count - 50
    assert "?page=2" in first.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"page": "999"}, {"page": "x"}, {"year": "twenty"}, {"duty": "-1"}, {"person": "leader-x"}],
)
def test_odd_parameters_give_a_page_not_an_error(client_of, administrator, replaced, query):
    assert client_of(administrator).get(URL, query).status_code == 200


# --- Who may read it ----------------------------------------------------------------------------


def test_a_clerk_may_not_read_the_history(client_of, clerk, replaced):
    assert client_of(clerk).get(URL).status_code == 403


def test_a_leader_may_not_read_the_history(client_of, leader_user, replaced):
    assert client_of(leader_user).get(URL).status_code == 403

"""What the duty-day tests share besides fixtures: dates, the pages' text, the forms' data."""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo

from django.urls import reverse

from schedules.models import Duty

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
TODAY = D(2025, 3, 20)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def briefing(client, duty: Duty):
    return client.get(reverse("petitions:day_briefing", args=[duty.pk]))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def section(response, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', response.content.decode(), re.S)
    assert match, f"no section {name}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))))


def record_data(version: int = 0, tasks=(), findings=None, **fields) -> dict:
    """The record form as the page sends it, with new follow-up tasks and problems found."""
    data = {
        "version": version,
        "leader_attended": "on",
        "contact_attended": "on",
        "others_present": "",
        "people_count": 7,
        "group_count": 1,
        "decisions": "当场责成双塔分局三日内现场核查。",
        "places_visited": "",
        "task-TOTAL_FORMS": len(tasks),
        "task-INITIAL_FORMS": 0,
        "task-MIN_NUM_FORMS": 0,
        "task-MAX_NUM_FORMS": 1000,
    }
    for i, (task, owner, due) in enumerate(tasks):
        data.update({f"task-{i}-task": task, f"task-{i}-owner": owner.pk, f"task-{i}-due": due})
    if findings is not None:
        data.update(
            {
                "finding-TOTAL_FORMS": len(findings),
                "finding-INITIAL_FORMS": 0,
                "finding-MIN_NUM_FORMS": 0,
                "finding-MAX_NUM_FORMS": 1000,
            }
        )
        for i, (place, problem) in enumerate(findings):
            data.update(
                {
                    f"finding-{i}-place": place,
                    f"finding-{i}-district": "shuangta",
                    f"finding-{i}-problem": problem,
                    f"finding-{i}-raised_by": "王秀兰",
                }
            )
    data.update(fields)
    return data


def edit_url(duty: Duty) -> str:
    return reverse("petitions:day_record_edit", args=[duty.pk])

"""Changing a published duty (date, contact person, 下访 destination and sections) and
cancelling one, through the administrator's forms, as the office and the public see it."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from schedules import changes
from schedules.models import Absence, Duty, Notification, Unit
from tests.factories import CITY

D = datetime.date


def duty(kind: str, month: int, year: int = 2025) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def last_context(duty: Duty) -> dict:
    """The history context (user, reason...) of the duty's latest recorded change."""
    events = apps.get_model("schedules", "DutyEvent").objects.filter(pgh_obj_id=duty.pk)
    event = events.order_by("-pgh_id").first()
    return event.pgh_context.metadata if event.pgh_context else {}


def public_page(client, year: int = 2025, day: D | None = None) -> str:
    day = day or D(2025, 3, 1)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=CITY)):
        response = client.get(f"/?year={year}")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def day_row(page: str, pk: int) -> str:
    start = page.index(f'id="day-{pk}"')
    return page[start : page.index("</tr>", start)]


@pytest.fixture
def sections(db):
    return [
        Unit.objects.create(name="大气环境科", kind=Unit.Kind.SECTION),
        Unit.objects.create(name="水生态环境科", kind=Unit.Kind.SECTION),
    ]


def change_url(d: Duty) -> str:
    return reverse("schedules:duty_change", args=[d.pk])


def form_of(d: Duty, **values) -> dict:
    """The change form as shown, with ``values`` typed over it."""
    data = {"version": d.version, "date": d.date.isoformat(), "contact": d.contact_id or ""}
    if d.kind == Duty.Kind.VISIT:
        data["destination"] = d.destination
        data["sections"] = [s.pk for s in d.sections.all()]
    data.update(values)
    return data


# --- Moving a published duty -------------------------------------------------------------------


def test_an_administrator_moves_a_published_duty_with_a_reason(
    client_of, administrator, published_2025, office_mail
):
    april = duty("reception", 4)
    data = form_of(april, date="2025-04-16", reason="领导会议冲突")
    response = client_of(administrator).post(change_url(april), data)

    assert response.status_code == 302
    moved = duty("reception", 4)
    assert moved.date == D(2025, 4, 16)
    assert moved.is_published
    assert moved.version == april.version + 1
    assert moved.changed_after_publication_at is not None


def test_a_move_is_recorded_with_the_user_and_the_reason(client_of, administrator, published_2025):
    april = duty("reception", 4)
    client_of(administrator).post(
        change_url(april), form_of(april, date="2025-04-16", reason="领导会议冲突")
    )

    context = last_context(april)
    assert (context["user"], context["reason"]) == (administrator.pk, "领导会议冲突")


def test_a_move_is_notified_to_the_office_with_both_dates_and_the_reason(
    client_of, administrator, published_2025, office_mail
):
    april = duty("reception", 4)
    client_of(administrator).post(
        change_url(april), form_of(april, date="2025-04-16", reason="领导会议冲突")
    )

    note = Notification.objects.get()
    assert list(note.duties.all()) == [april]
    assert "4月14日 → 4月16日" in note.body
    assert "领导会议冲突" in note.body


def test_a_move_without_a_reason_is_refused_at_the_field(client_of, administrator, published_2025):
    april = duty("reception", 4)
    response = client_of(administrator).post(change_url(april), form_of(april, date="2025-04-16"))

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert duty("reception", 4).date == D(2025, 4, 14)
    assert not Notification.objects.exists()


def test_a_move_onto_a_day_off_needs_the_override(client_of, administrator, published_2025):
    october = duty("reception", 10)
    data = form_of(october, date="2025-10-06", reason="领导决定")
    response = client_of(administrator).post(change_url(october), data)

    assert "date" in response.context["form"].errors
    assert duty("reception", 10).date == D(2025, 10, 13)


def test_a_move_onto_a_day_the_leader_is_away_is_refused_with_the_reason(
    client_of, administrator, published_2025, leaders
):
    april = duty("reception", 4)  # 傅博
    Absence.objects.create(
        leader=leaders[3], kind="travel", start=D(2025, 4, 16), end=D(2025, 4, 17)
    )
    response = client_of(administrator).post(
        change_url(april), form_of(april, date="2025-04-16", reason="会议冲突")
    )

    errors = " ".join(response.context["form"].errors["date"])
    assert "傅博" in errors and "4月16日" in errors
    assert duty("reception", 4).date == D(2025, 4, 14)


def test_a_move_onto_a_day_the_leader_is_away_passes_with_a_stated_override(
    client_of, administrator, published_2025, leaders, office_mail
):
    april = duty("reception", 4)
    Absence.objects.create(
        leader=leaders[3], kind="travel", start=D(2025, 4, 16), end=D(2025, 4, 17)
    )
    data = form_of(
        april, date="2025-04-16", reason="会议冲突", override="on", override_reason="出差取消"
    )
    response = client_of(administrator).post(change_url(april), data)

    assert response.status_code == 302
    assert duty("reception", 4).date == D(2025, 4, 16)
    assert last_context(april)["override"] == "出差取消"
    assert "出差取消" in Notification.objects.get().body


def test_a_moved_date_is_no_longer_kept(administrator, published_2025):
    april = changes.set_kept(
        duty("reception", 4), kept=True, version=duty("reception", 4).version, reason="领导决定"
    )
    changes.change_duty(april, version=april.version, reason="再次调整", date=D(2025, 4, 16))

    assert duty("reception", 4).kept is False


def test_a_stale_change_form_is_refused(client_of, administrator, published_2025, leaders):
    april = duty("reception", 4)
    shown = form_of(april, date="2025-04-16", reason="会议冲突")
    changes.change_duty(april, version=april.version, reason="别人先改", date=D(2025, 4, 17))

    response = client_of(administrator).post(change_url(april), shown)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert duty("reception", 4).date == D(2025, 4, 17)


def test_a_change_that_changes_nothing_is_refused(client_of, administrator, published_2025):
    april = duty("reception", 4)
    response = client_of(administrator).post(change_url(april), form_of(april, reason="x"))

    assert response.context["form"].non_field_errors()
    assert duty("reception", 4).version == april.version


def test_a_clerk_may_not_change_a_published_duty(client_of, clerk, published_2025):
    april = duty("reception", 4)
    response = client_of(clerk).post(
        change_url(april), form_of(april, date="2025-04-16", reason="x")
    )

    assert response.status_code == 403
    assert duty("reception", 4).date == D(2025, 4, 14)


def test_a_draft_is_not_changed_through_the_published_duty_form(
    client_of, administrator, roster_2025
):
    april = duty("reception", 4)
    data = form_of(april, date="2025-04-16", reason="x")
    response = client_of(administrator).post(change_url(april), data)

    assert response.context["form"].non_field_errors()
    assert duty("reception", 4).date == D(2025, 4, 14)


# --- Contact person, destination, sections -----------------------------------------------------


def test_changing_the_contact_person_needs_a_reason(
    client_of, administrator, published_2025, contacts
):
    april = duty("reception", 4)
    response = client_of(administrator).post(
        change_url(april), form_of(april, contact=contacts[2].pk)
    )

    assert "reason" in response.context["form"].errors
    assert duty("reception", 4).contact == april.contact


def test_the_contact_person_of_a_published_duty_changes_with_a_reason(
    client_of, administrator, published_2025, contacts, office_mail
):
    april = duty("reception", 4)
    data = form_of(april, contact=contacts[2].pk, reason="于海宁休假")
    client_of(administrator).post(change_url(april), data)

    assert duty("reception", 4).contact == contacts[2]
    assert "李明姬" in Notification.objects.get().body


def test_a_visit_destination_left_open_is_set_without_a_reason(
    client_of, administrator, published_2025, sections, office_mail
):
    july = duty("visit", 7)
    data = form_of(july, destination="双塔区凌河街道", sections=[sections[0].pk])
    response = client_of(administrator).post(change_url(july), data)

    assert response.status_code == 302
    july = duty("visit", 7)
    assert july.destination == "双塔区凌河街道"
    assert list(july.sections.all()) == [sections[0]]
    assert "大气环境科" in Notification.objects.get().body


def test_a_published_destination_changes_only_with_a_reason(
    client_of, administrator, published_2025
):
    july = duty("visit", 7)
    changes.change_duty(july, version=july.version, destination="双塔区凌河街道")
    july = duty("visit", 7)
    response = client_of(administrator).post(change_url(july), form_of(july, destination="龙城区"))

    assert "reason" in response.context["form"].errors
    assert duty("visit", 7).destination == "双塔区凌河街道"


def test_the_public_page_shows_a_destination_set_after_publication(
    client, administrator, published_2025
):
    july = duty("visit", 7)
    changes.change_duty(july, version=july.version, destination="双塔区凌河街道")

    row = day_row(public_page(client), july.pk)
    assert "双塔区凌河街道" in row
    assert "待定" not in row


def test_the_public_page_shows_a_moved_day_as_updated(client, published_2025):
    april = duty("reception", 4)
    with time_machine.travel(datetime.datetime(2025, 3, 20, 9, tzinfo=CITY)):
        changes.change_duty(april, version=april.version, reason="会议", date=D(2025, 4, 16))

    row = day_row(public_page(client), april.pk)
    assert 'datetime="2025-04-16"' in row
    assert "2025年3月20日更新" in row


def test_the_visit_form_names_the_visit_contact_person(client_of, administrator, published_2025):
    page = client_of(administrator).get(change_url(duty("visit", 7))).content.decode()

    assert "下访联系人" in page


# --- Cancelling ----------------------------------------------------------------------------------


def cancel_url(d: Duty) -> str:
    return reverse("schedules:duty_cancel", args=[d.pk])


def test_an_administrator_cancels_a_published_duty_with_a_reason(
    client_of, administrator, published_2025, office_mail
):
    april = duty("reception", 4)
    data = {"version": april.version, "reason": "全市防汛会议"}
    response = client_of(administrator).post(cancel_url(april), data)

    assert response.status_code == 302
    april.refresh_from_db()
    assert april.is_cancelled
    assert last_context(april)["reason"] == "全市防汛会议"
    assert "全市防汛会议" in Notification.objects.get().body


def test_a_cancellation_without_a_reason_is_refused(client_of, administrator, published_2025):
    april = duty("reception", 4)
    response = client_of(administrator).post(cancel_url(april), {"version": april.version})

    assert "reason" in response.context["form"].errors
    assert Duty.objects.get(pk=april.pk).is_published


def test_a_clerk_may_not_cancel_a_duty(client_of, clerk, published_2025):
    april = duty("reception", 4)
    response = client_of(clerk).post(cancel_url(april), {"version": april.version, "reason": "x"})

    assert response.status_code == 403
    assert Duty.objects.get(pk=april.pk).is_published


def test_the_public_page_shows_a_cancelled_day_as_cancelled(client, published_2025):
    april = duty("reception", 4)
    changes.cancel_duty(april, version=april.version, reason="全市防汛会议")

    row = day_row(public_page(client), april.pk)
    assert "已取消" in row
    assert "不再举行" in row
    assert "全市防汛会议" not in row  # the reason is for the office
    assert f"/duties/{april.pk}.ics" not in row


def test_a_cancellation_with_a_replacement_date_publishes_the_replacement(
    client_of, administrator, published_2025
):
    april = duty("reception", 4)
    data = {"version": april.version, "reason": "全市防汛会议", "date": "2025-04-21"}
    client_of(administrator).post(cancel_url(april), data)

    replacement = duty("reception", 4)
    assert replacement.pk != april.pk
    assert replacement.date == D(2025, 4, 21)
    assert replacement.is_published
    assert (replacement.leader, replacement.contact) == (april.leader, april.contact)
    assert replacement.replaces_id == april.pk


def test_the_public_page_gives_the_replacement_date_of_a_cancelled_day(client, published_2025):
    april = duty("reception", 4)
    changes.cancel_duty(april, version=april.version, reason="会议", date=D(2025, 4, 21))

    page = public_page(client)
    assert "改于4月21日举行" in day_row(page, april.pk)
    assert 'datetime="2025-04-21"' in day_row(page, duty("reception", 4).pk)


def test_a_replacement_on_a_day_the_leader_is_away_is_refused(
    client_of, administrator, published_2025, leaders
):
    april = duty("reception", 4)
    Absence.objects.create(
        leader=leaders[3], kind="leave", start=D(2025, 4, 21), end=D(2025, 4, 21)
    )
    data = {"version": april.version, "reason": "会议", "date": "2025-04-21"}
    response = client_of(administrator).post(cancel_url(april), data)

    assert "傅博" in " ".join(response.context["form"].errors["date"])
    assert Duty.objects.get(pk=april.pk).is_published
    assert Duty.objects.of_year(2025).count() == 24


def test_the_roster_lists_a_cancelled_duty_with_its_replacement(client_of, clerk, published_2025):
    april = duty("reception", 4)
    changes.cancel_duty(april, version=april.version, reason="会议", date=D(2025, 4, 21))

    page = client_of(clerk).get(reverse("schedules:year", args=[2025])).content.decode()
    assert f'data-cancelled="{april.pk}"' in page
    assert "改为 2025-04-21" in page


# --- Why a day is not on the 12th or 15th ---------------------------------------------------


def test_the_public_page_says_why_a_day_moved_off_the_plans_day(client, published_2025):
    row = day_row(public_page(client), duty("reception", 4).pk)

    assert "4月12日为周末，顺延至4月14日" in row


def test_the_public_page_gives_no_reason_for_a_day_on_the_plans_day(client, published_2025):
    row = day_row(public_page(client), duty("reception", 3).pk)

    assert "顺延" not in row

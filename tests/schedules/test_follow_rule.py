"""Following the official calendar after publication: the year page lists the published duties
now off the rule and moves them in one confirmed step; a date can be kept on purpose; the same
from the command line; and a provisional year is published only once confirmed."""

from __future__ import annotations

import csv
import datetime
import html
import io

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from schedules import changes, rotation
from schedules.models import CalendarCorrection, Duty, Notification
from tests.factories import CITY

D = datetime.date


def duty(kind: str, month: int, year: int = 2027) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def correct_12_april() -> CalendarCorrection:
    return CalendarCorrection.objects.create(
        day=D(2027, 4, 12), is_working_day=False, note="地方决定"
    )


@pytest.fixture
def day_off_on_12_april(published_2027):
    """After publication, the office learns that 12 April 2027, a reception day, is a day off."""
    return correct_12_april()


@pytest.fixture
def drafts_2027(leaders, contacts, place):
    """The 2027 rosters as drafts, and then the same correction."""
    rotation.generate_year(2027, leaders, contacts)
    assert duty("reception", 4).date == D(2027, 4, 12)
    return correct_12_april()


def year_page(client, year: int = 2027) -> str:
    return html.unescape(client.get(reverse("schedules:year", args=[year])).content.decode())


def follow(client, year: int = 2027, **data):
    return client.post(reverse("schedules:follow_rule", args=[year]), data)


def listed(*duties: Duty) -> str:
    return ",".join(f"{d.pk}@{d.version}" for d in duties)


# --- The list on the year page --------------------------------------------------------------


def test_the_year_page_lists_a_published_duty_off_the_rule_with_the_rule_date_and_reason(
    client_of, administrator, published_2027, day_off_on_12_april
):
    page = year_page(client_of(administrator))
    april = duty("reception", 4)
    row = page.split(f'data-off-rule="{april.pk}"')[1].split("</tr>")[0]

    assert "2027-04-12" in row and "2027-04-13" in row
    assert "4月12日为地方决定，顺延至4月13日" in row


def test_draft_duties_off_the_rule_are_not_listed(client_of, administrator, drafts_2027):
    page = year_page(client_of(administrator))

    assert 'data-warning="not_rule_date"' in page  # the roster still warns
    assert 'id="off-rule"' not in page


def test_a_clerk_sees_the_list_but_not_the_step_that_moves_them(
    client_of, clerk, published_2027, day_off_on_12_april
):
    page = year_page(client_of(clerk))

    assert f'data-off-rule="{duty("reception", 4).pk}"' in page
    assert 'id="follow-rule"' not in page


# --- Moving them in one confirmed step ----------------------------------------------------------


def test_moving_them_needs_the_confirmation(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    response = follow(client_of(administrator), listed=listed(april), reason="地方决定")

    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_an_administrator_moves_every_duty_off_the_rule_in_one_confirmed_step(
    client_of, administrator, published_2027, day_off_on_12_april, office_mail
):
    april = duty("reception", 4)
    response = follow(
        client_of(administrator), listed=listed(april), reason="市政府通知", confirm="on"
    )

    assert response.status_code == 302
    moved = duty("reception", 4)
    assert moved.date == D(2027, 4, 13)
    assert moved.changed_after_publication_at is not None
    note = Notification.objects.get()
    assert "市政府通知" in note.body and "4月12日" in note.body


def test_the_move_is_recorded_with_the_user_and_the_reason(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    follow(client_of(administrator), listed=listed(april), reason="市政府通知", confirm="on")

    events = apps.get_model("schedules", "DutyEvent").objects.filter(pgh_obj_id=april.pk)
    context = events.order_by("-pgh_id").first().pgh_context.metadata
    assert (context["user"], context["reason"]) == (administrator.pk, "市政府通知")


def test_a_list_that_changed_since_the_page_was_shown_is_refused(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    shown = listed(april)
    changes.set_kept(april, kept=False, version=april.version)  # someone else, meanwhile
    response = follow(client_of(administrator), listed=shown, reason="市政府通知", confirm="on")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_a_clerk_may_not_move_them(client_of, clerk, published_2027, day_off_on_12_april):
    april = duty("reception", 4)
    response = follow(client_of(clerk), listed=listed(april), reason="x", confirm="on")

    assert response.status_code == 403
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_the_public_page_shows_the_moved_day_with_the_correction_note_as_its_reason(
    client, administrator, published_2027, day_off_on_12_april
):
    with time_machine.travel(datetime.datetime(2027, 3, 20, 9, tzinfo=CITY)):
        changes.follow_rule(2027, reason="市政府通知")
        page = html.unescape(client.get("/").content.decode())
    row = page.split(f'id="day-{duty("reception", 4).pk}"')[1].split("</tr>")[0]

    assert 'datetime="2027-04-13"' in row
    assert "4月12日为地方决定，顺延至4月13日" in row
    assert "2027年3月20日更新" in row


def test_the_correction_form_says_its_note_is_published(client_of, administrator, db):
    page = client_of(administrator).get(reverse("schedules:calendar", args=[2027]))

    assert "将公开显示" in page.content.decode()


# --- Keeping a date ---------------------------------------------------------------------------


def keep(client, d: Duty, **data):
    url = reverse("schedules:duty_keep", args=[d.pk])
    return client.post(url, {"version": d.version, **data})


def test_a_kept_date_is_not_listed_again(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    client = client_of(administrator)
    keep(client, april, kept="on", reason="傅博坚持当天接访")

    assert duty("reception", 4).kept
    assert f'data-off-rule="{april.pk}"' not in year_page(client)
    assert changes.follow_rule(2027, reason="x") == []
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_keeping_a_date_needs_a_reason(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    keep(client_of(administrator), april, kept="on")

    assert not duty("reception", 4).kept


def test_a_date_no_longer_kept_is_listed_again(
    client_of, administrator, published_2027, day_off_on_12_april
):
    april = duty("reception", 4)
    april = changes.set_kept(april, kept=True, version=april.version, reason="领导决定")
    client = client_of(administrator)
    keep(client, april)

    assert f'data-off-rule="{april.pk}"' in year_page(client)


def test_a_clerk_may_not_keep_a_date(client_of, clerk, published_2027, day_off_on_12_april):
    april = duty("reception", 4)
    response = keep(client_of(clerk), april, kept="on", reason="x")

    assert response.status_code == 403
    assert not duty("reception", 4).kept


# --- The command ------------------------------------------------------------------------------


def run(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("rostercheck", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_rostercheck_apply_moves_the_duties_and_prints_what_it_moved(
    published_2027, day_off_on_12_april, office_mail
):
    rows = run("2027", "--apply", "--reason", "国务院通知")

    assert rows[0] == ["kind", "date", "leader", "rule_date", "reason"]
    assert [row[:4] for row in rows[1:]] == [["reception", "2027-04-12", "傅博", "2027-04-13"]]
    assert "地方决定" in rows[1][4]
    assert duty("reception", 4).date == D(2027, 4, 13)
    assert "国务院通知" in Notification.objects.get().body


def test_rostercheck_without_apply_changes_nothing(published_2027, day_off_on_12_april):
    rows = run("2027")

    assert [row[:4] for row in rows[1:]] == [["reception", "2027-04-12", "傅博", "2027-04-13"]]
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_rostercheck_apply_needs_a_reason(published_2027, day_off_on_12_april):
    with pytest.raises(CommandError):
        run("2027", "--apply")
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_rostercheck_leaves_a_kept_duty_alone(published_2027, day_off_on_12_april):
    april = duty("reception", 4)
    changes.set_kept(april, kept=True, version=april.version, reason="领导决定")

    assert run("2027") == [["kind", "date", "leader", "rule_date", "reason"]]
    assert len(run("2027", "--apply", "--reason", "x")) == 1
    assert duty("reception", 4).date == D(2027, 4, 12)


def test_rostercheck_apply_leaves_drafts_alone(drafts_2027):
    assert len(run("2027", "--apply", "--reason", "x")) == 1
    assert duty("reception", 4).date == D(2027, 4, 12)


# --- Publishing a provisional year ---------------------------------------------------------------


def publish(client, year: int, **data):
    return client.post(reverse("schedules:publish", args=[year]), data)


def test_publishing_a_provisional_year_asks_for_confirmation_and_publishes_nothing(
    client_of, administrator, leaders, contacts, place
):
    rotation.generate_year(2027, leaders, contacts)
    response = publish(client_of(administrator), 2027)
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="provisional-warning"' in page
    assert "可能需要调整" in page
    assert 'name="confirm_provisional"' in page
    assert not Duty.objects.published().exists()


def test_a_provisional_year_is_published_once_confirmed(
    client_of, administrator, leaders, contacts, place
):
    rotation.generate_year(2027, leaders, contacts)
    response = publish(client_of(administrator), 2027, confirm_provisional="on", confirming="1")

    assert response.status_code == 302
    assert Duty.objects.of_year(2027).published().count() == 24


def test_the_confirmation_page_refuses_to_publish_without_the_box(
    client_of, administrator, leaders, contacts, place
):
    rotation.generate_year(2027, leaders, contacts)
    response = publish(client_of(administrator), 2027, month="3", confirming="1")

    assert "confirm_provisional" in response.context["form"].errors
    assert not Duty.objects.published().exists()


def test_a_confirmed_month_of_a_provisional_year_publishes_that_month_only(
    client_of, administrator, leaders, contacts, place
):
    rotation.generate_year(2027, leaders, contacts)
    publish(client_of(administrator), 2027, month="3", confirm_provisional="on")

    assert set(Duty.objects.published().values_list("month", flat=True)) == {3}


def test_a_confirmed_year_is_published_without_the_question(client_of, administrator, roster_2025):
    response = publish(client_of(administrator), 2025)

    assert response.status_code == 302
    assert Duty.objects.of_year(2025).published().count() == 24


def test_a_year_confirmed_by_the_office_is_published_without_the_question(
    client_of, administrator, leaders, contacts, place
):
    from schedules.models import ConfirmedYear

    rotation.generate_year(2027, leaders, contacts)
    ConfirmedYear.objects.create(year=2027, note="国办发明电〔2026〕号")
    response = publish(client_of(administrator), 2027)

    assert response.status_code == 302
    assert Duty.objects.of_year(2027).published().count() == 24


def test_a_bad_month_is_not_found(client_of, administrator, roster_2025):
    assert publish(client_of(administrator), 2025, month="13").status_code == 404
    assert not Duty.objects.published().exists()

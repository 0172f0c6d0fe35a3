"""Roster generation, publication, swaps and replacements, warnings and history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from schedules import rotation, services
from schedules.history import duty_history
from schedules.models import Absence, Duty, Notification
from schedules.warnings import duty_warnings, leader_load

D = datetime.date


def duty(kind: str, month: int, year: int = 2025) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def test_generation_creates_both_rosters_as_drafts(roster_2025):
    assert Duty.objects.of_year(2025).drafts().count() == 24


def test_generation_follows_the_leader_rotation_on_both_days(roster_2025, leaders):
    assert duty("reception", 1).leader == leaders[0]
    assert duty("visit", 1).leader == leaders[0]
    assert duty("reception", 6).leader == leaders[0]
    assert duty("reception", 12).leader == leaders[1]


def test_generation_follows_the_contact_rotation(roster_2025, contacts):
    assert [duty("reception", m).contact for m in (1, 2, 3, 4)] == [*contacts, contacts[0]]


def test_generation_uses_the_rule_dates(roster_2025):
    # 2025: Spring Festival Jan 28 - Feb 4; Feb 12 is a Wednesday and stays.
    assert duty("reception", 2).date == D(2025, 2, 12)
    # Oct 12 2025 is a Sunday; Oct 11 was the make-up Saturday.
    assert duty("reception", 10).date == D(2025, 10, 13)
    # Mar 15 2025 is a Saturday.
    assert duty("visit", 3).date == D(2025, 3, 17)


def test_generation_puts_the_default_place_on_receptions_only(roster_2025, place):
    assert duty("reception", 1).place == place
    assert duty("visit", 1).place is None


def test_generation_starts_the_rotation_where_asked(leaders, contacts, place):
    rotation.generate_year(2025, leaders, contacts, leader_start=2, contact_start=1)
    assert duty("reception", 1).leader == leaders[2]
    assert duty("reception", 1).contact == contacts[1]


def test_regeneration_rewrites_drafts_but_never_published_duties(roster_2025, leaders, contacts):
    services.publish_month(2025, 1)
    result = rotation.generate_year(2025, list(reversed(leaders)), contacts)
    assert result.kept == 2
    assert duty("reception", 1).leader == leaders[0]  # published: untouched
    assert duty("reception", 2).leader == leaders[3]  # draft: regenerated
    assert Duty.objects.of_year(2025).count() == 24


def test_generation_without_leaders_is_refused(contacts):
    with pytest.raises(ValidationError):
        rotation.generate_year(2025, [], contacts)


def test_publish_month_publishes_that_month_only(roster_2025):
    assert services.publish_month(2025, 3) == 2
    assert set(Duty.objects.published().values_list("month", flat=True)) == {3}


def test_publish_roster_publishes_one_kind(roster_2025):
    assert services.publish_roster(2025, "visit") == 12
    assert not Duty.objects.published().filter(kind="reception").exists()


def test_publish_year_twice_publishes_nothing_the_second_time(roster_2025):
    assert services.publish_year(2025) == 24
    assert services.publish_year(2025) == 0


def test_swap_exchanges_leaders_and_keeps_both_published(
    roster_2025, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    services.publish_year(2025)
    a, b = duty("reception", 1), duty("reception", 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.swap_duties(a, b, reason="出差冲突")
    a, b = duty("reception", 1), duty("reception", 2)
    assert (a.leader, b.leader) == (leaders[1], leaders[0])
    assert a.is_published and b.is_published
    assert a.changed_after_publication_at is not None


def test_swap_of_published_duties_notifies_the_office(roster_2025, mailoutbox, run_jobs, settings):
    settings.ROSTER_OFFICE_EMAIL = "office@example.org"
    services.publish_year(2025)
    services.swap_duties(duty("reception", 1), duty("reception", 2), reason="出差冲突")
    run_jobs()
    note = Notification.objects.get()
    assert "出差冲突" in note.body
    assert note.duties.count() == 2
    assert mailoutbox[0].to == ["office@example.org"]
    assert "出差冲突" in mailoutbox[0].body


def test_swap_with_itself_is_refused(roster_2025):
    one = duty("reception", 1)
    with pytest.raises(ValidationError) as error:
        services.swap_duties(one, one, reason="x")
    assert "other" in error.value.error_dict


def test_swap_without_a_reason_is_refused(roster_2025):
    with pytest.raises(ValidationError) as error:
        services.swap_duties(duty("reception", 1), duty("reception", 2), reason="  ")
    assert "reason" in error.value.error_dict


def test_replace_puts_another_leader_on_the_duty(roster_2025, leaders):
    services.publish_year(2025)
    services.replace_leader(duty("visit", 4), leaders[4], reason="病假")
    assert duty("visit", 4).leader == leaders[4]
    assert Notification.objects.count() == 1


def test_a_stale_second_change_is_refused(roster_2025, leaders):
    """Two administrators opened the same duty; the second save must not win silently."""
    services.publish_year(2025)
    opened = duty("visit", 4)
    version_seen_by_both = opened.version
    services.replace_leader(opened, leaders[4], reason="病假", version=version_seen_by_both)
    with pytest.raises(services.StaleEdit):
        services.replace_leader(opened, leaders[2], reason="出差", version=version_seen_by_both)
    assert duty("visit", 4).leader == leaders[4]


def test_a_draft_edit_on_a_published_duty_is_refused(roster_2025, leaders):
    services.publish_year(2025)
    published = duty("visit", 4)
    with pytest.raises(ValidationError):
        services.update_draft(published, version=published.version, leader=leaders[4])


def test_duty_date_outside_the_year_is_refused():
    with pytest.raises(ValidationError) as error:
        services.check_duty_date(D(2026, 1, 5), 2025, override=False)
    assert "date" in error.value.error_dict


@pytest.mark.django_db
def test_duty_on_a_day_off_needs_an_override():
    with pytest.raises(ValidationError):
        services.check_duty_date(D(2025, 10, 2), 2025, override=False)
    services.check_duty_date(D(2025, 10, 2), 2025, override=True)


def test_warning_for_an_absent_leader(roster_2025, leaders):
    Absence.objects.create(
        leader=leaders[0], kind="travel", start=D(2025, 1, 10), end=D(2025, 1, 13)
    )
    warnings = duty_warnings(list(Duty.objects.of_year(2025)))
    assert [(w.duty.month, w.duty.kind, w.code) for w in warnings] == [(1, "reception", "absent")]


def test_warning_for_a_leader_on_two_duties_the_same_day(roster_2025):
    visit = duty("visit", 5)
    Duty.objects.filter(pk=visit.pk).update(date=duty("reception", 5).date)
    codes = {w.code for w in duty_warnings(list(Duty.objects.of_year(2025)))}
    assert "double" in codes


def test_warning_for_a_duty_on_a_day_off_and_off_the_rule(roster_2025):
    Duty.objects.filter(pk=duty("reception", 10).pk).update(date=D(2025, 10, 6))
    warnings = duty_warnings(list(Duty.objects.of_year(2025)))
    assert {w.code for w in warnings} == {"day_off", "not_rule_date"}


def test_generated_rosters_have_no_warnings(roster_2025):
    assert duty_warnings(list(Duty.objects.of_year(2025))) == []


def test_move_reason_reads_like_the_plan(db):
    from django.utils import translation

    with translation.override("zh-hans"):
        feb = services.rule_dates(2024, makeup=False)["reception"][1]
        assert services.move_reason(feb).startswith("2月12日")
        assert "2月19日" in services.move_reason(feb)


def test_leader_load_counts_duties_per_leader(roster_2025, leaders):
    load = {leader: (r, v) for leader, r, v in leader_load(Duty.objects.of_year(2025))}
    assert load[leaders[0]] == (3, 3)
    assert load[leaders[4]] == (2, 2)


def test_history_records_who_and_why_of_a_swap(roster_2025, administrator):
    import pghistory

    services.publish_year(2025)
    with pghistory.context(user=administrator.pk):
        services.swap_duties(duty("reception", 1), duty("reception", 2), reason="出差冲突")
    swap_rows = [e for e in duty_history() if e["reason"] == "出差冲突"]
    assert len(swap_rows) == 2
    assert swap_rows[0]["user"] == administrator.username
    assert any(field == "leader" for field, _old, _new in swap_rows[0]["changes"])


def test_a_service_given_its_user_records_them_in_the_history(roster_2025, administrator, leaders):
    services.publish_month(2025, 1, by=administrator)
    services.replace_leader(duty("visit", 1), leaders[4], reason="病假", by=administrator)
    draft = duty("visit", 2)
    services.update_draft(draft, version=draft.version, by=administrator, note="改期")
    rows = duty_history()
    assert {row["reason"] for row in rows if row["user"] == administrator.username} == {
        "publish",
        "病假",
        "",
    }
    assert not [row for row in rows if row["reason"] == "publish" and not row["user"]]


def test_history_catches_raw_sql_changes(roster_2025):
    before = len(duty_history())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE schedules_duty SET note = 'raw' WHERE month = 1")
    assert len(duty_history()) == before + 2


def test_history_is_append_only(roster_2025):
    # psycopg2 reports the trigger's RAISE as InternalError, psycopg 3 as ProgrammingError.
    refused = pytest.raises(DatabaseError, match="Cannot update or delete rows")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM schedules_dutyevent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM schedules_dutyevent")
        assert cursor.fetchone()[0] > 0

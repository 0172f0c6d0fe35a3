"""Roster pages: who may see and change what, and bad input refused at the field."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from schedules import rotation, services
from schedules.models import Absence, Duty

D = datetime.date


def duty(kind: str, month: int) -> Duty:
    return Duty.objects.current().get(kind=kind, year=2025, month=month)


# --- Seeing the roster ---------------------------------------------------------------------


def test_a_clerk_sees_the_year_page_with_both_rosters(client_of, clerk, roster_2025):
    page = client_of(clerk).get(reverse("schedules:year", args=[2025])).content.decode()
    assert "厚春华" in page
    assert 'data-kind="reception"' in page and 'data-kind="visit"' in page


def test_a_clerk_sees_no_administrator_actions(client_of, clerk, roster_2025):
    page = client_of(clerk).get(reverse("schedules:year", args=[2025])).content.decode()
    assert reverse("schedules:generate", args=[2025]) not in page


def test_a_user_without_a_role_is_refused_the_roster(client_of, stranger, roster_2025):
    assert client_of(stranger).get(reverse("schedules:year", args=[2025])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, roster_2025):
    response = client.get(reverse("schedules:year", args=[2025]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_year_page_shows_warnings_with_their_reason(client_of, clerk, roster_2025, leaders):
    Absence.objects.create(leader=leaders[0], kind="leave", start=D(2025, 1, 1), end=D(2025, 1, 31))
    page = client_of(clerk).get(reverse("schedules:year", args=[2025])).content.decode()
    assert 'data-warning="absent"' in page


def test_a_provisional_year_says_so(client_of, clerk, leaders, contacts, place):
    rotation.generate_year(2027, leaders, contacts)
    page = client_of(clerk).get(reverse("schedules:year", args=[2027])).content.decode()
    assert "data-provisional" in page


# --- Changing it: administrators only ------------------------------------------------------


def test_an_administrator_generates_a_year(client_of, administrator, leaders, contacts, place):
    data = {"leaders": [leader.pk for leader in leaders], "contacts": [c.pk for c in contacts]}
    response = client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)
    assert response.status_code == 302
    assert Duty.objects.of_year(2025).drafts().count() == 24


def test_a_clerk_may_not_generate(client_of, clerk, leaders, contacts, place):
    data = {"leaders": [leader.pk for leader in leaders]}
    response = client_of(clerk).post(reverse("schedules:generate", args=[2025]), data)
    assert response.status_code == 403
    assert not Duty.objects.exists()


def test_an_administrator_publishes_a_month(client_of, administrator, roster_2025):
    client_of(administrator).post(reverse("schedules:publish", args=[2025]), {"month": "1"})
    assert set(Duty.objects.published().values_list("month", flat=True)) == {1}


def test_a_clerk_may_not_publish(client_of, clerk, roster_2025):
    response = client_of(clerk).post(reverse("schedules:publish", args=[2025]), {"month": "1"})
    assert response.status_code == 403
    assert not Duty.objects.published().exists()


def test_publishing_by_get_is_not_possible(client_of, administrator, roster_2025):
    response = client_of(administrator).get(reverse("schedules:publish", args=[2025]))
    assert response.status_code == 405


def test_an_administrator_swaps_two_published_duties(
    client_of, administrator, roster_2025, leaders
):
    services.publish_year(2025)
    a, b = duty("reception", 1), duty("reception", 2)
    url = reverse("schedules:duty_swap", args=[a.pk])
    data = {"version": a.version, "other": b.pk, "reason": "出差"}
    assert client_of(administrator).post(url, data).status_code == 302
    assert duty("reception", 1).leader == leaders[1]


def test_a_swap_with_itself_is_refused_at_the_field(client_of, administrator, roster_2025):
    a = duty("reception", 1)
    url = reverse("schedules:duty_swap", args=[a.pk])
    response = client_of(administrator).post(
        url, {"version": a.version, "other": a.pk, "reason": "x"}
    )
    assert response.status_code == 200
    assert "other" in response.context["form"].errors


def test_a_stale_swap_form_is_refused_with_a_message(
    client_of, administrator, roster_2025, leaders
):
    services.publish_year(2025)
    a, b = duty("reception", 1), duty("reception", 2)
    stale_version = a.version
    services.replace_leader(a, leaders[4], reason="病假")  # someone else, meanwhile
    url = reverse("schedules:duty_swap", args=[a.pk])
    data = {"version": stale_version, "other": b.pk, "reason": "出差"}
    response = client_of(administrator).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert duty("reception", 1).leader == leaders[4]


def test_a_clerk_may_not_swap(client_of, clerk, roster_2025, leaders):
    a, b = duty("reception", 1), duty("reception", 2)
    url = reverse("schedules:duty_swap", args=[a.pk])
    response = client_of(clerk).post(url, {"version": a.version, "other": b.pk, "reason": "x"})
    assert response.status_code == 403
    assert duty("reception", 1).leader == leaders[0]


def test_editing_a_draft_onto_a_day_off_needs_the_override(client_of, administrator, roster_2025):
    d = duty("reception", 10)
    url = reverse("schedules:duty_edit", args=[d.pk])
    data = {"version": d.version, "date": "2025-10-06", "leader": d.leader_id}
    response = client_of(administrator).post(url, data)
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert duty("reception", 10).date == D(2025, 10, 13)


def test_editing_a_draft_onto_a_day_off_with_the_override_is_saved(
    client_of, administrator, roster_2025
):
    d = duty("reception", 10)
    url = reverse("schedules:duty_edit", args=[d.pk])
    data = {
        "version": d.version,
        "date": "2025-10-06",
        "leader": d.leader_id,
        "allow_day_off": "on",
    }
    assert client_of(administrator).post(url, data).status_code == 302
    assert duty("reception", 10).date == D(2025, 10, 6)


def test_a_date_outside_the_year_is_refused_at_the_field(client_of, administrator, roster_2025):
    d = duty("reception", 3)
    url = reverse("schedules:duty_edit", args=[d.pk])
    response = client_of(administrator).post(
        url, {"version": d.version, "date": "2026-03-12", "leader": d.leader_id}
    )
    assert "date" in response.context["form"].errors


def test_an_absence_that_ends_before_it_starts_is_refused(client_of, administrator, leaders):
    data = {"leader": leaders[0].pk, "kind": "travel", "start": "2025-03-10", "end": "2025-03-01"}
    response = client_of(administrator).post(reverse("schedules:absences"), data)
    assert "end" in response.context["form"].errors
    assert not Absence.objects.exists()


def test_history_is_for_administrators(client_of, administrator, clerk, roster_2025):
    assert client_of(clerk).get(reverse("schedules:history")).status_code == 403
    page = client_of(administrator).get(reverse("schedules:history")).content.decode()
    assert "厚春华" in page


def test_a_calendar_correction_changes_the_rule_dates(client_of, administrator, db):
    url = reverse("schedules:calendar", args=[2027])
    data = {
        "form": "correction",
        "c-day": "2027-01-12",
        "c-note": "地方决定",
        "c-is_working_day": "",
    }
    client_of(administrator).post(url, data)
    assert services.rule_dates(2027)["reception"][0].date == D(2027, 1, 13)


def test_a_clerk_may_not_correct_the_calendar(client_of, clerk, db):
    url = reverse("schedules:calendar", args=[2027])
    data = {"form": "correction", "c-day": "2027-01-12", "c-note": "x"}
    assert client_of(clerk).post(url, data).status_code == 403


def test_a_leader_sees_their_coming_duties(client_of, leader_user, roster_2025, leaders):
    leaders[0].user = leader_user
    leaders[0].save()
    import time_machine

    with time_machine.travel(D(2025, 5, 1)):
        page = client_of(leader_user).get(reverse("schedules:my_duties")).content.decode()
    assert "2025-06-12" in page
    assert "2025-05-12" not in page  # 王晓东's (leaders[1]) reception is not theirs


# --- Sign-in ---------------------------------------------------------------------------------


def test_sign_in_locks_after_five_failures(client, clerk):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "clerk", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429


def test_pages_carry_a_content_security_policy(client_of, clerk, roster_2025):
    response = client_of(clerk).get(reverse("schedules:year", args=[2025]))
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_login_page_is_in_chinese_by_default(client):
    assert "登录" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("language, text", [("en", "Staff sign-in")])
def test_the_login_page_switches_language(client, language, text):
    client.post(reverse("set_language"), {"language": language, "next": "/accounts/login/"})
    assert text in client.get(reverse("login")).content.decode()


def test_the_deploy_check_names_each_variable_left_to_its_default(settings):
    from accounts.checks import production_variables

    settings.UNSET_FOR_PRODUCTION = ["PETITIONER_DATA_KEY", "DATABASE_URL"]
    assert [w.id for w in production_variables(None)] == ["xinfang.W002", "xinfang.W003"]


def test_the_deploy_check_is_quiet_when_everything_is_set(settings):
    from accounts.checks import production_variables

    settings.UNSET_FOR_PRODUCTION = []
    assert production_variables(None) == []


def test_a_swap_with_a_duty_changed_meanwhile_is_refused(
    client_of, administrator, roster_2025, leaders
):
    services.publish_year(2025)
    a, b = duty("reception", 1), duty("reception", 2)
    shown = f"{b.pk}@{b.version}"  # the option as the page offered it
    services.replace_leader(b, leaders[4], reason="病假")  # someone else, meanwhile
    url = reverse("schedules:duty_swap", args=[a.pk])
    response = client_of(administrator).post(
        url, {"version": a.version, "other": shown, "reason": "出差"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert duty("reception", 1).leader == leaders[0]

"""Who may do what on the rosters, as schedules.access decides it."""

from __future__ import annotations

from django.urls import reverse

from schedules import access


def test_every_staff_member_sees_the_roster_and_only_administrators_change_it(
    clerk, unit_handler, leader_user, administrator, stranger
):
    assert [
        access.may_see_roster(u) for u in (clerk, unit_handler, leader_user, administrator)
    ] == [True] * 4
    assert not access.may_see_roster(stranger)
    assert [access.may_edit_roster(u) for u in (clerk, unit_handler, leader_user)] == [False] * 3
    assert access.may_edit_roster(administrator)


def test_the_office_and_administrators_read_the_notifications(
    clerk, unit_handler, leader_user, administrator
):
    assert access.may_see_notifications(clerk) and access.may_see_notifications(administrator)
    assert not access.may_see_notifications(unit_handler)
    assert not access.may_see_notifications(leader_user)


def test_every_staff_member_has_an_own_duties_page_for_their_follow_up_tasks(
    clerk, unit_handler, leader_user, administrator, stranger
):
    staff = (clerk, unit_handler, leader_user, administrator)
    assert all(access.may_see_own_duties(u) for u in staff)
    assert not access.may_see_own_duties(stranger)


def test_a_leader_without_a_leader_record_starts_at_the_roster(leader_user, leaders):
    assert not access.starts_at_own_duties(leader_user)
    leaders[0].user = leader_user
    leaders[0].save()
    leader_user.refresh_from_db()
    assert access.starts_at_own_duties(leader_user)


def test_a_clerk_sees_no_swap_or_replace_buttons_but_an_administrator_does(
    client_of, clerk, administrator, roster_2025
):
    url = reverse("schedules:year", args=[2025])
    assert "/swap/" not in client_of(clerk).get(url).content.decode()
    assert "/swap/" in client_of(administrator).get(url).content.decode()


def test_a_handling_unit_is_refused_the_notifications(client_of, unit_handler):
    response = client_of(unit_handler).get(reverse("schedules:notifications"))
    assert response.status_code == 403

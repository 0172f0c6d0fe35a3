"""Generating a year: the rotations continue from the year before, and the turn order is edited
as an ordered list (moved with buttons that work as form submits) and remembered per roster."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from schedules import rotation, services
from schedules.models import Duty, RotationOrder

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def january(year: int, kind: str = Duty.Kind.RECEPTION) -> Duty:
    return Duty.objects.current().get(year=year, month=1, kind=kind)


def order_data(leaders, contacts, **extra) -> dict:
    """The generate form as the page sends it: every person listed, in this order, ticked."""
    return {
        "leaders_order": [p.pk for p in leaders],
        "leaders": [p.pk for p in leaders],
        "contacts_order": [p.pk for p in contacts],
        "contacts": [p.pk for p in contacts],
        **extra,
    }


@pytest.fixture
def published_2026(leaders, contacts, place):
    """2026 from the plan's rotation (厚春华 and 王贤熙 in January), published: December is
    王晓东 with 李明姬."""
    rotation.generate_year(2026, leaders, contacts)
    services.publish_year(2026)


# --- Continuing from the year before ----------------------------------------------------------


def test_january_continues_both_rotations_from_last_december(
    client_of, administrator, published_2026, leaders, contacts
):
    url = reverse("schedules:generate", args=[2027])
    response = client_of(administrator).post(url, order_data(leaders, contacts))

    assert response.status_code == 302
    for kind in Duty.Kind.values:
        assert (january(2027, kind).leader.name, january(2027, kind).contact.name) == (
            "孙守堂",
            "王贤熙",
        )


def test_the_generate_page_says_where_the_rotation_continues(
    client_of, administrator, published_2026
):
    page = client_of(administrator).get(reverse("schedules:generate", args=[2027]))

    text = page.content.decode()
    assert "孙守堂" in text and "王晓东" in text and "2026-12-" in text


def test_a_chosen_january_leader_overrides_the_continuation(
    client_of, administrator, published_2026, leaders, contacts
):
    data = order_data(leaders, contacts, leader_start=leaders[0].pk)
    client_of(administrator).post(reverse("schedules:generate", args=[2027]), data)

    assert january(2027).leader.name == "厚春华"
    assert january(2027).contact.name == "王贤熙"


def test_a_year_after_an_unpublished_one_starts_at_the_top(
    client_of, administrator, leaders, contacts, place
):
    rotation.generate_year(2026, leaders, contacts, leader_start=3)  # drafts only

    client_of(administrator).post(
        reverse("schedules:generate", args=[2027]), order_data(leaders, contacts)
    )

    assert january(2027).leader.name == "厚春华"


def test_the_demo_year_continues_into_the_next(client_of, administrator, time_machine):
    """The demo's 2026 (the plan's rotation) ends with 王晓东 and 李明姬."""
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False)
    with override_settings(DEBUG=True):
        call_command("loaddemo", stdout=io.StringIO())
    december = Duty.objects.get(year=2026, month=12, kind=Duty.Kind.RECEPTION)
    assert (december.leader.name, december.contact.name) == ("王晓东", "李明姬")
    leaders, contacts = rotation.remembered_order(Duty.Kind.RECEPTION)

    client_of(administrator).post(
        reverse("schedules:generate", args=[2027]), order_data(leaders, contacts)
    )

    assert (january(2027).leader.name, january(2027).contact.name) == ("孙守堂", "王贤熙")


# --- The order, edited and remembered ---------------------------------------------------------


def test_moving_a_leader_up_comes_back_with_the_new_order_and_saves_nothing(
    client_of, administrator, leaders, contacts, place
):
    data = order_data(leaders, contacts, move=f"leaders:{leaders[2].pk}:up")
    response = client_of(administrator).post(reverse("schedules:generate", args=[2027]), data)

    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("孙守堂") < text.index("王晓东") < text.index("傅博")
    assert f'value="leaders:{leaders[2].pk}:up" data-rotation-move="up" autofocus' in text
    assert not Duty.objects.exists() and not RotationOrder.objects.exists()


def test_moving_the_first_leader_up_changes_nothing(
    client_of, administrator, leaders, contacts, place
):
    data = order_data(leaders, contacts, move=f"leaders:{leaders[0].pk}:up")
    response = client_of(administrator).post(reverse("schedules:generate", args=[2027]), data)

    text = response.content.decode()
    assert text.index("厚春华") < text.index("王晓东")


def test_the_order_given_is_the_order_of_the_turns(
    client_of, administrator, leaders, contacts, place
):
    order = [leaders[4], leaders[0], leaders[1], leaders[2], leaders[3]]
    client_of(administrator).post(
        reverse("schedules:generate", args=[2025]), order_data(order, contacts)
    )

    receptions = Duty.objects.of_year(2025).filter(kind=Duty.Kind.RECEPTION).order_by("month")
    assert [d.leader.name for d in receptions[:3]] == ["郭大维", "厚春华", "王晓东"]


def test_an_unticked_leader_takes_no_turn(client_of, administrator, leaders, contacts, place):
    data = order_data(leaders, contacts)
    data["leaders"] = [p.pk for p in leaders[:4]]
    client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)

    assert not Duty.objects.filter(leader=leaders[4]).exists()


def test_the_order_is_remembered_for_the_roster_generated(
    client_of, administrator, leaders, contacts, place
):
    order = list(reversed(leaders))
    data = order_data(order, contacts, roster=Duty.Kind.VISIT)
    client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)

    assert RotationOrder.objects.get(kind=Duty.Kind.VISIT).leaders == [p.pk for p in order]
    assert not RotationOrder.objects.filter(kind=Duty.Kind.RECEPTION).exists()
    assert not Duty.objects.filter(kind=Duty.Kind.RECEPTION).exists()


def test_the_page_opens_with_the_remembered_order(
    client_of, administrator, leaders, contacts, place
):
    order = list(reversed(leaders))
    rotation.remember_order(Duty.Kind.VISIT, order, contacts)

    page = client_of(administrator).get(
        reverse("schedules:generate", args=[2025]), {"roster": "visit"}
    )

    text = page.content.decode()
    assert text.index("郭大维") < text.index("傅博") < text.index("厚春华")


def test_a_january_leader_outside_the_rotation_is_refused_at_the_field(
    client_of, administrator, leaders, contacts, place
):
    data = order_data(leaders, contacts, leader_start=leaders[4].pk)
    data["leaders"] = [p.pk for p in leaders[:4]]
    response = client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)

    assert response.status_code == 400
    assert "leader_start" in response.context["form"].errors
    assert not Duty.objects.exists()


def test_a_rotation_without_leaders_is_refused(client_of, administrator, leaders, contacts, place):
    data = order_data(leaders, contacts)
    data["leaders"] = []
    response = client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)

    assert response.status_code == 400
    assert "leaders" in response.context["form"].errors


def test_a_made_up_move_is_ignored(client_of, administrator, leaders, contacts, place):
    data = order_data(leaders, contacts, move="leaders:999999:sideways")
    response = client_of(administrator).post(reverse("schedules:generate", args=[2025]), data)

    assert response.status_code == 200  # the page comes back as it was
    assert not Duty.objects.exists()


def test_a_clerk_may_not_open_the_generate_page(client_of, clerk, leaders, contacts, place):
    assert client_of(clerk).get(reverse("schedules:generate", args=[2027])).status_code == 403


def test_a_clerk_may_not_move_or_generate(client_of, clerk, leaders, contacts, place):
    data = order_data(leaders, contacts, move=f"leaders:{leaders[2].pk}:up")
    response = client_of(clerk).post(reverse("schedules:generate", args=[2027]), data)

    assert response.status_code == 403
    assert not RotationOrder.objects.exists()


def test_the_up_and_down_buttons_have_names_a_screen_reader_reads(
    client_of, administrator, leaders, contacts, place
):
    page = client_of(administrator).get(reverse("schedules:generate", args=[2027]))

    text = page.content.decode()
    assert text.count('name="move"') == 2 * (len(leaders) + len(contacts))
    assert "<script>" not in text  # no inline script: the CSP forbids it

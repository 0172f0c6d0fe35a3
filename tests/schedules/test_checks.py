"""Checks before saving a replacement or a swap: no leader on a day they are away, no leader
twice on one day; refused at the form with the reason unless an administrator overrides it with
a stated reason. The swap list offers only valid partners. And the visit contact's label."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from schedules import services
from schedules.models import Absence, Duty, Notification

D = datetime.date


def duty(kind: str, month: int, year: int = 2025) -> Duty:
    return Duty.objects.current().get(kind=kind, year=year, month=month)


def last_context(duty: Duty) -> dict:
    events = apps.get_model("schedules", "DutyEvent").objects.filter(pgh_obj_id=duty.pk)
    event = events.order_by("-pgh_id").first()
    return event.pgh_context.metadata if event.pgh_context else {}


@pytest.fixture
def guo_away_in_march(leaders):
    """郭大维 (leaders[4]) travels 10-14 March 2025, over the March reception day (12th)."""
    return Absence.objects.create(
        leader=leaders[4], kind="travel", start=D(2025, 3, 10), end=D(2025, 3, 14)
    )


def replace(client, d: Duty, leader, **extra):
    url = reverse("schedules:duty_replace", args=[d.pk])
    data = {"version": d.version, "leader": leader.pk, "reason": "孙守堂出差", **extra}
    return client.post(url, data)


# --- Replacement -------------------------------------------------------------------------------


def test_a_replacement_by_an_absent_leader_is_refused_at_the_form_with_the_reason(
    client_of, administrator, published_2025, leaders, guo_away_in_march
):
    march = duty("reception", 3)
    response = replace(client_of(administrator), march, leaders[4])

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["leader"])
    assert "郭大维" in errors and "3月10日" in errors
    assert duty("reception", 3).leader == leaders[2]
    assert not Notification.objects.exists()


def test_a_replacement_by_an_absent_leader_passes_with_a_stated_override(
    client_of, administrator, published_2025, leaders, guo_away_in_march, office_mail
):
    march = duty("reception", 3)
    response = replace(
        client_of(administrator),
        march,
        leaders[4],
        override="on",
        override_reason="郭大维提前返回",
    )

    assert response.status_code == 302
    assert duty("reception", 3).leader == leaders[4]
    assert last_context(march)["override"] == "郭大维提前返回"
    assert "郭大维提前返回" in Notification.objects.get().body


def test_an_override_without_its_reason_is_refused(
    client_of, administrator, published_2025, leaders, guo_away_in_march
):
    march = duty("reception", 3)
    response = replace(client_of(administrator), march, leaders[4], override="on")

    assert "override_reason" in response.context["form"].errors
    assert duty("reception", 3).leader == leaders[2]


def test_a_replacement_putting_a_leader_twice_on_one_day_is_refused(
    client_of, administrator, published_2025, leaders
):
    january = duty("reception", 1)  # 厚春华, 13 January
    Duty.objects.filter(pk=duty("visit", 2).pk).update(date=D(2025, 1, 13))  # 王晓东's visit
    response = replace(client_of(administrator), january, leaders[1])

    assert "王晓东在1月13日已有排班。" in response.context["form"].errors["leader"]
    assert duty("reception", 1).leader == leaders[0]


def test_the_service_refuses_an_absent_leader_even_without_the_form(
    published_2025, leaders, guo_away_in_march
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.replace_leader(duty("reception", 3), leaders[4], reason="x")
    assert error.value.error_dict["leader"][0].code == "conflict"


def test_a_replacement_by_a_free_leader_needs_no_override(
    client_of, administrator, published_2025, leaders, guo_away_in_march
):
    response = replace(client_of(administrator), duty("reception", 3), leaders[0])

    assert response.status_code == 302
    assert duty("reception", 3).leader == leaders[0]


# --- Swap ----------------------------------------------------------------------------------------


def swap_page(client, d: Duty, query: str = "") -> str:
    return client.get(reverse("schedules:duty_swap", args=[d.pk]) + query).content.decode()


def offered(page: str, d: Duty) -> bool:
    return f'value="{d.pk}@{d.version}"' in page


def test_the_swap_list_offers_neither_the_duty_itself_nor_the_same_leaders_duties(
    client_of, administrator, published_2025
):
    march = duty("reception", 3)
    page = swap_page(client_of(administrator), march)

    assert not offered(page, march)
    assert not offered(page, duty("visit", 3))  # 孙守堂's own visit
    assert not offered(page, duty("reception", 8))  # 孙守堂 again in August
    assert offered(page, duty("reception", 1))


def test_the_swap_list_leaves_out_a_partner_who_would_be_away_and_says_why(
    client_of, administrator, published_2025, guo_away_in_march
):
    page = swap_page(client_of(administrator), duty("reception", 3))
    may = duty("reception", 5)  # 郭大维 would take 12 March, while away

    assert not offered(page, may)
    not_offered = page.split('id="not-offered"')[1]
    assert "2025-05-12 郭大维" in not_offered
    assert "郭大维 3月10日至3月14日不在岗（出差）。" in not_offered


def test_the_swap_list_can_show_the_partners_that_need_an_override(
    client_of, administrator, published_2025, guo_away_in_march
):
    page = swap_page(client_of(administrator), duty("reception", 3), "?all=1")

    assert offered(page, duty("reception", 5))


def test_a_swap_that_would_put_an_absent_leader_on_a_day_is_refused_with_the_reason(
    client_of, administrator, published_2025, leaders, guo_away_in_march
):
    march, may = duty("reception", 3), duty("reception", 5)
    url = reverse("schedules:duty_swap", args=[march.pk])
    data = {"version": march.version, "other": f"{may.pk}@{may.version}", "reason": "对调"}
    response = client_of(administrator).post(url, data)

    assert "郭大维" in " ".join(response.context["form"].errors["other"])
    assert duty("reception", 3).leader == leaders[2]


def test_a_swap_with_an_absent_leader_passes_with_a_stated_override(
    client_of, administrator, published_2025, leaders, guo_away_in_march
):
    march, may = duty("reception", 3), duty("reception", 5)
    url = reverse("schedules:duty_swap", args=[march.pk])
    data = {
        "version": march.version,
        "other": f"{may.pk}@{may.version}",
        "reason": "对调",
        "override": "on",
        "override_reason": "出差改期",
    }
    response = client_of(administrator).post(url, data)

    assert response.status_code == 302
    assert (duty("reception", 3).leader, duty("reception", 5).leader) == (leaders[4], leaders[2])


def test_the_swap_service_refuses_a_leader_twice_on_one_day(published_2025, leaders):
    from django.core.exceptions import ValidationError

    january, february = duty("reception", 1), duty("reception", 2)
    # 厚春华 (January) also holds a visit on 12 February: the swap would give her two duties.
    Duty.objects.filter(pk=duty("visit", 1).pk).update(date=D(2025, 2, 12))
    with pytest.raises(ValidationError) as error:
        services.swap_duties(january, february, reason="对调")
    assert "厚春华" in " ".join(error.value.error_dict["other"][0].messages)


# --- Visit contact person ----------------------------------------------------------------------


def test_the_roster_labels_a_visits_contact_as_the_visit_contact_person(
    client_of, clerk, published_2025
):
    page = client_of(clerk).get(reverse("schedules:year", args=[2025])).content.decode()
    visit = page.split(f'id="duty-{duty("visit", 1).pk}"')[1].split("</td>")[0]
    reception = page.split(f'id="duty-{duty("reception", 1).pk}"')[1].split("</td>")[0]

    assert "下访联系人" in visit and "接访联系人" not in visit
    assert "接访联系人" in reception


def test_my_duties_labels_a_visits_contact_as_the_visit_contact_person(
    client_of, leader_user, published_2025, leaders
):
    leaders[0].user = leader_user
    leaders[0].save()
    with time_machine.travel(D(2025, 5, 1)):
        page = client_of(leader_user).get(reverse("schedules:my_duties")).content.decode()
    rows = page.split("<tr>")
    visit_row = next(r for r in rows if "2025-06-16" in r)
    reception_row = next(r for r in rows if "2025-06-12" in r)

    assert "下访联系人" in visit_row
    assert "接访联系人" in reception_row

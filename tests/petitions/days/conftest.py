"""The duty-day tests' people and days: 厚春华's reception and visit days around 20 March 2025
(the tests' today), with 李明姬 (petition office staff) as the contact person."""

from __future__ import annotations

import datetime

import pytest

from accounts.roles import Role
from schedules.models import Duty, Place
from tests.factories import make_contact, make_duty, make_user, register
from tests.petitions.days.helpers import TODAY, D, at


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def room(db):
    return Place.objects.create(
        name="市执法队信访室",
        address="朝阳市双塔区新华路三段45号",
        phone="0421-2614858",
        is_default=True,
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(11, 30),
    )


@pytest.fixture
def contact_user(db, django_user_model):
    """李明姬's sign-in: the contact person, petition office staff."""
    return make_user(django_user_model, "limingji", Role.PETITION_OFFICE)


@pytest.fixture
def contact(contact_user):
    return make_contact("李明姬", user=contact_user, phone="0421-2614858")


@pytest.fixture
def days(leader, contact, room):
    """厚春华's days: reception 12 Feb, reception 12 Mar (held), visit 17 Mar (held), and
    reception 14 Apr (coming)."""
    return {
        "feb": make_duty(leader, D(2025, 2, 12), contact=contact, place=room),
        "mar": make_duty(leader, D(2025, 3, 12), contact=contact, place=room),
        "visit": make_duty(leader, D(2025, 3, 17), kind=Duty.Kind.VISIT, contact=contact),
        "apr": make_duty(leader, D(2025, 4, 14), contact=contact, place=room),
    }


@pytest.fixture
def february_case(clerk, days):
    """A petition 张建国 brought on 12 February, still open."""
    return register(
        clerk, channel="reception_day", duty=days["feb"], received_at=at(D(2025, 2, 12))
    )

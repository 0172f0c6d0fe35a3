"""The roster tests' named people: the plan's petition room, its five leaders and three contact
persons (in the rotation order, with addresses), and the 2025 rosters drawn from them."""

from __future__ import annotations

import pytest

from schedules import rotation, services
from schedules.models import Place
from tests.factories import CONTACTS, LEADERS, make_contact, make_leader


@pytest.fixture
def place(db):
    return Place.objects.create(
        name="市执法队信访室",
        address="朝阳市生态环境保护综合行政执法队",
        phone="0421-2614858",
        is_default=True,
    )


@pytest.fixture
def leaders(db):
    return [
        make_leader(name, position, rotation_order=i, email=f"l{i}@example.org")
        for i, (name, position) in enumerate(LEADERS)
    ]


@pytest.fixture
def contacts(db):
    return [
        make_contact(name, rotation_order=i, email=f"c{i}@example.org")
        for i, name in enumerate(CONTACTS)
    ]


@pytest.fixture
def roster_2025(leaders, contacts, place):
    """The 2025 rosters generated as drafts from the plan's rotations."""
    rotation.generate_year(2025, leaders, contacts)
    return 2025


# --- Published rosters and the leading group's office (changes to published duties) ----------


@pytest.fixture
def office_mail(settings):
    """The leading group's office address every roster change is sent to."""
    settings.ROSTER_OFFICE_EMAIL = "office@example.org"
    return settings.ROSTER_OFFICE_EMAIL


@pytest.fixture
def published_2025(roster_2025):
    """The 2025 rosters (a confirmed year), all published."""
    services.publish_year(2025)
    return 2025


@pytest.fixture
def published_2027(leaders, contacts, place):
    """The 2027 rosters, published while the year's holiday arrangement was not yet known."""
    rotation.generate_year(2027, leaders, contacts)
    services.publish_year(2027)
    return 2027

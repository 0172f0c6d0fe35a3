from __future__ import annotations

import pytest

from schedules.models import ContactPerson, Leader, Place

LEADERS = [
    ("厚春华", "局长"),
    ("王晓东", "副局长"),
    ("孙守堂", "副局长"),
    ("傅博", "副局长"),
    ("郭大维", "执法队队长"),
]
CONTACTS = ["王贤熙", "于海宁", "李明姬"]


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
        Leader.objects.create(
            name=name, position=position, rotation_order=i, email=f"l{i}@example.org"
        )
        for i, (name, position) in enumerate(LEADERS)
    ]


@pytest.fixture
def contacts(db):
    return [
        ContactPerson.objects.create(name=name, rotation_order=i, email=f"c{i}@example.org")
        for i, name in enumerate(CONTACTS)
    ]


@pytest.fixture
def roster_2025(leaders, contacts, place):
    """The 2025 rosters generated as drafts from the plan's rotations."""
    from schedules import services

    services.generate_year(2025, leaders, contacts)
    return 2025

"""Named people of the petitions tests, beside the signed-in roles of ``tests/conftest.py``: the
unit that handles cases (双塔分局, ``unit_handler`` a member), the leader signed in as
``leader_user`` (厚春华), a member of another unit and another leader; and a case taken on the
leader's reception day, with a ``walker`` to move a case along the workflow."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from petitions.models import Case
from schedules.models import District
from tests.factories import make_duty, make_leader, make_unit, make_user, register, walk


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit(unit_handler):
    """双塔分局, the district's branch office, with ``unit_handler`` in it and an address."""
    return make_unit(
        "双塔分局", unit_handler, district=District.SHUANGTA, email="shuangta@example.org"
    )


@pytest.fixture
def leader(leader_user):
    """厚春华, signed in as ``leader_user``."""
    return make_leader(user=leader_user)


@pytest.fixture
def other_handler(db, django_user_model):
    """A member of another unit (龙城分局)."""
    user = make_user(django_user_model, "other_handler", Role.HANDLING_UNIT)
    make_unit("龙城分局", user)
    return user


@pytest.fixture
def other_leader(db, django_user_model):
    """Another leader (王晓东), signed in."""
    user = make_user(django_user_model, "other_leader", Role.LEADER)
    make_leader("王晓东", "副局长", user=user)
    return user


@pytest.fixture
def walker(clerk, unit_handler, unit):
    """``walker(case, to)``: the case moved along the normal path by the clerk and the unit."""

    def go(case: Case, to: str) -> Case:
        return walk(case, to, office=clerk, unit_user=unit_handler, unit=unit)

    return go


@pytest.fixture
def reception_case(clerk, leader):
    """A case taken today on the leader's reception day."""
    duty = make_duty(leader)
    return register(clerk, channel="reception_day", duty=duty)

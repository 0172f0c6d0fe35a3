"""Demo data: the bureau's organisation and its 2024 rosters, as the plan (朝环发〔2024〕2号)
prints them, the current year's rosters drawn from the plan's rotation, plus one sign-in per role
and a dozen petition cases (``petitions/demo.py``) for trying the app out.

The rosters are written out row by row exactly as attachments 1 and 2 print them (including
the dates that depart from the plan's own rule), so they can be checked against the plan by eye.
The current year's rosters are generated with the plan's rotation (``rotation.generate_year``)
and published, but only while that year has no duty at all: a year someone has started to plan
is never touched. Loading only fills in what is missing: whatever already exists is left alone,
so ``make run`` may load the demo on every start without undoing changes made in the app.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount
from schedules import rotation, services
from schedules.models import ContactPerson, District, Duty, Leader, Place, Unit

# --- Organisation -------------------------------------------------------------------------------

PLACE = {
    "name": "市执法队信访室",
    "address": "朝阳市生态环境保护综合行政执法队",
    "phone": "0421-2614858",
}

ENFORCEMENT_TEAM = "市生态环境保护综合行政执法队"

SECTIONS = [
    "办公室",
    "法规与标准科",
    "大气环境科",
    "水生态环境科",
    "土壤与固体废物科",
    "自然生态保护科",
    "信访科",
]

BRANCH_OFFICES = [
    ("双塔分局", District.SHUANGTA),
    ("龙城分局", District.LONGCHENG),
    ("北票分局", District.BEIPIAO),
    ("凌源分局", District.LINGYUAN),
    ("朝阳县分局", District.CHAOYANG_COUNTY),
    ("建平分局", District.JIANPING),
    ("喀左分局", District.KAZUO),
]

# The plan's rotation order: name, position, supervised sections.
LEADERS = [
    ("厚春华", "局长", ["办公室", "法规与标准科"]),
    ("王晓东", "副局长", ["大气环境科"]),
    ("孙守堂", "副局长", ["水生态环境科", "自然生态保护科"]),
    ("傅博", "副局长", ["土壤与固体废物科"]),
    ("郭大维", "执法队队长", ["信访科"]),
]

# The petition section's contact persons, in the plan's rotation order.
CONTACT_PERSONS = ["王贤熙", "于海宁", "李明姬"]

# --- The 2024 rosters, row by row as attachments 1 and 2 print them -----------------------------

D = datetime.date

RECEPTION_2024 = [
    ("厚春华", "局长", "王贤熙", D(2024, 1, 12)),
    ("王晓东", "副局长", "于海宁", D(2024, 2, 12)),
    ("孙守堂", "副局长", "李明姬", D(2024, 3, 12)),
    ("傅博", "副局长", "王贤熙", D(2024, 4, 12)),
    ("郭大维", "执法队队长", "于海宁", D(2024, 5, 13)),
    ("厚春华", "局长", "李明姬", D(2024, 6, 12)),
    ("王晓东", "副局长", "王贤熙", D(2024, 7, 12)),
    ("孙守堂", "副局长", "于海宁", D(2024, 8, 12)),
    ("傅博", "副局长", "李明姬", D(2024, 9, 12)),
    ("郭大维", "执法队队长", "王贤熙", D(2024, 10, 14)),
    ("厚春华", "局长", "于海宁", D(2024, 11, 12)),
    ("王晓东", "副局长", "李明姬", D(2024, 12, 12)),
]

VISIT_2024 = [
    ("厚春华", "局长", "王贤熙", D(2024, 1, 15)),
    ("王晓东", "副局长", "于海宁", D(2024, 2, 15)),
    ("孙守堂", "副局长", "李明姬", D(2024, 3, 15)),
    ("傅博", "副局长", "王贤熙", D(2024, 4, 15)),
    ("郭大维", "执法队队长", "于海宁", D(2024, 5, 15)),
    ("厚春华", "局长", "李明姬", D(2024, 6, 17)),
    ("王晓东", "副局长", "王贤熙", D(2024, 7, 15)),
    ("孙守堂", "副局长", "于海宁", D(2024, 8, 15)),
    ("傅博", "副局长", "李明姬", D(2024, 9, 16)),
    ("郭大维", "执法队队长", "王贤熙", D(2024, 10, 15)),
    ("厚春华", "局长", "于海宁", D(2024, 11, 15)),
    ("王晓东", "副局长", "李明姬", D(2024, 12, 16)),
]

ROSTERS_2024 = {Duty.Kind.RECEPTION: RECEPTION_2024, Duty.Kind.VISIT: VISIT_2024}

# --- Loading ------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """How many objects of each model the loader created (it never updates any)."""

    created: dict[type, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    # Year -> duties generated and published from the rotation.
    generated_years: dict[int, int] = field(default_factory=dict)
    # What could not be loaded, and why (for the command to print).
    problems: list[str] = field(default_factory=list)

    def add(self, model: type, count: int = 1) -> None:
        if count:
            self.created[model] = self.created.get(model, 0) + count


def _get_or_create(result: LoadResult, model, lookup: dict, defaults: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if created:
        result.add(model)
    return obj, created


def load(*, accounts: bool = True) -> LoadResult:
    """Create the demo organisation, the published 2024 rosters, the current year's rosters
    when that year has none, and (optionally) the sign-ins. The demo cases are the petitions
    app's (``petitions.demo.load``, which calls this first).

    Idempotent: an object is looked up by its natural key and created only when missing, so a
    second run changes nothing. The caller decides whether accounts are allowed (DEBUG); the
    demo cases need the demo accounts (they are registered and handled by them).
    """
    result = LoadResult()
    with transaction.atomic(), pghistory.context(reason="demo data"):
        place = _load_place(result)
        units = _load_units(result)
        leaders = _load_leaders(result, units)
        contacts = _load_contacts(result)
        if _load_rosters(result, place, leaders, contacts):
            transaction.on_commit(services.clear_public_cache)
        if accounts:  # a demo: an invented roster must never reach a real public page
            _load_current_year(result, place, leaders, contacts)
            _load_accounts(result, units, leaders, contacts)
    return result


def _load_place(result: LoadResult) -> Place:
    """The petition room; it becomes the default place unless another one already is."""
    place = Place.objects.filter(name=PLACE["name"]).first()
    if place is None:
        has_default = Place.objects.filter(is_default=True).exists()
        place = Place.objects.create(**PLACE, is_default=not has_default)
        result.add(Place)
    return Place.objects.filter(is_default=True).first() or place


def _load_units(result: LoadResult) -> dict[str, Unit]:
    units = {}
    specs = [(ENFORCEMENT_TEAM, Unit.Kind.ENFORCEMENT_TEAM, "")]
    specs += [(name, Unit.Kind.SECTION, "") for name in SECTIONS]
    specs += [(name, Unit.Kind.BRANCH_OFFICE, district) for name, district in BRANCH_OFFICES]
    for name, kind, district in specs:
        units[name], _created = _get_or_create(
            result, Unit, {"name": name}, {"kind": kind, "district": district}
        )
    return units


def _load_leaders(result: LoadResult, units: dict[str, Unit]) -> dict[str, Leader]:
    leaders = {}
    for order, (name, position, sections) in enumerate(LEADERS, start=1):
        leader, created = _get_or_create(
            result, Leader, {"name": name}, {"position": position, "rotation_order": order}
        )
        if created:
            leader.sections.set([units[s] for s in sections])
        leaders[name] = leader
    return leaders


def _load_contacts(result: LoadResult) -> dict[str, ContactPerson]:
    return {
        name: _get_or_create(result, ContactPerson, {"name": name}, {"rotation_order": order})[0]
        for order, name in enumerate(CONTACT_PERSONS, start=1)
    }


def _load_rosters(
    result: LoadResult,
    place: Place,
    leaders: dict[str, Leader],
    contacts: dict[str, ContactPerson],
) -> bool:
    """The published 2024 duties; a month that already has a standing duty is left alone."""
    now = timezone.now()
    standing = set(Duty.objects.of_year(2024).current().values_list("kind", "month"))
    created = False
    for kind, rows in ROSTERS_2024.items():
        for name, _position, contact, day in rows:
            if (kind, day.month) in standing:
                continue
            Duty.objects.create(
                kind=kind,
                year=day.year,
                month=day.month,
                date=day,
                leader=leaders[name],
                contact=contacts[contact],
                place=place if kind == Duty.Kind.RECEPTION else None,
                state=Duty.State.PUBLISHED,
                published_at=now,
            )
            result.add(Duty)
            created = True
    return created


def _load_current_year(
    result: LoadResult,
    place: Place,
    leaders: dict[str, Leader],
    contacts: dict[str, ContactPerson],
) -> None:
    """This year's rosters from the plan's rotation, published; only for a year with no duty."""
    year = timezone.localdate().year
    if Duty.objects.of_year(year).exists():  # drafts and cancelled duties count: hands off
        return
    generated = rotation.generate_year(
        year,
        [leaders[name] for name, _position, _sections in LEADERS],
        [contacts[name] for name in CONTACT_PERSONS],
        place=place,
    )
    published = services.publish_year(year)  # clears the public pages once committed
    result.add(Duty, generated.created)
    result.generated_years[year] = published


def _load_accounts(
    result: LoadResult,
    units: dict[str, Unit],
    leaders: dict[str, Leader],
    contacts: dict[str, ContactPerson],
) -> None:
    """One sign-in per role; an existing account keeps its password and links."""
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"email": account.email, "is_staff": account.is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=account.role)[0])
            for unit in account.units:
                units[unit].members.add(user)
            if account.leader:
                _link(leaders[account.leader], user)
            if account.contact:
                _link(contacts[account.contact], user)
            result.add(User)
        result.accounts.append(account)


def _link(person: Leader | ContactPerson, user) -> None:
    """Sign the person in as ``user`` unless someone already is."""
    if person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])

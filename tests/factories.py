"""Factories for both test packages: sign-ins, the plan's people, units, duties and cases.

One signature per factory. A case comes one of two ways: ``make_case`` saves one directly, any
field overridden (for the register, search and lookup tests); ``register`` takes one through
intake (number, query code, hashes, repeat check) and ``walk`` moves it along the workflow as
the office and the unit would (for the workflow, intake and permission tests).

The named people built from these (``clerk``, ``unit``, ``leader``...) are fixtures, in the
conftest of each test package.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from petitions import delivery, feedback, intake, workflow
from petitions.identity import id_check_character
from petitions.models import (
    Case,
    Category,
    Channel,
    Classification,
    DeliveryMethod,
    ReferralReason,
    State,
)
from petitions.search import index_case
from schedules.models import ContactPerson, District, Duty, Leader, Unit

PASSWORD = "correct-horse-battery"

# The plan's rotation: the leaders (name, position) and the petition section's contact persons.
LEADERS = [
    ("厚春华", "局长"),
    ("王晓东", "副局长"),
    ("孙守堂", "副局长"),
    ("傅博", "副局长"),
    ("郭大维", "执法队队长"),
]
CONTACTS = ["王贤熙", "于海宁", "李明姬"]

CITY = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    """A moment in the city's time, for ``time_machine`` and ``received_at``."""
    return datetime.datetime(year, month, day, hour, tzinfo=CITY)


def code_of(error: ValidationError) -> str:
    """The code of a refused step: "role", "state", "condition"..."""
    return error.error_list[0].code


# --- People, units and duties -----------------------------------------------------------------


def make_user(django_user_model, username: str, *roles: str, **extra: Any):
    """A sign-in with the password ``PASSWORD`` and an address, in the given roles' groups."""
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    for role in roles:
        # get_or_create: a browser (transactional) test flushes the migration-made groups.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_leader(name: str = "厚春华", position: str = "局长", *, user=None, **extra: Any) -> Leader:
    """A leader, signed in as ``user`` when given."""
    return Leader.objects.create(name=name, position=position, user=user, **extra)


def make_contact(name: str = "王贤熙", **extra: Any) -> ContactPerson:
    return ContactPerson.objects.create(name=name, **extra)


def make_unit(name: str = "双塔分局", *members, **extra: Any) -> Unit:
    """A unit (a branch office unless ``kind`` says otherwise) with these members."""
    extra.setdefault("kind", Unit.Kind.BRANCH_OFFICE)
    unit = Unit.objects.create(name=name, **extra)
    unit.members.add(*members)
    return unit


def make_duty(
    leader: Leader,
    day: datetime.date | None = None,
    kind: str = Duty.Kind.RECEPTION,
    **extra: Any,
) -> Duty:
    """A published duty of ``leader`` on ``day`` (today by default); ``extra`` sets the
    contact, the place or another state."""
    day = day or timezone.localdate()
    fields: dict[str, Any] = {"state": Duty.State.PUBLISHED, **extra}
    return Duty.objects.create(
        kind=kind, year=day.year, month=day.month, date=day, leader=leader, **fields
    )


# --- Cases saved directly ---------------------------------------------------------------------

_sequence = itertools.count(1)

# Short enough to type at a phone, long enough not to be guessed in ten attempts.
DEFAULT_QUERY_CODE = "K7P3Q9M2"
ID_NUMBER = "21130219800101123" + id_check_character("21130219800101123")


def make_case(**overrides: Any) -> Case:
    """A saved case with a unique number; any field can be overridden.

    ``received_at`` defaults to now; ``year`` and ``number`` follow it unless given.
    """
    sequence = overrides.pop("sequence", None) or (900_000 + next(_sequence))
    received_at = overrides.pop("received_at", None) or timezone.now()
    year = overrides.pop("year", None) or timezone.localtime(received_at).year
    fields: dict[str, Any] = {
        "number": f"{settings.CASE_NUMBER_PREFIX}〔{year}〕{sequence:04d}",
        "year": year,
        "sequence": sequence,
        "query_code": DEFAULT_QUERY_CODE,
        "channel": Channel.VISIT,
        "received_at": received_at,
        "petitioner_name": "张建国",
        "petitioner_phone": "+8613800138000",
        "petitioner_id_number": ID_NUMBER,
        "petitioner_address": "辽宁省朝阳市双塔区凌河街道友谊小区3号楼2单元",
        "district": District.SHUANGTA,
        "location": "双塔区凌河街道",
        "title": "河道旁堆放建筑垃圾",
        "content": "河道旁有人堆放建筑垃圾，雨后污水流入河中，请求清理。",
        "category": Category.POLLUTION,
        "classification": Classification.CLAIM,
        "state": State.REGISTERED,
        "acceptance_due": timezone.localdate(received_at) + datetime.timedelta(days=15),
    }
    fields.update(overrides)
    case = Case(**fields)
    index_case(case)
    case.save()
    return case


# --- Cases through intake and the workflow ----------------------------------------------------

VALID_ID = "11010519491231002X"  # GB 11643 sample: Beijing, born 1949-12-31
CHAOYANG_ID = "211302199001011239"  # 211302 双塔区, born 1990-01-01
MOBILE = "+8613800138000"

INTAKE_DEFAULTS: dict[str, Any] = {
    "channel": Channel.VISIT,
    "petitioner_name": "张建国",
    "petitioner_phone": MOBILE,
    "petitioner_id_number": CHAOYANG_ID,
    "petitioner_address": "辽宁省朝阳市双塔区凌河街道友谊小区3号楼2单元",
    "people_count": 1,
    "representatives": "",
    "district": District.SHUANGTA,
    "location": "凌河街道友谊小区东侧工地",
    "title": "工地夜间施工噪音扰民",
    "content": "每天晚上十点以后工地仍在施工，噪音很大，影响居民休息，请求查处。",
    "category": Category.POLLUTION,
    "classification": Classification.CLAIM,
    "skipped_level": False,
    "in_litigation": False,
    "referral_reason": None,
    "referral_note": "",
}


def register(by, *, duty: Duty | None = None, **overrides: Any) -> Case:
    """A case registered by ``by`` through intake (number, code, hashes, repeat check)."""
    fields = {**INTAKE_DEFAULTS, "received_at": timezone.now(), **overrides}
    token = fields.pop("submission_token", None) or uuid.uuid4()
    attachments = fields.pop("attachments", ())
    accept_now = fields.pop("accept_now", False)
    result = intake.register_case(
        by=by,
        submission_token=token,
        duty=duty,
        attachments=attachments,
        accept_now=accept_now,
        **fields,
    )
    return result.case


def referral_reason(destination: str = ReferralReason.Destination.COURT) -> ReferralReason:
    """One of the standard reasons the data migration ships."""
    return ReferralReason.objects.filter(destination=destination).first()


# The order a case normally goes through, and who takes each step.
PATH = [
    State.ACCEPTED,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.ANSWER_DRAFTED,
    State.APPROVED,
    State.ANSWERED,
    State.CLOSED,
]


def walk(case: Case, to: str, *, office, unit_user, unit: Unit) -> Case:
    """Move ``case`` along the normal path until it reaches state ``to``."""
    steps = {
        State.ACCEPTED: lambda c: workflow.accept_case(c, by=office),
        State.ASSIGNED: lambda c: workflow.assign_case(
            c, by=office, unit=unit, instructions="请核查并答复。"
        ),
        State.IN_PROGRESS: lambda c: workflow.start_handling(c, by=unit_user),
        State.ANSWER_DRAFTED: lambda c: workflow.draft_answer(
            c, by=unit_user, answer="经现场核查，工地已停止夜间施工。"
        ),
        State.APPROVED: lambda c: workflow.approve_answer(c, by=office),
        State.ANSWERED: lambda c: delivery.deliver_answer(
            c, by=office, delivered_on=timezone.localdate(), method=DeliveryMethod.IN_PERSON
        ),
        State.CLOSED: lambda c: workflow.close_case(
            feedback.record_feedback(c, by=office, satisfaction="satisfied"), by=office
        ),
    }
    start = PATH.index(case.state) + 1 if case.state in PATH else 0
    for state in PATH[start : PATH.index(to) + 1]:
        case = steps[state](case)
    return case

"""Helpers for the workflow, intake and permission tests: register a case through intake and
walk it through the workflow to a given state, as the office, the unit and the administrator
would."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from petitions import intake, workflow
from petitions.models import Case, Category, Channel, Classification, ReferralReason, State
from schedules.models import District, Duty, Leader, Unit

VALID_ID = "11010519491231002X"  # GB 11643 sample: Beijing, born 1949-12-31
CHAOYANG_ID = "211302199001011239"  # 211302 双塔区, born 1990-01-01
MOBILE = "+8613800138000"

DEFAULTS: dict[str, Any] = {
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
    fields = {**DEFAULTS, "received_at": timezone.now(), **overrides}
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


def make_unit(name: str = "双塔分局", *members, **extra: Any) -> Unit:
    extra.setdefault("kind", Unit.Kind.BRANCH_OFFICE)
    unit = Unit.objects.create(name=name, **extra)
    unit.members.add(*members)
    return unit


def make_leader(user=None, name: str = "厚春华", position: str = "局长") -> Leader:
    return Leader.objects.create(name=name, position=position, user=user)


def make_duty(
    leader: Leader, day: datetime.date | None = None, kind: str = Duty.Kind.RECEPTION
) -> Duty:
    day = day or timezone.localdate()
    return Duty.objects.create(
        kind=kind,
        year=day.year,
        month=day.month,
        date=day,
        leader=leader,
        state=Duty.State.PUBLISHED,
    )


def referral_reason(destination: str = ReferralReason.Destination.COURT) -> ReferralReason:
    """One of the standard reasons the data migration ships."""
    return ReferralReason.objects.filter(destination=destination).first()


# The order a case normally goes through, and who takes each step.
PATH = [
    State.ACCEPTED,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.ANSWER_DRAFTED,
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
        State.ANSWERED: lambda c: workflow.approve_answer(c, by=office),
        State.CLOSED: lambda c: workflow.close_case(
            workflow.record_feedback(c, by=office, satisfaction="satisfied"), by=office
        ),
    }
    start = PATH.index(case.state) + 1 if case.state in PATH else 0
    for state in PATH[start : PATH.index(to) + 1]:
        case = steps[state](case)
    return case

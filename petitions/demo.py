"""Demo petition cases: a dozen matters of the last three months, in every state of the workflow.

``load_cases`` registers each case through intake (``intake.register_case``) and moves it on
with the workflow's own verbs (``petitions/workflow.py``), acting as the demo sign-ins: the
clerk for the petition office's steps, the handler for the handling unit (双塔分局; for an
accusation, which never reaches a unit, the office itself), the administrator for the
extension, the leader for a supervision instruction. So the demo cases carry numbers, query
codes, encrypted petitioner data, logs, history and due dates exactly as real ones do.

The cases, their petitioners and their steps are data, in ``petitions/demo_cases.py``. The
cases are received on the dates given there (days before today); the steps after registration
happen today, as a clerk catching up would do them, so each clock starts today. One liberty: the
overdue case's acceptance is dated back (``accepted_days_after_receipt``), since a case accepted
today cannot be overdue; that is the only field the loader sets outside the workflow.

Loading happens once: when any case with one of these titles exists, nothing is created.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import DEMO_USERNAMES, is_demo_account
from petitions import (
    casework,
    delivery,
    demo_channels,
    feedback,
    handoffs,
    intake,
    reviews,
    texts,
    workflow,
)
from petitions.demo_cases import (
    ADMIN,
    BUREAU_ITSELF,
    DEMO_CASES,
    DEMO_TITLES,
    LEADER,
    OFFICE,
    UNIT,
    DemoCase,
    Step,
)
from petitions.demo_petitioners import DEMO_NAMES
from petitions.identity import normalize_phone, validate_id_number
from petitions.models import Case, Classification, ReferralReason
from schedules import demo as roster_demo
from schedules.models import Duty, Leader, Unit


def load(*, accounts: bool = True) -> roster_demo.LoadResult:
    """The whole demo: the roster app's data (``schedules.demo.load``), then, with the
    sign-ins, the demo cases and the citizens' channels (``demo_channels``: appointments, an
    online petition, hotline transfers); all in one transaction."""
    with transaction.atomic():
        result = roster_demo.load(accounts=accounts)
        if accounts:
            load_cases(result)
            users = demo_users()
            if users is not None:
                demo_channels.load_channels(result, users)
    return result


def demo_users() -> dict | None:
    """The demo sign-ins by user name; None unless all are there and DEBUG is on, as they
    need."""
    if not settings.DEBUG:
        return None
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        if is_demo_account(user)
    }
    return users if set(users) == DEMO_USERNAMES else None


def load_cases(result) -> int:
    """Register and handle the demo cases once; returns how many were created.

    ``result`` is the demo loader's ``LoadResult``: the cases are counted in it, and a reason is
    added to its problems when they cannot be created (then none are). Needs the demo sign-ins,
    and DEBUG on, as they do.
    """
    if not settings.DEBUG or Case.objects.filter(title__in=DEMO_TITLES).exists():
        return 0
    users = demo_users()
    if users is None:
        return 0
    try:
        with transaction.atomic(), texts.silenced():  # all or none; no text to made-up people
            created = _create_cases(users)
    except ValidationError as error:
        result.problems.append(
            _("The demo cases were not created: %(reason)s") % {"reason": " ".join(error.messages)}
        )
        return 0
    result.add(Case, created)
    return created


def _create_cases(users: dict) -> int:
    _name(users)
    today = timezone.localdate()
    leader = Leader.objects.filter(user=users["leader"]).first()
    duty = reception_duty(today, leader)
    planned = []
    for spec in DEMO_CASES:
        if spec.days_ago is None:
            if duty is None:
                continue  # no published reception day has passed: no such case
            day = duty.date
        else:
            day = today - datetime.timedelta(days=spec.days_ago)
        received_at = timezone.make_aware(datetime.datetime.combine(day, spec.time))
        planned.append((received_at, spec))
    # In order of receipt: numbers follow the dates, and a repeat finds the case it repeats.
    planned.sort(key=lambda pair: pair[0])
    for received_at, spec in planned:
        case = _register(spec, received_at, users["clerk"], duty)
        for step in spec.steps:
            case = _take(step, case, spec, users)
    return len(planned)


def _name(users: dict) -> None:
    """Give the demo sign-ins full names (the logs name people), unless they have one."""
    for username, (family, given) in DEMO_NAMES.items():
        user = users[username]
        if not (user.first_name or user.last_name):
            user.last_name, user.first_name = family, given
            user.save(update_fields=["last_name", "first_name"])


def reception_duty(today: datetime.date, leader: Leader | None) -> Duty | None:
    """The latest past published reception day of this year (else of 2024), the given
    leader's if they had one: that leader can then add the supervision instruction."""
    past = (
        Duty.objects.published()
        .filter(kind=Duty.Kind.RECEPTION, date__lt=today)
        .select_related("leader")
        .order_by("-date")
    )
    for year in (today.year, 2024):
        duties = past.filter(year=year)
        chosen = (leader and duties.filter(leader=leader).first()) or duties.first()
        if chosen is not None:
            return chosen
    return None


def _register(spec: DemoCase, received_at: datetime.datetime, clerk, duty: Duty | None) -> Case:
    petitioner = spec.petitioner
    referral = None
    if spec.referral:
        referral = ReferralReason.objects.filter(destination=spec.referral, active=True).first()
    registration = intake.register_case(
        by=clerk,
        submission_token=uuid.uuid4(),
        duty=duty if spec.channel in intake.DUTY_CHANNELS else None,
        channel=spec.channel,
        received_at=received_at,
        petitioner_name=petitioner.name,
        petitioner_phone=normalize_phone(petitioner.phone),
        petitioner_id_number=validate_id_number(petitioner.id_number),
        petitioner_address=petitioner.address,
        people_count=spec.people_count,
        representatives=spec.representatives,
        district=spec.district,
        location=spec.location,
        title=spec.title,
        content=spec.content,
        category=spec.category,
        classification=spec.classification,
        skipped_level=spec.skipped_level,
        in_litigation=spec.in_litigation,
        referral_reason=referral,
        referral_note=spec.referral_note,
    )
    return registration.case


def _take(step: Step, case: Case, spec: DemoCase, users: dict) -> Case:
    """Take one step as the demo user who plays its part."""
    actor = {OFFICE: "clerk", UNIT: "handler", ADMIN: "admin", LEADER: "leader"}[step.actor]
    if step.actor == UNIT and case.classification == Classification.ACCUSATION:
        actor = "clerk"  # an accusation never reaches a unit: the office handles it
    by = users[actor]
    if step.actor == LEADER and workflow.LEADER not in workflow.actors_for(by, case):
        return case  # the reception day was another leader's: no instruction from this one
    ACTIONS[step.action](case, by, step)
    case = Case.objects.get(pk=case.pk)
    if step.action == "accept" and spec.accepted_days_after_receipt is not None:
        case = _date_acceptance_back(case, spec.accepted_days_after_receipt)
    return case


def _date_acceptance_back(case: Case, days: int) -> Case:
    """Accepted ``days`` after receipt: the handling clock runs from then (the overdue case)."""
    accepted_at = case.received_at + datetime.timedelta(days=days)
    due = workflow.days_after(timezone.localtime(accepted_at).date(), settings.HANDLING_DAYS)
    Case.objects.filter(pk=case.pk).update(accepted_at=accepted_at, due_date=due)
    return Case.objects.get(pk=case.pk)


ACTIONS: dict[str, Callable[[Case, object, Step], object]] = {
    "accept": lambda case, by, step: workflow.accept_case(case, by=by),
    "assign": lambda case, by, step: workflow.assign_case(
        case, by=by, unit=Unit.objects.get(name=step.unit), instructions=step.text
    ),
    "release": lambda case, by, step: workflow.release_identity(case, by=by, comment=step.text),
    "start": lambda case, by, step: workflow.start_handling(case, by=by, comment=step.text),
    "note": lambda case, by, step: workflow.add_progress_note(case, by=by, comment=step.text),
    "extension": lambda case, by, step: workflow.request_extension(
        case, by=by, days=step.days, reason=step.text
    ),
    "approve_extension": lambda case, by, step: workflow.approve_extension(
        case, by=by, comment=step.text
    ),
    "supervise": lambda case, by, step: casework.add_supervision(case, by=by, comment=step.text),
    "take_charge": lambda case, by, step: casework.take_charge(case, by=by, comment=step.text),
    "draft": lambda case, by, step: workflow.draft_answer(case, by=by, answer=step.text),
    "approve": lambda case, by, step: workflow.approve_answer(
        case, by=by, **({"issuer": None} if step.unit == BUREAU_ITSELF else {})
    ),
    "deliver": lambda case, by, step: delivery.deliver_answer(
        case, by=by, delivered_on=timezone.localdate(), method=step.method, note=step.text
    ),
    "transfer": lambda case, by, step: handoffs.transfer_case(
        case, by=by, authority=step.unit, note=step.text
    ),
    "review": lambda case, by, step: reviews.request_review(case, by=by, comment=step.text),
    "forward_review": lambda case, by, step: reviews.forward_review(
        case, by=by, higher_body=step.unit, forwarded_on=timezone.localdate(), comment=step.text
    ),
    "feedback": lambda case, by, step: feedback.record_feedback(
        case, by=by, satisfaction=step.satisfaction, comment=step.text
    ),
    "close": lambda case, by, step: workflow.close_case(case, by=by, comment=step.text),
}

"""Casework beside the workflow's steps: the leader's supervision (督办) and the unit's reply,
the leader in charge of a case (领导包案), and the office's correction of 初信初访.

Each verb is a row of the workflow's ``TRANSITIONS`` (who, from which states, and why not now),
checked the same way: on the locked case, against the form's version where the case changes,
in one transaction with a ``CaseLog`` entry and its mail sent once committed. The records are
in ``petitions/casework_models.py``; whether a new case is a first petition is found at intake
(``petitions/intake.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import notifications
from petitions.caselog import StaleCase, locked_case, save_change, write_log
from petitions.models import Case, CaseLog, Supervision, leader_of
from petitions.workflow import check
from schedules.models import Leader, Unit


@contextmanager
def _changing(case: Case, user, action: str, version: int | None) -> Iterator[Case]:
    """Lock the case, refuse a stale form, check the step (as the workflow's verbs do)."""
    with locked_case(case, action) as locked:
        if version is not None and locked.version != version:
            raise StaleCase()
        check(locked, user, action)
        yield locked


def _required(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: message}, code="required")
    return value


# --- 初信初访 ---------------------------------------------------------------------------------


def set_first_petition(
    case: Case, *, by, first: bool, comment: str, version: int | None = None
) -> Case:
    """The office corrects what intake found: whether this is the petitioner's first petition
    on the matter (初信初访), with the reason."""
    comment = _required(comment, "comment", _("Say why the mark changes."))
    with _changing(case, by, "first_petition", version) as locked:
        if locked.is_first_petition == first:
            raise ValidationError({"first": _("The case is already marked so.")}, code="unchanged")
        locked.is_first_petition = first
        label = _("First petition (初信初访)") if first else _("Not a first petition")
        save_change(locked, by, action=CaseLog.Action.FIRST_PETITION, comment=f"{label}\n{comment}")
    return locked


# --- The leader in charge (领导包案) -----------------------------------------------------------


def take_charge(case: Case, *, by, comment: str = "", version: int | None = None) -> Case:
    """A leader takes charge of a case they received: its steps come on their worklist."""
    with _changing(case, by, "take_charge", version) as locked:
        leader = leader_of(by)
        locked.leader_in_charge = leader
        text = f"{leader}\n{comment.strip()}".strip()
        save_change(locked, by, action=CaseLog.Action.CHARGE, comment=text)
    return locked


def put_in_charge(
    case: Case, *, by, leader: Leader | None, comment: str = "", version: int | None = None
) -> Case:
    """The office puts a leader in charge of a case, changes the leader, or ends the charge
    (``leader`` None); a leader put in charge is told by mail."""
    if leader is not None and not leader.active:
        raise ValidationError({"leader": _("Choose an active leader.")}, code="leader")
    with _changing(case, by, "charge", version) as locked:
        if locked.leader_in_charge_id == (leader.pk if leader else None):
            message = (
                _("This leader is already in charge of the case.")
                if leader
                else _("No leader is in charge of the case.")
            )
            raise ValidationError({"leader": message}, code="unchanged")
        locked.leader_in_charge = leader
        head = str(leader) if leader else _("No leader in charge any more")
        save_change(
            locked, by, action=CaseLog.Action.CHARGE, comment=f"{head}\n{comment.strip()}".strip()
        )
        if leader is not None:
            notifications.notify_leader_in_charge(locked, leader)
    return locked


# --- Supervision (督办) and the reply --------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """A supervision instruction as given: who was told at once (for the confirmation)."""

    supervision: Supervision
    unit: Unit | None  # None: no unit handles the case yet
    mailed: bool  # whether the unit was mailed (it has an address)


def default_reply_due(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(
        days=settings.SUPERVISION_REPLY_DAYS
    )


def add_supervision(
    case: Case, *, by, comment: str, reply_due: datetime.date | None = None
) -> Instruction:
    """The leader's instruction (督办), replied to by the unit on the case by ``reply_due``.

    No version check: an instruction does not change the case, so it never conflicts.
    """
    comment = _required(comment, "comment", _("Write the instruction."))
    today = timezone.localdate()
    reply_due = reply_due or default_reply_due(today)
    if reply_due < today:
        raise ValidationError(
            {"reply_due": _("The reply date cannot be in the past.")}, code="reply_due"
        )
    with locked_case(case, "supervise") as locked:
        check(locked, by, "supervise")
        supervision = Supervision.objects.create(
            case=locked, leader=leader_of(by), by=by, instruction=comment, reply_due=reply_due
        )
        due = _("Reply due by %(date)s.") % {"date": reply_due.isoformat()}
        write_log(locked, by, CaseLog.Action.SUPERVISION, f"{comment}\n{due}")
        mailed = notifications.notify_supervision(locked, comment, reply_due)
    return Instruction(supervision, locked.unit, bool(mailed))


def reply_to_supervision(
    case: Case, *, by, reply: str, supervision: Supervision | None = None
) -> Supervision:
    """The unit's reply to an instruction (the oldest waiting one unless ``supervision``); the
    leader who gave it is told. An instruction answered meanwhile by a colleague is refused."""
    reply = _required(reply, "reply", _("Write the reply."))
    with locked_case(case, "reply") as locked:
        check(locked, by, "reply")
        waiting = locked.supervisions.awaiting_reply().select_for_update(of=("self",))
        if supervision is not None:
            waiting = waiting.filter(pk=supervision.pk)
        target = waiting.select_related("leader__user").first()
        if target is None:
            raise ValidationError(
                _("This instruction was answered meanwhile; the page now shows the reply."),
                code="stale",
            )
        target.reply = reply
        target.replied_at = timezone.now()
        target.replied_by = by
        target.save(update_fields=["reply", "replied_at", "replied_by"])
        write_log(locked, by, CaseLog.Action.SUPERVISION_REPLY, reply)
        notifications.notify_supervision_reply(locked, target.leader, reply)
    return target

"""The casework steps of the case page: the leader's supervision (督办) and the unit's reply,
the leader in charge (包案), the correction of 初信初访. The case page (``views/cases.py``)
offers them beside the workflow's steps, through the same ``case_act`` view."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions import casework
from petitions.forms.casework import (
    ChargeForm,
    FirstPetitionForm,
    ReplyForm,
    SupervisionForm,
    TakeChargeForm,
)
from petitions.views.steps import Step, with_comment


def supervision_told(instruction: casework.Instruction) -> str:
    """The confirmation of an instruction says who was told: the unit by mail, the unit on its
    worklist only, or nobody yet (no unit handles the case)."""
    values = {
        "unit": instruction.unit.name if instruction.unit else "",
        "date": instruction.supervision.reply_due.isoformat(),
    }
    if instruction.unit is None:
        message = _(
            "The instruction was recorded. No unit handles the case yet: the petition office "
            "sees it on its worklist, and the unit will once the case is assigned (reply due "
            "%(date)s)."
        )
    elif instruction.mailed:
        message = _(
            "The instruction was recorded and mailed to %(unit)s; it is on the unit's "
            "worklist, reply due %(date)s."
        )
    else:
        message = _(
            "The instruction was recorded and is on the worklist of %(unit)s (the unit has no "
            "mail address on record); reply due %(date)s."
        )
    return message % values


CASEWORK_STEPS: dict[str, Step] = {
    "supervise": Step(
        SupervisionForm,
        lambda c, u, d: casework.add_supervision(
            c, by=u, comment=d["comment"], reply_due=d["reply_due"]
        ),
        supervision_told,
    ),
    "reply": Step(
        ReplyForm,
        lambda c, u, d: casework.reply_to_supervision(
            c, by=u, reply=d["reply"], supervision=d["supervision"]
        ),
        gettext_lazy("The reply was recorded; the leader is told."),
    ),
    "take_charge": Step(
        TakeChargeForm,
        with_comment(casework.take_charge),
        gettext_lazy("You are in charge of the case: it is on your worklist."),
        "outline-primary",
    ),
    "charge": Step(
        ChargeForm,
        lambda c, u, d: casework.put_in_charge(
            c, by=u, version=d["version"], leader=d["leader"], comment=d["comment"]
        ),
        gettext_lazy("The leader in charge was recorded."),
        "outline-primary",
    ),
    "first_petition": Step(
        FirstPetitionForm,
        lambda c, u, d: casework.set_first_petition(
            c, by=u, version=d["version"], first=d["first"], comment=d["comment"]
        ),
        gettext_lazy("The first petition mark was corrected."),
        "outline-secondary",
    ),
}

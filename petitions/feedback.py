"""The petitioner's view of the answer (结果反馈): as the office recorded it (a call, a visit),
and the petitioner's own rating from the lookup page.

The two are told apart in the case's log (``CaseLog.Action.FEEDBACK``: recorded by the office;
``RATING``: the petitioner's own, by nobody signed in). The petitioner's own rating is given
once per answer and replaces what the office recorded; the office cannot overwrite it
(``access.petitioner_rated``, asked by the workflow's check of "feedback").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from petitions.access import may_rate, petitioner_rated
from petitions.caselog import locked_case, save_change, write_log
from petitions.models import Case, CaseLog, Satisfaction
from petitions.workflow import changing


def record_feedback(
    case: Case, *, by, satisfaction: str, comment: str = "", version: int | None = None
) -> Case:
    """The petitioner's view of the answer (结果反馈) as the office heard it (a call, a visit):
    logged as recorded by the office; the petitioner's own rating online may still follow."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError(
            {"satisfaction": _("Choose the petitioner's feedback.")}, code="required"
        )
    with changing(case, by, "feedback", version) as locked:
        locked.satisfaction = satisfaction
        text = f"{Satisfaction(satisfaction).label}\n{comment.strip()}".strip()
        save_change(locked, by, action=CaseLog.Action.FEEDBACK, comment=text)
    return locked


def rate_answer(case: Case, *, satisfaction: str, reason: str = "") -> Case:
    """The petitioner's own rating of the answer from the lookup page, given once per answer,
    with an optional reason. It replaces feedback the office recorded (the petitioner's own
    word counts); the new version makes staff editing the case at the same time reload it."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("Choose one of the three answers."), code="required")
    with locked_case(case, "petitioner_rating") as locked:
        if petitioner_rated(locked):
            refusal = _("This answer has already been rated; a rating can be given only once.")
            raise ValidationError(refusal, code="condition")
        if not may_rate(locked):
            refusal = _("The answer has not been delivered yet: you can rate it once it has.")
            raise ValidationError(refusal, code="state")
        locked.satisfaction = satisfaction
        locked.version += 1
        locked.save(update_fields=["satisfaction", "version", "updated_at"])
        lines = [str(Satisfaction(satisfaction).label), reason.strip()]
        lines.append(_("Rated by the petitioner online."))
        write_log(locked, None, CaseLog.Action.RATING, "\n".join(line for line in lines if line))
    return locked

"""Reviews of an answer (复查, 复核): the request, and for the higher body its forwarding and
decision (《信访工作条例》 art. 35-36).

Who reviews is decided in ``petitions/letters.py``: the bureau reviews a branch's answer in this
system (the unit drafts the review opinion, the office approves it, as with the answer, and it
is delivered); a review of anything the bureau decided itself goes to the higher body (上一级机关).
For that, the office records the request, forwards it with a printable letter, and records the
higher body's decision and its date, counting the higher body's time limit from the
forwarding; no review opinion is written in the bureau's name.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import letters, notifications, timelimits
from petitions.caselog import save_change
from petitions.models import Case, CaseLog, Letter, Review, State
from petitions.workflow import TRANSITIONS, changing, required


def _open_review(case: Case, by, action: str, comment: str, version: int | None) -> Case:
    comment = required(comment, "comment", _("Write the petitioner's reasons for the request."))
    today = timezone.localdate()
    with changing(case, by, action, version) as locked:
        body = letters.reviewing_body(locked)
        reviewed = letters.current_opinion(locked)
        locked.review_level += 1
        Review.objects.create(
            case=locked,
            level=locked.review_level,
            requested_on=today,
            reasons=comment,
            body=body,
            reviewed_letter=reviewed if body == Review.Body.BUREAU else None,
        )
        internal = body == Review.Body.BUREAU
        # The higher body's clock starts when it receives the request: at the forwarding.
        locked.due_date = timelimits.review_due(today) if internal else None
        locked.review_request_due = None
        locked.satisfaction = ""
        locked.closed_at = None
        save_change(locked, by, to_state=TRANSITIONS[action].target, comment=comment)
        if internal:
            notifications.notify_review_requested(locked, comment)
    return locked


def request_review(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """复查: within REVIEW_REQUEST_DAYS of delivery; answered within REVIEW_HANDLING_DAYS."""
    return _open_review(case, by, "review", comment, version)


def request_second_review(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """复核: after a review, the same windows; it is final."""
    return _open_review(case, by, "second_review", comment, version)


def forward_review(
    case: Case,
    *,
    by,
    higher_body: str,
    forwarded_on: datetime.date | None,
    comment: str = "",
    version: int | None = None,
) -> Case:
    """Forward the request to the higher body, with a letter; its time limit starts."""
    higher_body = required(higher_body, "higher_body", _("Name the body the request goes to."))
    with changing(case, by, "forward_review", version) as locked:
        review = letters.current_review(locked)
        refusal = letters.date_refusal(forwarded_on, review.requested_on, _("the request"))
        if refusal:
            raise ValidationError({"forwarded_on": refusal}, code="forwarded_on")
        review.higher_body = higher_body[:200]
        review.forwarded_on = forwarded_on
        review.due_date = timelimits.review_due(forwarded_on)
        review.save()
        Letter.objects.create(
            case=locked,
            kind=Letter.Kind.REVIEW_FORWARDING,
            review_level=locked.review_level,
            text=comment.strip(),
            addressee=review.higher_body,
            issued_at=timezone.now(),
            issued_by=by if getattr(by, "pk", None) else None,
        )
        locked.due_date = review.due_date
        text = f"{review.higher_body} · {forwarded_on.isoformat()}\n{comment.strip()}".strip()
        save_change(locked, by, action=CaseLog.Action.FORWARDING, comment=text)
    return locked


def record_review_decision(
    case: Case,
    *,
    by,
    decided_on: datetime.date | None,
    outcome: str,
    decision: str,
    version: int | None = None,
) -> Case:
    """The higher body's decision, as it told the bureau; the next review's window opens."""
    if outcome not in Review.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")}, code="outcome")
    decision = required(decision, "decision", _("Summarise the decision."))
    with changing(case, by, "review_decision", version) as locked:
        review = letters.current_review(locked)
        refusal = letters.date_refusal(decided_on, review.forwarded_on, _("the forwarding"))
        if refusal:
            raise ValidationError({"decided_on": refusal}, code="decided_on")
        review.decided_on = decided_on
        review.outcome = outcome
        review.decision = decision
        review.save()
        locked.due_date = None
        locked.review_request_due = timelimits.review_request_due(decided_on, locked.review_level)
        label = Review.Outcome(outcome).label
        text = f"{review.higher_body} · {decided_on.isoformat()} · {label}\n{decision}"
        save_change(locked, by, to_state=State.ANSWERED, comment=text)
    return locked

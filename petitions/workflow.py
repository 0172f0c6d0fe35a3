"""The case workflow: which transition, from which state, by whom; and the verbs that change
a registered case (acceptance, assignment, handling, the answer, closing, the extension, the
identity's release). Built on it: delivery (``delivery.py``), reviews (``reviews.py``),
transfers (``handoffs.py``), feedback (``feedback.py``) and the casework (``casework.py``).

Who plays which part is decided in ``petitions/access.py``, the time limits in
``timelimits.py``, the mail in ``notifications.py``, the petitioner's text messages in
``texts.py``, how a change is stored in ``caselog.py``. Intake (``intake.py``) builds on
``record_acceptance`` and ``record_refusal``; this module never imports it.

Every verb checks the actor's part and the case's state against ``TRANSITIONS``, locks the row
and compares the form's ``version`` (a stale second save is refused), changes the case in one
transaction with a ``CaseLog`` entry (who, when, comment) and a reason in the history context,
stores the due date when a clock starts, and has its mail sent once the transaction committed.
Refusals are ``ValidationError``s saying why, keyed by form field where the input is at fault.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions import letters, notifications, texts, timelimits
from petitions.access import (
    ACTOR_LABELS,
    ADMIN,
    LEADER,
    OFFICE,
    UNIT,
    actors_for,
    petitioner_rated,
)
from petitions.attachments import store_evidence
from petitions.caselog import StaleCase, locked_case, save_change, write_log
from petitions.models import (
    OPEN_STATES,
    Case,
    CaseLog,
    Classification,
    ExtensionState,
    Letter,
    ReferralReason,
    State,
)
from petitions.timelimits import days_after
from schedules.models import Unit

# --- The transitions, as data ----------------------------------------------------------------

S = State
HANDLING = frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWER_DRAFTED})
REVIEWING = frozenset({S.REVIEW, S.SECOND_REVIEW})
OPEN = frozenset(OPEN_STATES)


@dataclass(frozen=True)
class Transition:
    """One thing that can happen to a case: from which states, to which, by whom."""

    sources: frozenset[str]
    target: str | None  # None: the state stays (notes, feedback, extension, release...)
    actors: frozenset[str]
    label: Promise


def _t(sources: Iterable[str], target: str | None, actors: Iterable[str], label) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors), label)


TRANSITIONS: dict[str, Transition] = {
    "accept": _t({S.REGISTERED}, S.ACCEPTED, {OFFICE}, gettext_lazy("Accept")),
    "refuse": _t({S.REGISTERED}, S.NOT_ACCEPTED, {OFFICE}, gettext_lazy("Do not accept")),
    "assign": _t(
        {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS},
        S.ASSIGNED,
        {OFFICE},
        gettext_lazy("Assign (交办) to a unit of the bureau"),
    ),
    "transfer": _t(
        {S.REGISTERED, S.ACCEPTED},
        S.TRANSFERRED,
        {OFFICE},
        gettext_lazy("Transfer (转送) to another authority"),
    ),
    "start": _t({S.ASSIGNED}, S.IN_PROGRESS, {UNIT}, gettext_lazy("Start handling")),
    "note": _t(
        {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWER_DRAFTED, S.APPROVED, *REVIEWING},
        None,
        {UNIT, OFFICE},
        gettext_lazy("Add a progress note"),
    ),
    "draft": _t(
        {S.ASSIGNED, S.IN_PROGRESS, *REVIEWING},
        S.ANSWER_DRAFTED,
        {UNIT},
        gettext_lazy("Draft the answer"),
    ),
    # Back to the state the draft came from (in progress, review or second review).
    "return": _t({S.ANSWER_DRAFTED}, None, {OFFICE}, gettext_lazy("Return the draft")),
    "approve": _t(
        {S.ANSWER_DRAFTED}, S.APPROVED, {OFFICE}, gettext_lazy("Approve and issue the answer")
    ),
    "deliver": _t({S.APPROVED}, S.ANSWERED, {OFFICE}, gettext_lazy("Record the delivery (送达)")),
    "feedback": _t({S.ANSWERED}, None, {OFFICE}, gettext_lazy("Record the feedback")),
    "close": _t({S.ANSWERED}, S.CLOSED, {OFFICE}, gettext_lazy("Close")),
    "review": _t(
        {S.ANSWERED, S.CLOSED}, S.REVIEW, {OFFICE}, gettext_lazy("Request a review (复查)")
    ),
    "second_review": _t(
        {S.ANSWERED, S.CLOSED},
        S.SECOND_REVIEW,
        {OFFICE},
        gettext_lazy("Request a second review (复核)"),
    ),
    "forward_review": _t(
        REVIEWING, None, {OFFICE}, gettext_lazy("Forward the request to the higher body")
    ),
    "review_decision": _t(
        REVIEWING, S.ANSWERED, {OFFICE}, gettext_lazy("Record the higher body's decision")
    ),
    "extension": _t(
        {S.ASSIGNED, S.IN_PROGRESS}, None, {UNIT}, gettext_lazy("Request an extension")
    ),
    "approve_extension": _t(HANDLING, None, {ADMIN}, gettext_lazy("Approve the extension")),
    "refuse_extension": _t(HANDLING, None, {ADMIN}, gettext_lazy("Refuse the extension")),
    "release": _t(
        {*HANDLING, *REVIEWING, S.APPROVED, S.ANSWERED},
        None,
        {OFFICE},
        gettext_lazy("Release the identity to the unit"),
    ),
    "supervise": _t(OPEN, None, {LEADER}, gettext_lazy("Add a supervision instruction (督办)")),
    # Casework beside the steps; the verbs are in ``petitions/casework.py``.
    "reply": _t(OPEN, None, {UNIT}, gettext_lazy("Reply to the supervision (督办)")),
    "take_charge": _t(OPEN, None, {LEADER}, gettext_lazy("Take charge of the case (包案)")),
    "charge": _t(OPEN, None, {OFFICE}, gettext_lazy("Set the leader in charge (包案)")),
    "first_petition": _t(S, None, {OFFICE}, gettext_lazy("Correct the first petition mark")),
}


def _state_names(states: Iterable[str]) -> str:
    ordered = sorted(states, key=list(State.values).index)
    return _(", ").join(str(State(s).label) for s in ordered)


def _precondition(case: Case, action: str, today: datetime.date) -> str | None:
    """Why ``action`` cannot happen to ``case`` now beyond state and role, or None."""
    if action == "extension":
        return timelimits.extension_refusal(case)
    if action in ("approve_extension", "refuse_extension"):
        return timelimits.extension_decision_refusal(case, approve=action == "approve_extension")
    if action in ("review", "second_review"):
        return timelimits.review_refusal(case, second=action == "second_review", today=today)
    if action == "feedback" and petitioner_rated(case):
        return _("The petitioner rated this answer themselves: their own rating stands.")
    if action == "release":
        if case.identity_released:
            return _("The petitioner's identity is already released to the unit.")
        if not case.unit_id:
            return _("Assign the case to a unit first.")
    if action in ("charge", "take_charge") and case.classification == Classification.ACCUSATION:
        return _("An accusation is handled by the petition office alone: no leader takes charge.")
    if action == "take_charge" and case.leader_in_charge_id:
        return _("A leader is already in charge of this case; the petition office can change it.")
    if action == "reply" and not case.supervisions.awaiting_reply().exists():
        return _("No supervision instruction is waiting for a reply.")
    return letters.step_refusal(case, action)


def check(
    case: Case,
    user,
    action: str,
    today: datetime.date | None = None,
    actors: set[str] | None = None,
) -> Transition:
    """Refuse, with the reason, what ``user`` may not do to ``case`` now."""
    transition = TRANSITIONS[action]
    if actors is None:
        actors = actors_for(user, case)
    if not actors & transition.actors:
        who = _(" or ").join(str(ACTOR_LABELS[a]) for a in sorted(transition.actors))
        raise ValidationError(
            _("Only %(who)s may do this: “%(action)s”.") % {"who": who, "action": transition.label},
            code="role",
        )
    if case.state not in transition.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the case is “%(state)s”; it needs: %(from)s.")
            % {
                "action": transition.label,
                "state": case.get_state_display(),
                "from": _state_names(transition.sources),
            },
            code="state",
        )
    reason = _precondition(case, action, today or timezone.localdate())
    if reason:
        raise ValidationError(reason, code="condition")
    return transition


def allowed_actions(user, case: Case, today: datetime.date | None = None) -> list[str]:
    """The actions ``user`` may take on ``case`` now, in the table's order (for the forms)."""
    found = []
    actors = actors_for(user, case)
    for action in TRANSITIONS:
        try:
            check(case, user, action, today, actors)
        except ValidationError:
            continue
        found.append(action)
    return found


@contextmanager
def _changing(case: Case, user, action: str, version: int | None) -> Iterator[Case]:
    """Lock the case, refuse a stale form, check the transition; the body changes it."""
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


changing, required = _changing, _required  # for the verbs of later steps (delivery.py...)


# --- Acceptance -------------------------------------------------------------------------------


def record_acceptance(case: Case, by, comment: str) -> None:
    """Start the handling clock: HANDLING_DAYS from the day of acceptance.

    No role or state check: the caller has made it (``accept_case``) or has just registered
    the case in the same transaction (``intake.register_case`` with ``accept_now``).
    """
    if case.needs_referral():
        raise ValidationError(
            {
                "category": _(
                    "A matter outside the four categories or in litigation is not accepted: "
                    "record it as not accepted with a referral reason."
                )
            },
            code="needs_referral",
        )
    case.accepted_at = timezone.now()
    case.due_date = timelimits.handling_due(timezone.localdate())
    save_change(case, by, to_state=State.ACCEPTED, comment=comment)
    texts.notify_accepted(case)


def record_refusal(case: Case, by, reason: ReferralReason, note: str) -> None:
    """Record the matter as not accepted, with its referral (no checks, as above)."""
    case.referral_reason, case.referral_note = reason, note
    case.due_date = None
    case.closed_at = timezone.now()  # the decision's time: the acceptance rate reads it
    save_change(case, by, to_state=State.NOT_ACCEPTED, comment=f"{reason.title}\n{note}".strip())
    texts.notify_refused(case, reason)


def accept_case(
    case: Case, *, by, version: int | None = None, category: str | None = None, comment: str = ""
) -> Case:
    """Accept the matter (the acceptance notice is printable) and start the 60-day clock."""
    with _changing(case, by, "accept", version) as locked:
        if category:
            locked.category = category
        record_acceptance(locked, by, comment)
    return locked


def refuse_case(
    case: Case,
    *,
    by,
    referral_reason: ReferralReason | None,
    referral_note: str = "",
    version: int | None = None,
) -> Case:
    """Record that the matter is not taken up, with where the petitioner should go."""
    if referral_reason is None:
        raise ValidationError(
            {"referral_reason": _("Choose the reason: it tells the petitioner where to go.")},
            code="required",
        )
    with _changing(case, by, "refuse", version) as locked:
        record_refusal(locked, by, referral_reason, referral_note)
    return locked


# --- Handling ---------------------------------------------------------------------------------


def assign_case(
    case: Case, *, by, unit: Unit, instructions: str = "", version: int | None = None
) -> Case:
    """Hand the case to a unit with instructions; the unit is told by mail."""
    if unit is None or not unit.active:
        raise ValidationError({"unit": _("Choose an active handling unit.")}, code="unit")
    with _changing(case, by, "assign", version) as locked:
        if locked.unit_id != unit.pk:
            # The identity was released to the previous unit, not to this one.
            locked.identity_released = False
        locked.unit = unit
        locked.instructions = instructions.strip()
        comment = f"{unit.name}\n{locked.instructions}".strip()
        save_change(locked, by, to_state=State.ASSIGNED, comment=comment)
        notifications.notify_assigned(locked)
    return locked


def start_handling(case: Case, *, by, comment: str = "", version: int | None = None) -> Case:
    with _changing(case, by, "start", version) as locked:
        save_change(locked, by, to_state=State.IN_PROGRESS, comment=comment.strip())
    return locked


def add_progress_note(case: Case, *, by, comment: str, files: Sequence = ()) -> CaseLog:
    """A note, with its evidence (photos, decisions); it does not change the case, so no
    version check: notes never conflict."""
    comment = _required(comment, "comment", _("Write the note."))
    with locked_case(case, "note") as locked:
        check(locked, by, "note")
        entry = write_log(locked, by, CaseLog.Action.NOTE, comment)
        store_evidence(locked, files, by, entry)
        return entry


def draft_answer(
    case: Case, *, by, answer: str, files: Sequence = (), version: int | None = None
) -> Case:
    """The unit's draft of the written answer (答复意见书), with its evidence; the office
    approves it."""
    answer = _required(answer, "answer", _("Write the answer."))
    with _changing(case, by, "draft", version) as locked:
        locked.answer_draft = answer
        entry = save_change(locked, by, to_state=State.ANSWER_DRAFTED, comment=answer)
        store_evidence(locked, files, by, entry)
    return locked


def _working_state(case: Case) -> str:
    return {0: State.IN_PROGRESS, 1: State.REVIEW, 2: State.SECOND_REVIEW}[case.review_level]


def return_answer(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """The office sends a draft back with what is missing."""
    comment = _required(comment, "comment", _("Say what the draft needs."))
    with _changing(case, by, "return", version) as locked:
        save_change(locked, by, to_state=_working_state(locked), comment=comment)
    return locked


DEFAULT_ISSUER = object()  # approve_answer's issuer when not given: letters.default_issuer


def approve_answer(
    case: Case,
    *,
    by,
    answer: str | None = None,
    issuer=DEFAULT_ISSUER,
    files: Sequence = (),
    version: int | None = None,
) -> Case:
    """Approve (possibly corrected) and issue the answer as a letter of ``issuer`` (a unit,
    or None: the bureau itself); it is delivered next (``delivery.py``), and the review window
    opens at delivery."""
    with _changing(case, by, "approve", version) as locked:
        text = locked.answer_draft if answer is None else answer
        locked.answer = _required(text, "answer", _("The answer cannot be empty."))
        if issuer is DEFAULT_ISSUER:
            issuer = letters.default_issuer(locked)
        refusal = letters.issuer_refusal(locked, issuer)
        if refusal:
            raise ValidationError({"issuer": refusal}, code="issuer")
        locked.answer_draft = ""
        if locked.extension_state == ExtensionState.REQUESTED:
            # The answer went out first: a pending request has nothing left to extend.
            locked.extension_state = ExtensionState.REFUSED
        locked.answered_at = timezone.now()
        locked.review_request_due = None
        locked.due_date = None
        Letter.objects.create(
            case=locked,
            kind=letters.opinion_kind(locked.review_level),
            review_level=locked.review_level,
            text=locked.answer,
            issuer=issuer,
            issued_at=locked.answered_at,
            issued_by=by if getattr(by, "pk", None) else None,
        )
        entry = save_change(locked, by, to_state=State.APPROVED, comment=locked.answer)
        store_evidence(locked, files, by, entry)
    return locked


def close_case(case: Case, *, by, comment: str = "", version: int | None = None) -> Case:
    """Close an answered case: with the feedback recorded, or a comment saying why not."""
    with _changing(case, by, "close", version) as locked:
        if not locked.satisfaction and not comment.strip():
            raise ValidationError(
                {
                    "comment": _(
                        "Record the petitioner's feedback first, or say why the case closes "
                        "without it."
                    )
                },
                code="no_feedback",
            )
        locked.closed_at = timezone.now()
        save_change(locked, by, to_state=State.CLOSED, comment=comment.strip())
    return locked


# --- Extension --------------------------------------------------------------------------------


def request_extension(
    case: Case, *, by, days: int, reason: str, version: int | None = None
) -> Case:
    """A complex case may ask once for at most EXTENSION_MAX_DAYS more, with a reason."""
    if not days or not 1 <= days <= settings.EXTENSION_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("An extension is between 1 and %(max)d days.")
                % {"max": settings.EXTENSION_MAX_DAYS}
            },
            code="days",
        )
    reason = _required(reason, "reason", _("Give the reason: the petitioner is told it."))
    with _changing(case, by, "extension", version) as locked:
        locked.extension_state = ExtensionState.REQUESTED
        locked.extension_days = days
        locked.extension_reason = reason
        comment = _("%(days)d days requested: %(reason)s") % {"days": days, "reason": reason}
        save_change(locked, by, action=CaseLog.Action.EXTENSION, comment=comment)
        notifications.notify_extension_requested(locked, comment)
    return locked


def approve_extension(case: Case, *, by, comment: str = "", version: int | None = None) -> Case:
    """An administrator grants the requested days: the due date moves."""
    with _changing(case, by, "approve_extension", version) as locked:
        locked.extension_state = ExtensionState.APPROVED
        if locked.due_date:
            locked.due_date = days_after(locked.due_date, locked.extension_days)
        text = _("Extension of %(days)d days approved; due %(due)s.") % {
            "days": locked.extension_days,
            "due": locked.due_date.isoformat() if locked.due_date else "-",
        }
        note = f"{text}\n{comment}".strip()
        save_change(locked, by, action=CaseLog.Action.EXTENSION, comment=note)
        notifications.notify_extension_approved(locked, text)
    return locked


def refuse_extension(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """An administrator refuses; the unit may ask again with better reasons."""
    comment = _required(comment, "comment", _("Say why the extension is refused."))
    with _changing(case, by, "refuse_extension", version) as locked:
        locked.extension_state = ExtensionState.REFUSED
        locked.extension_days = 0
        text = _("Extension refused: %(reason)s") % {"reason": comment}
        save_change(locked, by, action=CaseLog.Action.EXTENSION, comment=text)
        notifications.notify_extension_refused(locked, text)
    return locked


# --- Identity ---------------------------------------------------------------------------------


def release_identity(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """Let the handling unit see who the petitioner is (the office decides, case by case)."""
    comment = _required(comment, "comment", _("Say why the unit needs the identity."))
    with _changing(case, by, "release", version) as locked:
        locked.identity_released = True
        save_change(locked, by, action=CaseLog.Action.RELEASE, comment=comment)
    return locked

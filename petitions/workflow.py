"""The case workflow: which transition, from which state, by whom, and the legal time limits.

This module holds what happens to a case once it is registered: the transitions table
(``TRANSITIONS``), the verbs that change a case's state (acceptance, assignment, handling, the
answer, feedback, closing, reviews), the extension of the time limit, the release of the
petitioner's identity to the unit, the leader's supervision and the daily due-date reminders
(``send_due_reminders``, which the ``sendreminders`` command looks up here). Registering a case,
its number and query code, and repeat detection are intake: ``petitions/intake.py``, which
builds on the helpers here (``write_log``, ``record_acceptance``, ``record_refusal``...) and is
never imported by this module.

Every verb here checks the actor's role and the case's state against ``TRANSITIONS``, locks
the row and compares the form's ``version`` (a stale second save is refused), changes the
case in one transaction with a ``CaseLog`` entry (who, when, comment) and a reason in the
history context, stores the due date when a clock starts, and sends mail only once the
transaction has committed. Refusals are ``ValidationError``s whose message says why, keyed by
form field where the input is at fault.

Time limits (settings, with 《信访工作条例》 2022 as defaults): the acceptance notice within
ACCEPTANCE_DAYS of receipt; the answer within HANDLING_DAYS of acceptance, plus one extension of
at most EXTENSION_MAX_DAYS approved by an administrator; a review (复查) may be requested within
REVIEW_REQUEST_DAYS of the answer and is answered within REVIEW_HANDLING_DAYS; a second review
(复核) the same; after it the same matter is not taken up again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, roles_of
from petitions.models import (
    Case,
    CaseLog,
    Category,
    Classification,
    ExtensionState,
    ReferralReason,
    Satisfaction,
    State,
)
from schedules.models import Unit

# --- Who acts, relative to one case ----------------------------------------------------------

OFFICE = "office"  # petition office staff, and administrators (who can do office actions)
ADMIN = "admin"  # administrators: approve extensions
UNIT = "unit"  # members of the case's handling unit (for accusations: the office itself)
LEADER = "leader"  # the leader who received the case on a duty day

ACTOR_LABELS = {
    OFFICE: gettext_lazy("the petition office"),
    ADMIN: gettext_lazy("an administrator"),
    UNIT: gettext_lazy("the handling unit"),
    LEADER: gettext_lazy("the receiving leader"),
}


def actors_for(user, case: Case) -> set[str]:
    """The parts ``user`` plays for ``case`` (empty for someone with no business in it).

    Accusations (检举控告类) never reach a unit or a leader; the office handles them itself.
    """
    roles = roles_of(user)
    actors: set[str] = set()
    if roles & {Role.PETITION_OFFICE, Role.ADMINISTRATOR}:
        actors.add(OFFICE)
    if Role.ADMINISTRATOR in roles:
        actors.add(ADMIN)
    if case.classification == Classification.ACCUSATION:
        if OFFICE in actors:
            actors.add(UNIT)
        return actors
    if (
        Role.HANDLING_UNIT in roles
        and case.unit_id
        and Unit.objects.filter(pk=case.unit_id, members=user).exists()
    ):
        actors.add(UNIT)
    leader = getattr(user, "leader", None)
    if Role.LEADER in roles and leader is not None and case.leader_id == leader.pk:
        actors.add(LEADER)
    return actors


def is_office(user) -> bool:
    return bool(roles_of(user) & {Role.PETITION_OFFICE, Role.ADMINISTRATOR})


# --- The transitions, as data ----------------------------------------------------------------

S = State
HANDLING = frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWER_DRAFTED})
REVIEWING = frozenset({S.REVIEW, S.SECOND_REVIEW})
OPEN = frozenset({S.REGISTERED, *HANDLING, S.ANSWERED, *REVIEWING})


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
        {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS}, S.ASSIGNED, {OFFICE}, gettext_lazy("Assign")
    ),
    "start": _t({S.ASSIGNED}, S.IN_PROGRESS, {UNIT}, gettext_lazy("Start handling")),
    "note": _t(
        {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWER_DRAFTED, *REVIEWING},
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
        {S.ANSWER_DRAFTED}, S.ANSWERED, {OFFICE}, gettext_lazy("Approve and send the answer")
    ),
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
    "extension": _t(
        {S.ASSIGNED, S.IN_PROGRESS}, None, {UNIT}, gettext_lazy("Request an extension")
    ),
    "approve_extension": _t(HANDLING, None, {ADMIN}, gettext_lazy("Approve the extension")),
    "refuse_extension": _t(HANDLING, None, {ADMIN}, gettext_lazy("Refuse the extension")),
    "release": _t(
        {*HANDLING, *REVIEWING, S.ANSWERED},
        None,
        {OFFICE},
        gettext_lazy("Release the identity to the unit"),
    ),
    "supervise": _t(OPEN, None, {LEADER}, gettext_lazy("Add a supervision instruction (督办)")),
}


def _state_names(states: Iterable[str]) -> str:
    ordered = sorted(states, key=list(State.values).index)
    return _(", ").join(str(State(s).label) for s in ordered)


def _precondition(case: Case, action: str, today: datetime.date) -> str | None:
    """Why ``action`` cannot happen to ``case`` now beyond state and role, or None."""
    if action == "extension":
        if case.review_level:
            return _("A review has its own time limit and cannot be extended.")
        if case.extension_state == ExtensionState.APPROVED:
            return _("This case was already extended once; only one extension is possible.")
        if case.extension_state == ExtensionState.REQUESTED:
            return _("An extension was already requested and waits for an administrator.")
    elif action in ("approve_extension", "refuse_extension"):
        if case.extension_state != ExtensionState.REQUESTED:
            return _("No extension has been requested.")
        if action == "approve_extension" and case.review_level:
            return _("A review has its own time limit and cannot be extended.")
    elif action in ("review", "second_review"):
        wanted = 0 if action == "review" else 1
        if case.review_level >= 2:
            return _(
                "The second review is final: the same facts and reasons are not taken up again."
            )
        if case.review_level != wanted:
            return (
                _("A review was already held; the petitioner may ask for a second review.")
                if action == "review"
                else _("A second review follows a review; ask for a review first.")
            )
        if not case.review_request_due or today > case.review_request_due:
            return _("The %(days)d days to ask for a review after the answer have passed.") % {
                "days": settings.REVIEW_REQUEST_DAYS
            }
    elif action == "release":
        if case.identity_released:
            return _("The petitioner's identity is already released to the unit.")
        if not case.unit_id:
            return _("Assign the case to a unit first.")
    return None


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


class StaleCase(ValidationError):
    """Someone else changed the case since the form was opened."""

    def __init__(self):
        super().__init__(
            gettext_lazy(
                "Someone else changed this case while you were working on it. The page now "
                "shows their change; check it and try again."
            ),
            code="stale",
        )


@contextmanager
def _changing(case: Case, user, action: str, version: int | None) -> Iterator[Case]:
    """Lock the case, refuse a stale form, check the transition; the body changes it."""
    with transaction.atomic(), pghistory.context(reason=action):
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if version is not None and locked.version != version:
            raise StaleCase()
        check(locked, user, action)
        yield locked


def write_log(
    case: Case, by, action: str, comment: str = "", from_state="", to_state=""
) -> CaseLog:
    """One entry of the case's log (also written by intake when a case is registered)."""
    return CaseLog.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        by=by if getattr(by, "pk", None) else None,
    )


def _save(case: Case, by, *, to_state: str | None = None, comment: str = "", action=None):
    """Store a change (new version); a state change is logged as a transition."""
    before = case.state
    if to_state is not None:
        case.state = to_state
    case.version += 1
    case.save()
    if to_state is not None:
        write_log(case, by, action or CaseLog.Action.TRANSITION, comment, before, to_state)
    elif action is not None:
        write_log(case, by, action, comment)


def _required(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: message}, code="required")
    return value


def days_after(start: datetime.date, days: int) -> datetime.date:
    """``days`` calendar days after ``start``: a due date (intake's acceptance notice too)."""
    return start + datetime.timedelta(days=days)


# --- Mail -------------------------------------------------------------------------------------


def unit_recipients(unit: Unit | None, case: Case | None = None) -> list[str]:
    """The unit's own address, else its members' addresses; nobody for an accusation, which
    the office handles itself and never mails to a unit."""
    if unit is None or (case is not None and case.classification == Classification.ACCUSATION):
        return []
    if unit.email:
        return [unit.email]
    return sorted({m.email for m in unit.members.filter(is_active=True) if m.email})


def _mail_after_commit(subject: str, body: str, recipients: Sequence[str]) -> None:
    recipients = list(recipients)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        )


def _case_line(case: Case) -> str:
    return f"{case.number} {case.title}"


def _administrator_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True)
    admins = users.filter(Q(groups__name=Role.ADMINISTRATOR) | Q(is_superuser=True))
    return sorted({u.email for u in admins if u.email})


# --- Acceptance -------------------------------------------------------------------------------


def needs_referral(category: str, in_litigation: bool, skipped_level: bool) -> bool:
    """Outside the four categories, in litigation, or skipping a level: not taken up here.

    Asked when a case is accepted, and by intake when it is registered (then it is recorded
    as not accepted at once, with its referral reason).
    """
    return category == Category.NOT_ACCEPTED or in_litigation or skipped_level


def record_acceptance(case: Case, by, comment: str) -> None:
    """Start the handling clock: HANDLING_DAYS from the day of acceptance.

    No role or state check: the caller has made it (``accept_case``) or has just registered
    the case in the same transaction (``intake.register_case`` with ``accept_now``).
    """
    if needs_referral(case.category, case.in_litigation, case.skipped_level):
        raise ValidationError(
            {
                "category": _(
                    "A matter outside the four categories, in litigation or skipping a level is "
                    "not accepted: record it as not accepted with a referral reason."
                )
            },
            code="needs_referral",
        )
    now = timezone.now()
    case.accepted_at = now
    case.due_date = days_after(timezone.localdate(), settings.HANDLING_DAYS)
    _save(case, by, to_state=State.ACCEPTED, comment=comment)


def record_refusal(case: Case, by, reason: ReferralReason, note: str) -> None:
    """Record the matter as not accepted, with its referral (no checks, as above)."""
    case.referral_reason = reason
    case.referral_note = note
    case.due_date = None
    _save(case, by, to_state=State.NOT_ACCEPTED, comment=f"{reason.title}\n{note}".strip())


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
        _save(locked, by, to_state=State.ASSIGNED, comment=comment)
        _mail_after_commit(
            _("New case for %(unit)s: %(case)s") % {"unit": unit.name, "case": _case_line(locked)},
            _("The petition office assigned case %(case)s to you. Due: %(due)s.\n\n%(text)s")
            % {
                "case": _case_line(locked),
                "due": locked.due_date.isoformat() if locked.due_date else "-",
                "text": locked.instructions,
            },
            unit_recipients(unit, locked),
        )
    return locked


def start_handling(case: Case, *, by, comment: str = "", version: int | None = None) -> Case:
    with _changing(case, by, "start", version) as locked:
        _save(locked, by, to_state=State.IN_PROGRESS, comment=comment.strip())
    return locked


def add_progress_note(case: Case, *, by, comment: str) -> CaseLog:
    """A note does not change the case, so no version check: notes never conflict."""
    comment = _required(comment, "comment", _("Write the note."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check(locked, by, "note")
        return write_log(locked, by, CaseLog.Action.NOTE, comment)


def draft_answer(case: Case, *, by, answer: str, version: int | None = None) -> Case:
    """The unit's draft of the written answer (答复意见书); the office approves it."""
    answer = _required(answer, "answer", _("Write the answer."))
    with _changing(case, by, "draft", version) as locked:
        locked.answer_draft = answer
        _save(locked, by, to_state=State.ANSWER_DRAFTED, comment=answer)
    return locked


def _working_state(case: Case) -> str:
    return {0: State.IN_PROGRESS, 1: State.REVIEW, 2: State.SECOND_REVIEW}[case.review_level]


def return_answer(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """The office sends a draft back with what is missing."""
    comment = _required(comment, "comment", _("Say what the draft needs."))
    with _changing(case, by, "return", version) as locked:
        _save(locked, by, to_state=_working_state(locked), comment=comment)
    return locked


def approve_answer(
    case: Case, *, by, answer: str | None = None, version: int | None = None
) -> Case:
    """Approve (possibly corrected) and send the answer; the review window opens."""
    with _changing(case, by, "approve", version) as locked:
        text = locked.answer_draft if answer is None else answer
        locked.answer = _required(text, "answer", _("The answer cannot be empty."))
        locked.answer_draft = ""
        if locked.extension_state == ExtensionState.REQUESTED:
            # The answer went out first: a pending request has nothing left to extend.
            locked.extension_state = ExtensionState.REFUSED
        locked.answered_at = timezone.now()
        today = timezone.localdate()
        locked.review_request_due = (
            None if locked.review_level >= 2 else days_after(today, settings.REVIEW_REQUEST_DAYS)
        )
        locked.due_date = None
        _save(locked, by, to_state=State.ANSWERED, comment=locked.answer)
    return locked


def record_feedback(
    case: Case, *, by, satisfaction: str, comment: str = "", version: int | None = None
) -> Case:
    """The petitioner's view of the answer (结果反馈): satisfied, basically, not satisfied."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError(
            {"satisfaction": _("Choose the petitioner's feedback.")}, code="required"
        )
    with _changing(case, by, "feedback", version) as locked:
        locked.satisfaction = satisfaction
        label = Satisfaction(satisfaction).label
        _save(
            locked,
            by,
            action=CaseLog.Action.FEEDBACK,
            comment=f"{label}\n{comment.strip()}".strip(),
        )
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
        _save(locked, by, to_state=State.CLOSED, comment=comment.strip())
    return locked


def _reopen(case: Case, by, action: str, comment: str, version: int | None) -> Case:
    comment = _required(comment, "comment", _("Write the petitioner's reasons for the request."))
    with _changing(case, by, action, version) as locked:
        locked.review_level += 1
        locked.due_date = days_after(timezone.localdate(), settings.REVIEW_HANDLING_DAYS)
        locked.review_request_due = None
        locked.satisfaction = ""
        locked.closed_at = None
        target = TRANSITIONS[action].target
        _save(locked, by, to_state=target, comment=comment)
        _mail_after_commit(
            _("Review requested: %(case)s") % {"case": _case_line(locked)},
            _("The petitioner asked for a %(kind)s of case %(case)s. Due: %(due)s.\n\n%(text)s")
            % {
                "kind": State(target).label,
                "case": _case_line(locked),
                "due": locked.due_date.isoformat(),
                "text": comment,
            },
            unit_recipients(locked.unit, locked),
        )
    return locked


def request_review(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """复查: within REVIEW_REQUEST_DAYS of the answer; answered within REVIEW_HANDLING_DAYS."""
    return _reopen(case, by, "review", comment, version)


def request_second_review(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """复核: after a review, the same windows; it is final."""
    return _reopen(case, by, "second_review", comment, version)


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
        _save(locked, by, action=CaseLog.Action.EXTENSION, comment=comment)
        _mail_after_commit(
            _("Extension requested: %(case)s") % {"case": _case_line(locked)},
            comment + "\n" + reverse("petitions:detail", args=[locked.pk]),
            _administrator_addresses(),
        )
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
        _save(locked, by, action=CaseLog.Action.EXTENSION, comment=f"{text}\n{comment}".strip())
        _mail_after_commit(
            _("Extension approved: %(case)s") % {"case": _case_line(locked)},
            text,
            unit_recipients(locked.unit, locked),
        )
    return locked


def refuse_extension(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """An administrator refuses; the unit may ask again with better reasons."""
    comment = _required(comment, "comment", _("Say why the extension is refused."))
    with _changing(case, by, "refuse_extension", version) as locked:
        locked.extension_state = ExtensionState.REFUSED
        locked.extension_days = 0
        text = _("Extension refused: %(reason)s") % {"reason": comment}
        _save(locked, by, action=CaseLog.Action.EXTENSION, comment=text)
        _mail_after_commit(
            _("Extension refused: %(case)s") % {"case": _case_line(locked)},
            text,
            unit_recipients(locked.unit, locked),
        )
    return locked


# --- Identity and supervision -----------------------------------------------------------------


def release_identity(case: Case, *, by, comment: str, version: int | None = None) -> Case:
    """Let the handling unit see who the petitioner is (the office decides, case by case)."""
    comment = _required(comment, "comment", _("Say why the unit needs the identity."))
    with _changing(case, by, "release", version) as locked:
        locked.identity_released = True
        _save(locked, by, action=CaseLog.Action.RELEASE, comment=comment)
    return locked


def add_supervision(case: Case, *, by, comment: str) -> CaseLog:
    """The receiving leader's instruction (督办); the unit and the office read it in the log."""
    comment = _required(comment, "comment", _("Write the instruction."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check(locked, by, "supervise")
        entry = write_log(locked, by, CaseLog.Action.SUPERVISION, comment)
        _mail_after_commit(
            _("Supervision instruction: %(case)s") % {"case": _case_line(locked)},
            comment,
            unit_recipients(locked.unit, locked),
        )
    return entry


# --- Reminders --------------------------------------------------------------------------------


def send_due_reminders(today: datetime.date) -> int:
    """E-mail each handling unit its overdue and due-soon cases; returns the mails sent."""
    soon = today + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    cases = (
        Case.objects.open()
        .filter(unit__isnull=False, due_date__isnull=False, due_date__lte=soon)
        .exclude(classification=Classification.ACCUSATION)
        .select_related("unit")
        .order_by("due_date", "number")
    )
    per_unit: dict[Unit, list[Case]] = defaultdict(list)
    for case in cases:
        per_unit[case.unit].append(case)
    sent = 0
    for unit, unit_cases in per_unit.items():
        recipients = unit_recipients(unit)
        if not recipients:
            continue
        lines = []
        for case in unit_cases:
            left = (case.due_date - today).days
            status = (
                _("overdue by %(days)d days") % {"days": -left}
                if left < 0
                else _("%(days)d days left") % {"days": left}
            )
            lines.append(f"{_case_line(case)} · {case.due_date.isoformat()} · {status}")
        overdue = sum(1 for c in unit_cases if c.due_date < today)
        subject = _("%(unit)s: %(overdue)d overdue, %(soon)d due soon") % {
            "unit": unit.name,
            "overdue": overdue,
            "soon": len(unit_cases) - overdue,
        }
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, recipients)
        sent += 1
    return sent

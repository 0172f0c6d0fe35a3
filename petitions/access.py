"""Who may do what with a case: see it, act on it, reveal or print the petitioner's data.

Views, forms, services and templates ask this module; the workflow's transitions table
(``petitions/workflow.py``) says which of the parts below may take which step, and
``Case.objects.visible_to`` (``petitions/models.py``) which cases a user may see at all.

Who acts, relative to one case: the petition office (and administrators, who can do what the
office does), administrators (approve extensions), the handling unit (for an accusation: the
office itself) and the receiving leader or the leader in charge of the case (包案).

Who sees the petitioner's identity, and the access log of every unmasked view; the rules
(《信访工作条例》: never disclose a petitioner's identity or material to the people or unit
complained about):

* ID number, phone and address are shown masked to everyone by default; lists and files (the
  register and its exports) show the name masked too (the family name, ``张**``).
* The petition office and administrators may reveal the unmasked values; every reveal, and
  every print of unmasked values, writes an append-only ``AccessLog`` entry.
* A handling unit sees the petitioner's name and (masked) contact data only once the office
  has released the identity for that case; before that it reads "(withheld)".
* The receiving leader met the petitioner, the leader in charge answers for the case: name and
  masked contact data.

The petitioner, without signing in, sees their own case with its number and query code (only
the columns in ``PUBLIC_FIELDS``) and may rate the answer once it is delivered.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from functools import lru_cache

from axes.helpers import get_client_ip_address
from django.db.models import Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.access import OFFICE_ROLES, STAFF_ROLES, is_office
from accounts.roles import Role, has_role
from petitions import letters
from petitions.crypto import decrypt, encrypt
from petitions.identity import format_phone, mask_id_number, mask_phone, mask_text
from petitions.models import (
    AccessLog,
    Case,
    CaseLog,
    Channel,
    Classification,
    Letter,
    PlatformSender,
    Review,
    State,
    leader_of,
)
from petitions.numbers import normalize_code
from schedules.models import Duty, Unit

# --- Who acts, relative to one case ----------------------------------------------------------

OFFICE = "office"  # petition office staff, and administrators (who can do office actions)
ADMIN = "admin"  # administrators: approve extensions
UNIT = "unit"  # members of the case's handling unit (for accusations: the office itself)
LEADER = "leader"  # the leader who received the case on a duty day, or the leader in charge

ACTOR_LABELS = {
    OFFICE: _("the petition office"),
    ADMIN: _("an administrator"),
    UNIT: _("the handling unit"),
    LEADER: _("the receiving leader or the leader in charge"),
}


def actors_for(user, case: Case) -> set[str]:
    """The parts ``user`` plays for ``case`` (empty for someone with no business in it).

    Accusations (检举控告类) never reach a unit or a leader; the office handles them itself.
    """
    actors: set[str] = set()
    if is_office(user):
        actors.add(OFFICE)
    if has_role(user, Role.ADMINISTRATOR):
        actors.add(ADMIN)
    if case.classification == Classification.ACCUSATION:
        if OFFICE in actors:
            actors.add(UNIT)
        return actors
    if (
        has_role(user, Role.HANDLING_UNIT)
        and case.unit_id
        and Unit.objects.filter(pk=case.unit_id, members=user).exists()
    ):
        actors.add(UNIT)
    if case.is_led_by(user):
        actors.add(LEADER)
    return actors


# --- What the office alone does --------------------------------------------------------------


# Channels where the petitioner registers the case themselves, nobody signed in (``by`` None).
SELF_REGISTERED_CHANNELS = frozenset({Channel.ONLINE})


def may_register(user, channel: str = "") -> bool:
    """The petition office registers cases at the desk; a hotline platform, its token checked,
    registers its own work orders (petitions/transfers.py); an online petition (网上信访) is
    registered by the citizen who sends it, with nobody signed in (``user`` None)."""
    if user is None:
        return channel in SELF_REGISTERED_CHANNELS
    return is_office(user) or isinstance(user, PlatformSender)


def may_import_transfers(user) -> bool:
    """The petition office uploads the hotlines' batches and exports the replies."""
    return is_office(user)


def may_handle_appointments(user) -> bool:
    """The petition office sets a day's places and confirms, declines and receives bookings."""
    return is_office(user)


def may_print(user) -> bool:
    """The petition office prints the documents the petitioner receives."""
    return is_office(user)


def may_see_leader_cases(user) -> bool:
    """The list of cases taken on leaders' duty days: leaders and the office."""
    return has_role(user, Role.LEADER, *OFFICE_ROLES)


def leader_cases(user) -> QuerySet[Case]:
    """The cases taken on leaders' duty days that ``user`` may list: all for the office, a
    leader's own otherwise."""
    cases = Case.objects.visible_to(user).filter(leader__isnull=False)
    if is_office(user):
        return cases
    leader = getattr(user, "leader", None)
    return cases.filter(leader=leader) if leader else cases.none()


# --- Duty days: preparing and recording them --------------------------------------------------


def _is_contact_of(user, duty: Duty) -> bool:
    contact = getattr(user, "contact_person", None) if has_role(user, *STAFF_ROLES) else None
    return contact is not None and duty.contact_id == contact.pk


def may_see_day(user, duty: Duty) -> bool:
    """The day's briefing and record: its leader and contact person, the office, and
    administrators. What cases they show is still ``Case.objects.visible_to``'s to say."""
    leader = leader_of(user)
    on_duty = leader is not None and duty.leader_id == leader.pk
    return is_office(user) or on_duty or _is_contact_of(user, duty)


def may_record_day(user, duty: Duty) -> bool:
    """The office (administrators included) and the day's contact person write the record."""
    return is_office(user) or _is_contact_of(user, duty)


# --- The petitioner's identity ---------------------------------------------------------------

WITHHELD = _("(withheld)")


def may_reveal(user) -> bool:
    """The petition office and administrators may see unmasked values (each view logged)."""
    return is_office(user)


def may_see_texts(user) -> bool:
    """The log of text messages to the petitioner (their phone, masked): the office, who
    registers and answers; a unit or leader works on the case, not on what it is told."""
    return is_office(user)


def sees_identity(user, case: Case) -> bool:
    """Whether the user may know who the petitioner is (name; contact data masked).

    ``case`` may also be one of the register's light rows (``leader_id``, ``identity_released``):
    the model's rule is borrowed unbound, as those rows borrow the time-limit rules.
    """
    return is_office(user) or Case.is_led_by(case, user) or case.identity_released


def identity_visible(user) -> Q:
    """:func:`sees_identity` as a condition on cases: searching by a name, phone or ID number
    looks only there, or a match would tell who petitioned."""
    if is_office(user):
        return Q()
    allowed = Q(identity_released=True)
    leader = leader_of(user)
    if leader is not None:
        allowed |= Q(leader=leader)
    return allowed


def may_see_attachments(user, case: Case) -> bool:
    """Scanned letters carry the petitioner's name and address: the same rule as the identity."""
    return sees_identity(user, case)


def may_see_attachment(user, case: Case, attachment) -> bool:
    """The petitioner's own material follows the identity rule; evidence of the handling
    (a note's photos, an answer's decision) is for everyone who works on the case, like the
    note it came with."""
    return attachment.is_evidence or may_see_attachments(user, case)


def linked_cases(user, case: Case) -> QuerySet[Case]:
    """The cases ``user`` may see linked to ``case`` (repeats, the same petitioner or place):
    none while the identity is withheld, since "the same petitioner" would tell who it is."""
    visible = Case.objects.visible_to(user)
    return visible if sees_identity(user, case) else visible.none()


@dataclass(frozen=True)
class Petitioner:
    """What a page may show of the petitioner."""

    name: str
    phone: str
    id_number: str
    address: str
    masked: bool
    withheld: bool


def petitioner(user, case: Case, *, unmasked: bool = False) -> Petitioner:
    """The petitioner as ``user`` may see them; ``unmasked`` only after :func:`reveal`."""
    if not sees_identity(user, case):
        hidden = str(WITHHELD)
        return Petitioner(hidden, hidden, hidden, hidden, masked=True, withheld=True)
    if unmasked and may_reveal(user):
        return Petitioner(
            case.petitioner_name,
            format_phone(case.petitioner_phone),
            case.petitioner_id_number,
            case.petitioner_address,
            masked=False,
            withheld=False,
        )
    return Petitioner(
        case.petitioner_name,
        mask_phone(case.petitioner_phone),
        mask_id_number(case.petitioner_id_number),
        mask_text(case.petitioner_address),
        masked=True,
        withheld=False,
    )


def client_ip(request) -> str | None:
    """The address the request came from (behind PROXY_COUNT proxies, as sign-in sees it)."""
    return get_client_ip_address(request) or None


def log_access(request, case: Case | None, action: str, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        case=case,
        action=action,
        detail=detail[:200],
        ip_address=client_ip(request),
    )


def reveal(request, case: Case) -> Petitioner:
    """Show the unmasked values to the office, and log that they were shown."""
    if not may_reveal(request.user):
        raise PermissionError("Only the petition office may reveal a petitioner's data.")
    log_access(request, case, AccessLog.Action.REVEAL, "petitioner")
    return petitioner(request.user, case, unmasked=True)


def log_print(request, case: Case, document: str, *, unmasked: bool) -> None:
    """A printed document that carries unmasked values (or the query code) is logged."""
    if unmasked:
        log_access(request, case, AccessLog.Action.PRINT, document)


# --- The petitioner's own case, without signing in -------------------------------------------

# The states in which the answer has been delivered to the petitioner.
ANSWER_SENT = (State.ANSWERED, State.CLOSED, State.REVIEW, State.SECOND_REVIEW)
# The state in words for a petitioner: internal steps (assigned, answer drafted) are "handling".
PUBLIC_STATES = {
    State.REGISTERED: _("Received, being registered"),
    State.ACCEPTED: _("Accepted"),
    State.NOT_ACCEPTED: _("Not accepted"),
    State.ASSIGNED: _("Being handled"),
    State.IN_PROGRESS: _("Being handled"),
    State.ANSWER_DRAFTED: _("Being handled"),
    State.APPROVED: _("Answered: the written answer is on its way to you"),
    State.ANSWERED: _("Answered"),
    State.CLOSED: _("Closed"),
    State.REVIEW: _("Under review"),
    State.SECOND_REVIEW: _("Under second review"),
    State.TRANSFERRED: _("Transferred to the competent authority"),
}

# The only columns a lookup reads: no names, no contact data, no notes, no unit.
PUBLIC_FIELDS = (
    "id",
    "number",
    "query_code",
    "state",
    "received_at",
    "accepted_at",
    "acceptance_due",
    "due_date",
    "answered_at",
    "answer",
    "satisfaction",
    "review_level",
    "review_request_due",
    "referral_reason__notice_text",
)


def public_cases() -> QuerySet[Case]:
    """Cases as a petitioner may read them: only ``PUBLIC_FIELDS``."""
    return Case.objects.select_related("referral_reason").only(*PUBLIC_FIELDS)


@lru_cache(maxsize=1)
def _decoy_token() -> str:
    return encrypt("decoy-query-code")


def find_case(number: str, code: str) -> Case | None:
    """The case with this number and code, or None: the same work whichever part is wrong.

    Codes are compared in constant time; a number that cannot be read still costs the query,
    and an unknown number still decrypts and compares a code, so the timing tells nothing.
    """
    case = public_cases().numbered(number).first()
    if case is None:
        expected = normalize_code(decrypt(_decoy_token()))
        hmac.compare_digest(expected.encode(), normalize_code(code).encode())
        return None
    expected = normalize_code(case.query_code)
    if hmac.compare_digest(expected.encode(), normalize_code(code).encode()) and expected:
        return case
    return None


# The answer may be rated once it is delivered: not during a review, whose answer is not out.
RATEABLE = (State.ANSWERED, State.CLOSED)


def petitioner_rated(case: Case) -> bool:
    """Whether the petitioner rated the latest answer themselves (once per answer; feedback
    the office recorded does not count)."""
    answered = case.logs.filter(to_state=State.ANSWERED).order_by("-id").values("id")[:1]
    since = Coalesce(Subquery(answered), 0)
    return case.logs.filter(action=CaseLog.Action.RATING, id__gt=since).exists()


def may_rate(case: Case) -> bool:
    """The petitioner may rate the answer once it is delivered, once; feedback the office
    recorded (by phone) does not stop them."""
    return case.state in RATEABLE and case.answered_at is not None and not petitioner_rated(case)


def public_status(case: Case) -> dict:
    """What the petitioner may know of their case (《信访工作条例》 art. 21: the progress and
    the result): the state in plain words, the date that matters, whether the answer is out,
    for a matter not accepted the notice that says where to go, for a transferred one the
    authority, and the review round with the right to the next one."""
    due = case.due_date if case.state not in ANSWER_SENT else None
    if case.state == State.REGISTERED:
        due = case.acceptance_due
    notice = ""
    if case.state == State.NOT_ACCEPTED and case.referral_reason_id:
        notice = case.referral_reason.notice_text
    transfer = None
    if case.state == State.TRANSFERRED:
        transfer = case.letters.filter(kind=Letter.Kind.TRANSFER).first()
    return {
        "state_label": PUBLIC_STATES.get(case.state, ""),
        "due": due,
        "due_is_acceptance": case.state == State.REGISTERED,
        "answer_sent": case.state in ANSWER_SENT and case.answered_at is not None,
        "notice": notice,
        "transfer": transfer,
        "review": letters.current_review(case),
        "rights": review_rights(case),
    }


@dataclass(frozen=True)
class ReviewRights:
    """What a petitioner who disagrees may ask for next, until when, and of whom."""

    second: bool  # a second review (复核), not a review (复查)
    until: datetime.date | None
    received_on: datetime.date | None
    by_bureau: bool  # the bureau reviews (a branch's answer); else the higher body


def review_rights(case: Case) -> ReviewRights | None:
    """The next review the petitioner may ask for, with the deadline counted from delivery;
    None during a review, before delivery, and after the second review, which is final."""
    if case.state not in RATEABLE or case.review_level >= 2:
        return None
    return ReviewRights(
        second=case.review_level == 1,
        until=case.review_request_due,
        received_on=letters.decision_date(case),
        by_bureau=letters.reviewing_body(case) == Review.Body.BUREAU,
    )

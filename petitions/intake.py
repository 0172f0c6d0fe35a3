"""Intake: registering a petition, recognising a repeat petition (重复访) and a first one.

This module holds what happens before and as a case enters the workflow: its number
(朝环信〔2025〕0007, from a locked per-year counter) and query code, the duty day a case taken on
a leader's reception or visit day links to, ``register_case`` (one case per submitted form,
attachments stored under random names, a matter that is not taken up recorded as not accepted
at once), the search for earlier related and unresolved cases of the same petitioner or
place, and whether the case is a first petition (初信初访). It is apart from
``petitions/workflow.py``, which holds what happens to a registered case (transitions,
extension, identity release; supervision in ``casework.py``): intake builds on the workflow's
``record_acceptance`` and ``record_refusal``, and the workflow never imports intake. The
referral rule is the model's (``needs_referral``), the time limits ``petitions/timelimits.py``'s,
and who may register ``petitions/access.py``'s.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Case as Pick
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from petitions import access, texts, timelimits
from petitions.attachments import store_attachment
from petitions.caselog import write_log
from petitions.crypto import lookup_hash, lookup_hashes
from petitions.models import (
    OPEN_STATES,
    REFERRAL_REASON_REQUIRED,
    Case,
    CaseCounter,
    CaseLog,
    Category,
    Channel,
    Satisfaction,
    State,
    needs_referral,
)
from petitions.numbers import case_number, new_query_code
from petitions.workflow import assign_case, record_acceptance, record_refusal
from schedules.models import Duty, Finding, Unit

logger = logging.getLogger(__name__)

# --- Numbers and duty days --------------------------------------------------------------------

DUTY_CHANNELS = {Channel.RECEPTION_DAY: Duty.Kind.RECEPTION, Channel.VISIT_DAY: Duty.Kind.VISIT}


# One statement takes the number and locks the year's counter row until the transaction ends
# (a rolled-back registration gives its number back: numbers have no gaps).
NEXT_SEQUENCE = f"""
INSERT INTO {CaseCounter._meta.db_table} AS c (year, last) VALUES (%s, 1)
ON CONFLICT (year) DO UPDATE SET last = c.last + 1
RETURNING last
"""


def next_number(year: int) -> tuple[int, str]:
    """Take the next sequence of ``year`` (call inside a transaction: the counter is locked)."""
    with connection.cursor() as cursor:
        cursor.execute(NEXT_SEQUENCE, [year])
        (last,) = cursor.fetchone()
    return last, case_number(year, last)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def duty_on(channel: str, day: datetime.date) -> Duty | None:
    """The published duty of the channel's kind on that day (reception or visit day)."""
    kind = DUTY_CHANNELS.get(channel)
    if kind is None:
        return None
    return Duty.objects.published().filter(kind=kind, date=day).select_related("leader").first()


def resolve_duty(channel: str, received_at: datetime.datetime, chosen: Duty | None) -> Duty | None:
    """The duty a case links to: the clerk's choice, else the one on the day of receipt."""
    if channel not in DUTY_CHANNELS:
        if chosen is not None:
            raise ValidationError(
                {
                    "duty": _(
                        "A duty day applies only to cases taken on a leader's reception or "
                        "visit day; choose that channel or leave the duty empty."
                    )
                },
                code="duty_channel",
            )
        return None
    if chosen is not None:
        return chosen
    day = _local_day(received_at)
    duty = duty_on(channel, day)
    if duty is None:
        raise ValidationError(
            {
                "duty": _(
                    "There is no published %(kind)s on %(date)s. Choose the duty day the case "
                    "was taken on, or another channel."
                )
                % {
                    "kind": Duty.Kind(DUTY_CHANNELS[channel]).label,
                    "date": day.isoformat(),
                }
            },
            code="no_duty",
        )
    return duty


def from_finding(finding: Finding, now: datetime.datetime) -> dict:
    """The desk form's first values for a problem found on a visit day: that day's channel,
    duty and date, the place and the problem, and the resident who raised it."""
    duty = finding.record.duty
    received = (
        now
        if duty.date == now.date()
        else now.replace(
            year=duty.date.year, month=duty.date.month, day=duty.date.day, hour=9, minute=0
        )
    )
    return {
        "channel": Channel.VISIT_DAY,
        "duty": duty.pk,
        "received_at": received,
        "finding": finding.pk,
        "district": finding.district,
        "location": finding.place,
        "title": finding.problem.splitlines()[0][:100] if finding.problem else "",
        "content": finding.problem,
        "petitioner_name": finding.raised_by,
    }


# --- Registering ------------------------------------------------------------------------------


@dataclass
class Registration:
    """What registering gave: the case, whether it is new, and what the clerk should know."""

    case: Case
    created: bool
    warnings: list[str] = field(default_factory=list)


CASE_FIELDS = (
    "channel",
    "received_at",
    "petitioner_name",
    "petitioner_phone",
    "petitioner_id_number",
    "petitioner_address",
    "people_count",
    "representatives",
    "district",
    "location",
    "title",
    "content",
    "category",
    "classification",
    "skipped_level",
    "in_litigation",
    "referral_reason",
    "referral_note",
)


def register_case(
    *,
    by,
    submission_token: uuid.UUID,
    duty: Duty | None = None,
    attachments: Sequence[UploadedFile] = (),
    accept_now: bool = False,
    finding: Finding | None = None,
    assign_to: Unit | None = None,
    **fields,
) -> Registration:
    """Record a petition with its number and query code; the same form sent twice gives one case.

    ``fields`` are the case's own fields, already validated and normalized (ID number, E.164
    phone). A matter that is not taken up is recorded as not accepted with its referral reason
    at once (the notice is given on the spot); ``accept_now`` accepts any other at once, and
    ``assign_to`` then assigns (交办) it to that unit at once. A ``finding`` (a problem found
    on a visit day) links the case to it and to that visit day.
    """
    fields = _checked_fields(by, fields)
    if assign_to is not None and not accept_now:
        raise ValidationError({"assign_to": ASSIGN_NEEDS_ACCEPTANCE}, code="assign_to")
    if finding is not None:
        duty = _finding_duty(finding, fields["channel"])
        fields = {**fields, "finding": finding}
    duty = resolve_duty(fields["channel"], fields["received_at"], duty)
    try:
        # A form sent again is found under the number's lock (``_create_case``), and rolled back.
        accepting = (accept_now, assign_to)
        return _register(by, submission_token, duty, fields, attachments, accepting)
    except _AlreadyRegistered as duplicate:
        return Registration(duplicate.case, created=False)
    except IntegrityError:
        # The same form sent twice at the same moment: the other request made the case.
        existing = registered_with(submission_token)
        if existing is None:
            raise
        return Registration(existing, created=False)


def _finding_duty(finding: Finding, channel: str) -> Duty:
    """The visit day a problem was found on: the case's duty day."""
    if channel != Channel.VISIT_DAY:
        raise ValidationError(
            {
                "channel": _(
                    "A problem found on a visit day is registered with the channel “%(channel)s”."
                )
                % {"channel": Channel.VISIT_DAY.label}
            },
            code="finding_channel",
        )
    return finding.record.duty


def _claim_finding(finding: Finding | None, token: uuid.UUID) -> None:
    """A problem found becomes one case: another registration of it is refused (the same form
    sent twice still leads to its one case)."""
    if finding is None:
        return
    Finding.objects.select_for_update().filter(pk=finding.pk).first()
    existing = Case.objects.filter(finding=finding).first()
    if existing is not None and existing.submission_token == token:
        raise _AlreadyRegistered(existing)
    if existing is not None:
        raise ValidationError(
            _("This problem was already registered as case %(number)s.")
            % {"number": existing.number},
            code="finding_taken",
        )


def registered_with(token: uuid.UUID | None) -> Case | None:
    """The case a form with this submission token registered, if it was sent before."""
    if not token:
        return None
    # Nearly always there is none: asking for the key alone keeps that answer cheap.
    pk = Case.objects.filter(submission_token=token).values_list("pk", flat=True).first()
    return Case.objects.get(pk=pk) if pk else None


ASSIGN_NEEDS_ACCEPTANCE = _lazy(
    "A case is assigned once it is accepted: tick “Accept on the spot”, or leave the unit empty "
    "and assign it after acceptance."
)


def _checked_fields(by, fields: dict) -> dict:
    """Refuse a registration by someone else than the office, or a referral without a reason;
    a matter that is taken up loses a reason picked by mistake (it would print a wrong notice).
    A matter that skipped a level is referred to the level below when a reason is given, and
    taken up (to be assigned to the competent branch) without one.
    """
    if not access.may_register(by, fields.get("channel", "")):
        raise ValidationError(_("Only the petition office registers cases."), code="role")
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"register_case() got unexpected fields: {sorted(unknown)}")
    refer = needs_referral(fields["category"], fields.get("in_litigation", False))
    if refer and not fields.get("referral_reason"):
        raise ValidationError(
            {"referral_reason": REFERRAL_REASON_REQUIRED}, code="referral_required"
        )
    if not refer and not (fields.get("skipped_level") and fields.get("referral_reason")):
        fields = {**fields, "referral_reason": None, "referral_note": ""}
    return fields


def _register(
    by,
    token: uuid.UUID,
    duty: Duty | None,
    fields: dict,
    attachments: Sequence[UploadedFile],
    accepting: tuple[bool, Unit | None],
) -> Registration:
    """Create the case with its attachments, repeat mark and log in one transaction; a matter
    that is referred elsewhere is recorded as not accepted at once, any other accepted (and
    assigned) at once if ``accepting`` says so."""
    with transaction.atomic(), pghistory.context(reason="register"):
        _claim_finding(fields.get("finding"), token)
        case, warnings = _create_case(by, token, duty, fields)
        for upload in attachments:
            store_attachment(case, upload, by)
        write_log(case, by, CaseLog.Action.TRANSITION, "", "", State.REGISTERED)
        texts.notify_registered(case)
        accept_now, assign_to = accepting
        if case.referral_reason_id:
            record_refusal(case, by, fields["referral_reason"], fields.get("referral_note", ""))
        elif accept_now:
            record_acceptance(case, by, _("Accepted on the spot."))
            if assign_to is not None:
                case = assign_case(case, by=by, unit=assign_to)
    return Registration(case, created=True, warnings=warnings)


class _AlreadyRegistered(Exception):
    """Rolls the transaction back (and with it the number taken) for a duplicate form."""

    def __init__(self, case: Case):
        super().__init__(case.number)
        self.case = case


def _create_case(by, token: uuid.UUID, duty: Duty | None, fields: dict) -> tuple[Case, list[str]]:
    """The new case, marked a repeat or a first petition before it is stored (one INSERT, one
    history row), and the warnings for the clerk."""
    received_at = fields["received_at"]
    year = _local_day(received_at).year
    sequence, number = next_number(year)
    # The counter lock serialises registrations: a request with the same token that was
    # running alongside has committed by now, and its case is visible.
    existing = registered_with(token)
    if existing is not None:
        raise _AlreadyRegistered(existing)
    acceptance_due = timelimits.acceptance_due(_local_day(received_at))
    people = fields.get("people_count") or 1
    phone = fields.get("petitioner_phone", "")
    id_number = fields.get("petitioner_id_number", "")
    case = Case(
        **fields,
        number=number,
        year=year,
        sequence=sequence,
        query_code=new_query_code(),
        submission_token=token,
        petitioner_phone_hash=lookup_hash(phone),
        petitioner_id_hash=lookup_hash(id_number),
        is_group=people >= settings.GROUP_PETITION_SIZE,
        duty=duty,
        leader=duty.leader if duty else None,
        acceptance_due=acceptance_due,
        # The running clock: until the acceptance notice, it is the notice that is due.
        due_date=acceptance_due,
        created_by=by if getattr(by, "pk", None) else None,
    )
    warnings = _mark_repeat(case)
    case.is_first_petition = is_first_petition(case)
    case.save(force_insert=True)
    return case, warnings


# --- Repeat petitions (重复访) -----------------------------------------------------------------


UNRESOLVED = OPEN_STATES  # plus closed cases whose petitioner was not satisfied (see _unresolved)


def _unresolved() -> Q:
    return Q(state__in=UNRESOLVED) | Q(state=State.CLOSED, satisfaction=Satisfaction.NOT_SATISFIED)


def _same_petitioner(case: Case) -> Q:
    match = Q(pk__in=[])
    if case.petitioner_id_hash:  # every key's hash: rows stored before a key rotation match
        match |= Q(petitioner_id_hash__in=lookup_hashes(case.petitioner_id_number))
    if case.petitioner_phone_hash:
        match |= Q(petitioner_phone_hash__in=lookup_hashes(case.petitioner_phone))
    return match


def _same_place(case: Case) -> Q:
    """Same district and address, and the same category (a repeat may be filed as category 2)."""
    place = Q(district=case.district, location=case.location.strip())
    if case.category == Category.UNRESOLVED:
        return place
    return place & Q(category=case.category)


def related_cases(case: Case) -> QuerySet[Case]:
    """Earlier cases of the same petitioner, or at the same place in the same category."""
    return (
        Case.objects.filter(_same_petitioner(case) | _same_place(case))
        .exclude(pk=case.pk)
        .filter(received_at__lte=case.received_at)
        .order_by("-received_at", "-id")
    )


def repeat_candidate(case: Case) -> Case | None:
    """The earlier unresolved case this one repeats: the same petitioner's, else the place's."""
    # One query: the petitioner's own cases sort before the place's, each newest first.
    petitioner_first = Pick(
        When(_same_petitioner(case), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    earlier = related_cases(case).filter(_unresolved()).only("pk", "number")
    return earlier.order_by(petitioner_first, "-received_at", "-id").first()


def _mark_repeat(case: Case) -> list[str]:
    earlier = repeat_candidate(case)
    if earlier is None:
        return []
    case.repeat_of = earlier
    case.is_repeat = True
    warnings = [
        _("This petition repeats the unresolved case %(number)s: it is marked a repeat petition.")
        % {"number": earlier.number}
    ]
    if case.category not in (Category.UNRESOLVED, Category.NOT_ACCEPTED):
        warnings.append(
            _(
                "A repeat of an unresolved case usually belongs to category 2 (“%(label)s”), "
                "not the category chosen; it can still be changed when the case is accepted."
            )
            % {"label": Category.UNRESOLVED.label}
        )
    return warnings


# --- First petitions (初信初访) -----------------------------------------------------------------


def is_first_petition(case: Case) -> bool:
    """初信初访: the petitioner's first petition on the matter. Not a repeat, and no earlier case
    of the same petitioner (ID number or phone) at the same place in the same category; a case
    whose petitioner cannot be recognised counts as first unless it repeats. The office corrects
    the mark on the case when it knows better (``casework.set_first_petition``)."""
    if case.is_repeat:
        return False
    earlier = related_cases(case).filter(_same_petitioner(case) & _same_place(case))
    return not earlier.exists()

"""Online petitions (网上信访): a citizen registers a case at ``/petition/``, nobody signed in.

The case is registered by ``intake.register_case`` like a desk case (number, query code,
attachments, repeat and first-petition marks, and whatever intake tells the petitioner), with
the channel 网上信访, received now, in state registered: the acceptance clock starts at once.
Around it, the rules against abuse and double counting:

* **Limits per day**: at most ``ONLINE_PETITIONS_PER_ADDRESS`` petitions from one address and
  ``ONLINE_PETITIONS_PER_PHONE`` from one phone, counted in ``SubmissionCount`` rows under keyed
  hashes (never the address or number itself). The counts are taken in the transaction that
  registers the case: a refused or failed submission counts nothing, and the rows' locks put
  one phone's submissions in a row, so two sent at once can neither both pass the limit nor
  both miss that they are the same petition. Locks are always taken address first, then
  phone, then intake's number counter: no two submissions wait for each other in a circle.
* **Duplicates**: the same phone with the same text within a day is one case. The second
  visitor is told its number, never its query code (only whoever sent the first one saw that,
  and the phone has it).
* **The same form sent twice** (a double tap, a reload: its submission token) is the same case,
  shown again with its query code, but only if it is an online case of the same phone: a
  token is no secret the office can count on (another channel's case, a form copied), so a
  token that leads anywhere else is refused, saying nothing of that case.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from petitions import day_counts, intake
from petitions.caselog import write_log
from petitions.crypto import lookup_hash, lookup_hashes
from petitions.models import Case, CaseLog, Channel

CREATED = "created"  # a new case
RESENT = "resent"  # the same form again: its case, query code included
DUPLICATE = "duplicate"  # the same phone and text within a day: the earlier case's number only
DUPLICATE_WINDOW = datetime.timedelta(days=1)

# The version of the consent text on the form (templates/petitions/online_form.html): the log
# of each case says which one the petitioner agreed to.
CONSENT_VERSION = "2026-11"


@dataclass(frozen=True)
class Submission:
    """What sending the form gave: the case and whether it is new, resent or a duplicate."""

    case: Case
    outcome: str

    @property
    def shows_code(self) -> bool:
        """The query code is shown to the visitor who sent this very form, never to another."""
        return self.outcome != DUPLICATE


class LimitReached(ValidationError):
    """Too many petitions today from this address or phone; ``field`` is where to say it."""

    def __init__(self, message: str, field: str | None):
        super().__init__(message, code="limit")
        self.field = field


def submit_petition(
    *,
    address: str,
    submission_token: uuid.UUID,
    attachments: Sequence[UploadedFile] = (),
    **fields,
) -> Submission:
    """Register a citizen's online petition, within the day's limits; see the module's doc.

    ``fields``: the case's own fields a citizen gives, validated and normalized by the form
    (E.164 mobile phone); ``address``: the visitor's, as the lookup limit counts it.
    """
    now = timezone.now()
    day = timezone.localdate(now)
    phone = fields["petitioner_phone"]
    day_counts.sweep_past_days(day)
    keys = (f"address:{lookup_hash(address or 'unknown')}", f"phone:{lookup_hash(phone)}")
    with transaction.atomic():
        counts = day_counts.locked(keys, day)  # address first, then phone
        earlier = duplicate_of(phone, fields["content"], now)
        if earlier is not None:
            resent = earlier.submission_token == submission_token
            return Submission(earlier, RESENT if resent else DUPLICATE)
        try:
            _check_limits(counts[keys[0]], counts[keys[1]])
        except LimitReached:
            existing = intake.registered_with(submission_token)  # a reload a day later
            if existing is None:
                raise
            return Submission(_sent_by(existing, phone), RESENT)
        day_counts.add_one(keys, day)  # before the number is taken: its lock is held less
        registration = intake.register_case(
            by=None,
            submission_token=submission_token,
            attachments=attachments,
            channel=Channel.ONLINE,
            received_at=now,
            **fields,
        )
        if not registration.created:  # the same form again, after a day: it counts nothing
            transaction.set_rollback(True)
            return Submission(_sent_by(registration.case, phone), RESENT)
        write_log(registration.case, None, CaseLog.Action.NOTE, consent_note())
    return Submission(registration.case, CREATED)


FORM_USED = _lazy(
    "This form was sent already. Open the petition form again to send a new petition."
)


def _sent_by(case: Case, phone: str) -> Case:
    """The case the form's token found, if this visitor may see it again: an online case of
    the same phone. Anything else is refused without a word about it."""
    if case.channel == Channel.ONLINE and case.petitioner_phone_hash in lookup_hashes(phone):
        return case
    raise ValidationError(FORM_USED, code="form_used")


def consent_note() -> str:
    """The case log's record of the petitioner's consent (PIPL art. 14: shown, agreed to)."""
    return _(
        "Sent online (网上信访); the petitioner agreed to the processing of their personal "
        "data as the form explains it (text of %(version)s)."
    ) % {"version": CONSENT_VERSION}


def duplicate_of(phone: str, content: str, now: datetime.datetime) -> Case | None:
    """An online petition with the same phone and the same text received within a day."""
    if not phone:
        return None
    same = Case.objects.filter(
        channel=Channel.ONLINE,
        petitioner_phone_hash__in=lookup_hashes(phone),
        received_at__gte=now - DUPLICATE_WINDOW,
        content=content,
    )
    # Nearly always there is none: asking for the key alone keeps that answer cheap.
    pk = same.order_by("received_at", "id").values_list("pk", flat=True).first()
    return Case.objects.get(pk=pk) if pk else None


def _check_limits(by_address: int, by_phone: int) -> None:
    """The day's limits; the refusal is the same for both and names no number: it must not
    tell a visitor what another person's phone has sent."""
    if (
        by_phone >= settings.ONLINE_PETITIONS_PER_PHONE
        or by_address >= settings.ONLINE_PETITIONS_PER_ADDRESS
    ):
        raise LimitReached(
            _(
                "No more petitions can be taken online from you today. Please try again "
                "tomorrow, or call or visit the petition office."
            ),
            field=None,
        )

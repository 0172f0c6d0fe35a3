"""Transfers from the 12345 citizen hotline and the 12369 environmental hotline.

A platform's work order becomes a case through intake (``intake.register_case``: number, query
code, repeat check, the 15-day acceptance clock, and the notices every channel gets), with the
channel 12345 or 12369 and a ``WorkOrder`` beside it: the order number, unique per platform,
and the platform's own deadline, kept next to the legal ones. The same order imported again
changes nothing and says so. A batch is imported in one transaction: one bad row, nothing
imported. The answer goes back in the platform's reply format (``reply_of``; the Excel file in
``petitions/transfer_files.py``).

Orders come from the office (an Excel batch, ``by`` the clerk) or from the platform itself
(``/api/transfers/`` with its token, ``by`` a ``PlatformSender``).
"""

from __future__ import annotations

import datetime
import hmac
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from petitions import intake
from petitions.caselog import write_log
from petitions.choices import HOTLINE_CHANNELS
from petitions.models import Case, CaseLog, Category, Channel, Classification, Letter, State
from petitions.models_transfers import PlatformSender, WorkOrder  # noqa: F401
from petitions.transfer_orders import FIELD_LABELS, Order, clean_order

PLATFORMS = {channel.value: channel for channel in HOTLINE_CHANNELS}
MAX_BATCH_ROWS = 500


def order_token(channel: str, number: str) -> uuid.UUID:
    """The submission token of a platform's order: the same order can only ever register one
    case. Keyed by SECRET_KEY: an order number is no secret, and a token must not be guessable
    (the online form shows the case a token found to whoever sends it)."""
    digest = salted_hmac("petitions.transfers.order_token", f"{channel}:{number}").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def platform_for_token(token: str) -> str | None:
    """The platform whose configured token this is (compared in constant time), or None."""
    found = None
    for platform, expected in settings.TRANSFER_TOKENS.items():
        if expected and hmac.compare_digest(expected.encode(), token.encode()):
            found = platform
    return found


@dataclass
class Outcome:
    """What importing one order did: a new case, or the case an earlier import made."""

    order: Order
    case: Case
    created: bool
    warnings: list[str] = field(default_factory=list)

    def message(self) -> str:
        if self.created:
            return _("Work order %(order)s was registered as case %(case)s.") % {
                "order": self.order.number,
                "case": self.case.number,
            }
        return _(
            "Work order %(order)s was already imported as case %(case)s: nothing was changed."
        ) % {"order": self.order.number, "case": self.case.number}


def duplicate_rows(orders: Sequence[Order]) -> dict[int, str]:
    """Rows whose order number an earlier row of the same batch already has."""
    seen: dict[str, int | None] = {}
    repeated: dict[int, str] = {}
    for position, order in enumerate(orders):
        if order.number in seen:
            first = seen[order.number]
            repeated[order.row or position + 1] = _(
                "Work order %(order)s appears twice in the file (row %(row)s)."
            ) % {"order": order.number, "row": first}
        else:
            seen[order.number] = order.row or position + 1
    return repeated


@dataclass
class Batch:
    """What importing a file gave: every row's outcome, or each bad row's messages
    (row number or None, the field's label, the messages) and nothing imported."""

    outcomes: list[Outcome] = field(default_factory=list)
    row_errors: list[tuple[int | None, str, list[str]]] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(outcome.created for outcome in self.outcomes)


def import_batch(
    platform: str, rows: Iterable[tuple[int, Mapping]], *, by, file_name: str
) -> Batch:
    """An Excel batch: every row is checked first, then all are imported, or none, with each
    bad row's messages."""
    now = timezone.now()
    orders, row_errors = [], []
    for row, raw in rows:
        order, errors = clean_order(raw, now=now, row=row)
        if order is None:
            row_errors += [(row, FIELD_LABELS[name], msgs) for name, msgs in errors.items()]
        else:
            orders.append(order)
    for row, message in duplicate_rows(orders).items():
        row_errors.append((row, FIELD_LABELS["number"], [message]))
    if row_errors:
        return Batch(row_errors=sorted(row_errors, key=lambda error: error[0] or 0))
    try:
        outcomes = import_orders(
            platform, orders, by=by, source=WorkOrder.Source.EXCEL, file_name=file_name
        )
    except ValidationError as error:
        return Batch(row_errors=[(None, "", error.messages)])
    return Batch(outcomes=outcomes)


def import_orders(
    platform: str, orders: Sequence[Order], *, by, source: str, file_name: str = ""
) -> list[Outcome]:
    """Register each order that is new, in one transaction; orders imported before are
    reported, not touched. A refusal from intake names its row and rolls the batch back.

    The rows are checked before (``clean_order``), but registering still holds the year's
    case-number lock (intake) from the first new order to the end of the batch: other
    registrations wait that long (a batch has at most ``MAX_BATCH_ROWS``; not measured yet).
    All or nothing is worth it for the office; an API order is one."""
    channel = PLATFORMS[platform]
    if len(orders) > MAX_BATCH_ROWS:
        raise ValidationError(
            _("A batch has at most %(max)d work orders: split the file.") % {"max": MAX_BATCH_ROWS},
            code="too_many",
        )
    context = {"platform": platform, "source": source}
    with transaction.atomic(), pghistory.context(reason="transfer", **context):
        return [_import_one(channel, order, by, source, file_name) for order in orders]


def _import_one(channel: str, order: Order, by, source: str, file_name: str) -> Outcome:
    existing = WorkOrder.objects.filter(platform=channel, number=order.number).first()
    if existing is not None:
        return Outcome(order, existing.case, created=False)
    token = order_token(channel, order.number)
    try:
        result = intake.register_case(by=by, submission_token=token, **_case_fields(channel, order))
    except ValidationError as error:
        if order.row is None:
            raise
        raise ValidationError(
            _("Row %(row)s: %(message)s") % {"row": order.row, "message": " ".join(error.messages)},
            code=error.code if hasattr(error, "code") else "row",
        ) from error
    if not result.created:
        # Another import registered it meanwhile (intake waits for it): its order is stored.
        return Outcome(order, result.case, created=False)
    WorkOrder.objects.create(
        case=result.case,
        platform=channel,
        number=order.number,
        ordered_at=order.ordered_at,
        platform_deadline=order.deadline,
        source=source,
        file_name=file_name[:200],
        row=order.row,
        imported_by=by if getattr(by, "pk", None) else None,
    )
    note = _("Transferred by the %(platform)s as work order %(order)s.") % {
        "platform": Channel(channel).label,
        "order": order.number,
    }
    write_log(result.case, by, CaseLog.Action.NOTE, note)
    return Outcome(order, result.case, created=True, warnings=result.warnings)


def _case_fields(channel: str, order: Order) -> dict:
    """The case's fields: received now (the legal clock starts when the office has the order);
    the category and classification are the office's to correct at acceptance."""
    return {
        "channel": channel,
        "received_at": timezone.now(),
        "petitioner_name": order.caller,
        "petitioner_phone": order.phone,
        "petitioner_id_number": "",
        "petitioner_address": "",
        "people_count": 1,
        "representatives": "",
        "district": order.district,
        "location": order.address,
        "title": order.title,
        "content": order.content,
        "category": Category.POLLUTION,
        "classification": Classification.CLAIM,
        "skipped_level": False,
        "in_litigation": False,
        "referral_reason": None,
        "referral_note": "",
    }


# --- The reply ---------------------------------------------------------------------------------

# The platform's result codes.
ANSWERED, NOT_ACCEPTED, TRANSFERRED, PENDING = "answered", "not_accepted", "transferred", "pending"


def _iso(moment: datetime.datetime | datetime.date | None) -> str:
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    return moment.isoformat() if moment else ""


def reply_status(case: Case) -> str:
    """Where the case stands for the platform: answered, not accepted, transferred, pending."""
    if case.state == State.NOT_ACCEPTED:
        return NOT_ACCEPTED
    if case.state == State.TRANSFERRED:
        return TRANSFERRED
    return ANSWERED if case.answered_at else PENDING


def reply_text(case: Case, status: str) -> tuple[str, datetime.datetime | None]:
    """What the platform tells the caller, and since when: the answer as issued, or where the
    matter went (the referral notice, the authority it was transferred to)."""
    if status == ANSWERED:
        return case.answer, case.answered_at
    if status == NOT_ACCEPTED and case.referral_reason_id:
        notice = [case.referral_reason.notice_text, case.referral_note]
        return "\n".join(filter(None, notice)), case.closed_at
    if status == TRANSFERRED:
        letter = case.letters.filter(kind=Letter.Kind.TRANSFER).order_by("-issued_at").first()
        if letter is not None:
            return "\n".join(filter(None, [letter.addressee, letter.text])), letter.issued_at
    return "", None


def reply_of(order: WorkOrder) -> dict[str, str]:
    """The reply in the platform's format (the JSON the API answers; one Excel row)."""
    case = order.case
    status = reply_status(case)
    text, replied_at = reply_text(case, status)
    return {
        "order_number": order.number,
        "platform": order.platform,
        "case_number": case.number,
        "status": status,
        "reply": text,
        "replied_at": _iso(replied_at),
        "handled_by": str(settings.BUREAU_NAME),
        "platform_deadline": _iso(order.platform_deadline),
        "legal_due": _iso(case.due_date) if status == PENDING else "",
    }

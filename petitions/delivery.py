"""Delivery (送达) of a written answer or review opinion: its own step after approval.

The office records when and how the letter reached the petitioner (in person, by post,
electronically, by text message, by public notice); the 送达回证 prints before (to be signed) and
after. The window to ask for the next review (《信访工作条例》 art. 35-36: 30 days of receiving
the answer) counts from this date, not from the approval.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import letters, texts, timelimits
from petitions.caselog import save_change
from petitions.models import Case, DeliveryMethod, State
from petitions.workflow import changing


def deliver_answer(
    case: Case,
    *,
    by,
    delivered_on: datetime.date | None,
    method: str,
    note: str = "",
    version: int | None = None,
) -> Case:
    """Record the delivery of the letter issued last; the review window opens from it."""
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("Choose how the letter was delivered.")}, code="method")
    note = (note or "").strip()[:200]
    with changing(case, by, "deliver", version) as locked:
        letter = letters.current_opinion(locked)
        issued_on = timezone.localdate(letter.issued_at) if letter else None
        refusal = letters.date_refusal(delivered_on, issued_on, _("the letter was issued"))
        if refusal:
            raise ValidationError({"delivered_on": refusal}, code="delivered_on")
        if letter is not None:
            letter.delivered_on = delivered_on
            letter.delivery_method = method
            letter.delivery_note = note
            letter.delivered_by = by if getattr(by, "pk", None) else None
            letter.save()
        locked.review_request_due = timelimits.review_request_due(delivered_on, locked.review_level)
        text = f"{delivered_on.isoformat()} · {DeliveryMethod(method).label}\n{note}".strip()
        save_change(locked, by, to_state=State.ANSWERED, comment=text)
        texts.notify_answer_delivered(locked)
    return locked

"""Text messages to the petitioner about their case, and the address where they look it up.

Each ``notify_*`` is called by the step it tells of, inside that step's transaction (intake's
``register_case``, the workflow's ``record_acceptance`` and ``record_refusal``, delivery's
``deliver_answer``): whatever channel brought the case in, the petitioner hears of it, and a
step that is rolled back texts nobody. The message goes through the outbox
(``accounts.outbox.queue_sms``), which holds it in the quiet hours; its topic ``case:<pk>`` lists
it on the case page (``case_texts``). Only a mainland mobile number gets one.

A citizen reads them in the site's language (Chinese), whoever took the step. They carry the
lookup address: the receipt and the notices print it with its QR code too
(``templatetags/lookup_qr.py``), for a petitioner without text messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Message
from accounts.outbox import queue_sms
from accounts.sms import is_mobile
from petitions.models import Case, ReferralReason


def lookup_address(case: Case | None = None) -> str:
    """The public lookup page; with ``case``, its number already filled in (never the code), in
    the short form lookup accepts (``2026-0014``): printed, it can be typed as read."""
    address = settings.PUBLIC_SITE_URL + reverse("lookup:form")
    if case is None:
        return address
    return f"{address}?{urlencode({'number': f'{case.year}-{case.sequence:04d}'})}"


def topic_of(case: Case) -> str:
    """What ties a message to the case (``Message.topic``)."""
    return f"case:{case.pk}"


def case_texts(case: Case) -> QuerySet[Message]:
    """The case's text messages, newest first (the case page's log: sent, queued, failed)."""
    return Message.objects.filter(topic=topic_of(case), channel=Message.Channel.SMS)


_silenced: ContextVar[bool] = ContextVar("petitions_texts_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """No text message for the cases made meanwhile: the demo's made-up petitioners have valid
    mobile numbers, which may well be someone's."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    """Inside ``silenced()``: the demo's bookings text nobody either."""
    return _silenced.get()


def reaches_petitioner(case: Case) -> bool:
    """Whether text messages reach the petitioner: a mainland mobile number (not a landline)."""
    return bool(case.petitioner_phone) and is_mobile(case.petitioner_phone)


def _send(case: Case, event: str, about: str, text: str) -> Message | None:
    """Queue ``text`` to the petitioner's mobile, once per step (the case's version)."""
    if _silenced.get() or not reaches_petitioner(case):
        return None
    return queue_sms(
        case.petitioner_phone,
        text,
        about=f"{case.number} · {about}",
        topic=topic_of(case),
        dedupe_key=f"case:{case.pk}:{event}:v{case.version}",
    )


def notify_registered(case: Case) -> Message | None:
    """At registration: the number, the query code and where to look the case up."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Your petition has been registered as case %(number)s, query code %(code)s. "
            "Look up its progress with the number and the code at %(address)s. "
            "Do not give the code to others."
        ) % {"number": case.number, "code": case.query_code, "address": lookup_address()}
        return _send(case, "registered", _("registration notice"), text)


def notify_accepted(case: Case) -> Message | None:
    """At acceptance: accepted, and the date by which the answer is due."""
    with translation.override(settings.LANGUAGE_CODE):
        if case.due_date:
            text = _(
                "Your petition %(number)s has been accepted. You will receive a written answer "
                "by %(date)s. Progress: %(address)s"
            ) % {
                "number": case.number,
                "date": date_format(case.due_date, "DATE_FORMAT"),
                "address": lookup_address(),
            }
        else:
            text = _("Your petition %(number)s has been accepted. Progress: %(address)s") % {
                "number": case.number,
                "address": lookup_address(),
            }
        return _send(case, "accepted", _("acceptance notice"), text)


def notify_refused(case: Case, reason: ReferralReason) -> Message | None:
    """At refusal: not accepted, why, and that the written notice says where to go."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Your petition %(number)s is not accepted: %(reason)s. The written notice tells "
            "you where to turn instead. Details: %(address)s"
        ) % {"number": case.number, "reason": reason.title, "address": lookup_address()}
        return _send(case, "refused", _("non-acceptance notice"), text)


def notify_answer_delivered(case: Case) -> Message | None:
    """At delivery of the answer (or a review opinion): where to read and rate it."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "The written answer to your petition %(number)s has been delivered. Please tell "
            "us whether you are satisfied: look the case up with its number and query code "
            "and rate the answer at %(address)s"
        ) % {"number": case.number, "address": lookup_address(case)}
        return _send(case, "answered", _("answer delivered"), text)

"""Text messages: a backend interface like Django's mail backends, and the quiet hours.

``SMS_BACKEND`` names the class (a dotted path). The worker calls ``get_backend().send(phone,
text)`` (accounts/delivery.py); a request never does: messages go through the outbox
(``accounts.outbox.queue_sms``) and the task queue. Backends:

- ``accounts.sms.ConsoleBackend``: prints the message (development, the default with DEBUG);
- ``accounts.sms.LocmemBackend``: keeps it in ``accounts.sms.outbox`` (tests).

A backend's ``send`` returns the provider's message id (or "") and raises on any failure, so
that the task queue retries.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# No text message reaches a citizen between 21:00 and 08:00 (local time): one queued then waits.
QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(8, 0)


def next_sending_time(now: dt.datetime) -> dt.datetime | None:
    """When a message queued at ``now`` (aware, local) may go out: None for at once."""
    local_time = now.timetz().replace(tzinfo=None)
    if QUIET_UNTIL <= local_time < QUIET_FROM:
        return None
    day = now.date() if local_time < QUIET_UNTIL else now.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=now.tzinfo)


@dataclass(frozen=True)
class SentText:
    """What a test backend kept: the phone and the text."""

    phone: str
    text: str


outbox: list[SentText] = []


class BaseBackend:
    def send(self, phone: str, text: str) -> str:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, phone: str, text: str) -> str:
        sys.stdout.write(f"[text message to {phone}]\n{text}\n\n")
        sys.stdout.flush()
        return ""


class LocmemBackend(BaseBackend):
    def send(self, phone: str, text: str) -> str:
        outbox.append(SentText(phone, text))
        return str(len(outbox))


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()

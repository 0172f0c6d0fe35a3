"""Text messages: a backend interface like Django's mail backends, and the quiet hours.

``SMS_BACKEND`` names the class (a dotted path). The worker calls ``get_backend().send(phone,
text)`` (accounts/delivery.py); a request never does: messages go through the outbox
(``accounts.outbox.queue_sms``) and the task queue. Backends:

- ``accounts.sms.ConsoleBackend``: prints the message (development, the default with DEBUG);
- ``accounts.sms.FileBackend``: appends it to a file a day under ``SMS_FILE_PATH`` (development);
- ``accounts.sms.LocmemBackend``: keeps it in ``accounts.sms.outbox`` (tests);
- ``accounts.sms_mas.MasBackend``: China Mobile's 云MAS gateway over HTTP (production, the
  default without DEBUG; configured by the ``SMS_MAS_*`` variables).

A backend's ``send`` returns the provider's message id (or "") and raises on any failure, so
that the task queue retries.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
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


MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def is_mobile(phone: str) -> bool:
    """Whether a text message can reach the number: a mainland mobile, not a landline."""
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return False
    return number.country_code == 86 and phonenumbers.number_type(number) in MOBILE_TYPES


def seal(value: str) -> str:
    """A phone or text as the outbox stores it: encrypted (``SMS_CIPHER``), so that a database
    dump shows neither the petitioner's phone nor a query code.

    The one run-time use of ``petitions`` by ``accounts`` (named in a setting, so that import
    rules hold): the texts must be sealed by the petitioners' data key and its rotation
    (petitions/crypto.py, keyring.py), and a second copy of that key's handling here would be
    worse than this exception. Another deployment may name other functions."""
    return import_string(settings.SMS_CIPHER[0])(value)


def unseal(value: str) -> str:
    """What :func:`seal` stored, for the worker that sends it."""
    return import_string(settings.SMS_CIPHER[1])(value)


def digest(phone: str) -> str:
    """A stable stand-in for the phone in a message's dedupe key (the key is stored in clear)."""
    return salted_hmac("accounts.sms.digest", phone).hexdigest()[:20]


def masked(phone: str) -> str:
    """The phone as a page lists it: ``138****8000`` (its first three and last four digits)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


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


class FileBackend(BaseBackend):
    """One file a day (``YYYY-MM-DD.txt``) under ``SMS_FILE_PATH``: a developer reads what
    would have gone out without a console beside the worker."""

    def send(self, phone: str, text: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        with (folder / f"{now.date().isoformat()}.txt").open("a", encoding="utf-8") as file:
            file.write(f"[{now.isoformat(timespec='seconds')}] to {phone}\n{text}\n\n")
        return ""


class LocmemBackend(BaseBackend):
    def send(self, phone: str, text: str) -> str:
        outbox.append(SentText(phone, text))
        return str(len(outbox))


# Backends that reach no phone: fine for development and tests, never in production
# (``check --deploy`` says so, accounts/checks.py).
DEVELOPMENT_BACKENDS = (
    "accounts.sms.ConsoleBackend",
    "accounts.sms.FileBackend",
    "accounts.sms.LocmemBackend",
)


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()

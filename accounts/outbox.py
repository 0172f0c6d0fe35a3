"""Queue a message to the outside world: the only way the application sends mail and text
messages.

``queue_mail`` stores the message and defers the job that sends it in the caller's
transaction, through Django's own connection: the job exists exactly when the change
commits, and a rolled-back change mails nobody. No request waits on a mail server; the
worker sends (accounts/delivery.py), retries with backoff, and marks what it could not send
as failed, for an administrator to retry by hand (``retry_message``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate import manager
from procrastinate.contrib.django.django_connector import DjangoConnector

from accounts import sms, tasks
from accounts.models import Message

# Defers through the Django connection of the calling thread, whatever connector the app was
# given (the worker's own is a separate pool): the job joins the caller's transaction.
IN_THIS_TRANSACTION = manager.JobManager(connector=DjangoConnector())


def queue_mail(
    recipients: str | Iterable[str],
    subject: str,
    body: str,
    *,
    about: str = "",
    dedupe_key: str = "",
) -> list[Message]:
    """Queue one e-mail per address; returns the messages queued now.

    With a ``dedupe_key`` (e.g. ``duty-reminder:<duty>:<person>:<date>``) a message already
    queued under that key and address is not queued again, even by a concurrent run.
    """
    addresses = [recipients] if isinstance(recipients, str) else list(dict.fromkeys(recipients))
    addresses = [address for address in addresses if address]
    # Part of the caller's transaction when there is one (an error there undoes the change
    # too, as it should): no savepoint, two round trips fewer.
    with transaction.atomic(savepoint=False):
        stored = [_store(address, subject, body, about, dedupe_key) for address in addresses]
        queued = [message for message in stored if message is not None]
        defer(queued)
    return queued


def queue_sms(
    phone: str,
    text: str,
    *,
    about: str = "",
    topic: str = "",
    dedupe_key: str = "",
) -> Message | None:
    """Queue one text message to a mobile phone; None when there is no phone or the
    ``dedupe_key`` was used already.

    ``topic`` ties it to its record ("case:42", "booking:7") so that the record's page lists
    its messages. The phone and the text are stored encrypted (``sms.seal``). Queued in the
    quiet hours (21:00-08:00) it waits until 08:00 (accounts/sms.py).
    """
    if not phone:
        return None
    with transaction.atomic(savepoint=False):
        message = _store(
            sms.seal(phone),
            _("Text message"),
            sms.seal(text),
            about,
            f"{dedupe_key}:{sms.digest(phone)}" if dedupe_key else "",
            Message.Channel.SMS,
            topic,
        )
        if message is not None:
            defer([message])
    return message


def _store(
    address: str,
    subject: str,
    body: str,
    about: str,
    dedupe_key: str,
    channel: str = Message.Channel.EMAIL,
    topic: str = "",
) -> Message | None:
    message = Message(
        channel=channel,
        recipient=address,
        subject=subject[:255],
        body=body,
        about=about[:200],
        topic=topic[:40],
        dedupe_key=_dedupe(dedupe_key, address, channel),
    )
    if message.dedupe_key is None:
        message.save()
        return message
    try:
        with transaction.atomic():  # a savepoint: the duplicate's error leaves the rest intact
            message.save()
    except IntegrityError:
        return None
    return message


def _dedupe(dedupe_key: str, address: str, channel: str) -> str | None:
    """A mail's key names its address; a text's names its phone already (``sms.digest``)."""
    if not dedupe_key:
        return None
    return (dedupe_key if channel == Message.Channel.SMS else f"{dedupe_key}:{address}")[:400]


def defer(messages: list[Message]) -> None:
    """Defer the jobs that send ``messages``; a text message in the quiet hours waits for
    the morning."""
    if not messages:
        return
    job = tasks.send_message.configure().job  # the task, its queue and priority
    # A text message queued in the quiet hours waits for the morning (a retry by hand too).
    quiet_until = sms.next_sending_time(timezone.localtime())
    IN_THIS_TRANSACTION.batch_defer_jobs(
        [
            job.evolve(
                task_kwargs={"message_id": message.pk},
                scheduled_at=quiet_until if message.channel == Message.Channel.SMS else None,
            )
            for message in messages
        ]
    )


def retry_message(message: Message, *, by=None) -> Message:
    """Send a failed message again (an administrator's decision, recorded with their name)."""
    context = {"reason": "retry by hand"}
    if getattr(by, "pk", None) is not None:
        context["user"] = by.pk
    with transaction.atomic(), pghistory.context(**context):
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not locked.may_retry:
            raise ValidationError(
                _("Only a failed message can be sent again; this one is %(state)s.")
                % {"state": locked.get_state_display()},
                code="not_failed",
            )
        locked.state = Message.State.QUEUED
        locked.save(update_fields=["state"])
        defer([locked])
    return locked

"""The worker's side of the outbox: send one stored message, never twice.

``deliver`` marks the message ``sending`` and commits *before* it talks to the mail server. A
worker that dies after that leaves the message ``sending``; the next attempt (procrastinate
retries a dead worker's job, accounts/tasks.py) cannot know whether the server took it, so it
does not resend: it marks the message failed for a person to decide (and retry by hand). A
message already ``sent`` is left alone, whatever job asks for it.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import sms
from accounts.models import INTERRUPTED, Message


def deliver(message_id: int, *, last_try: bool) -> bool:
    """Send the message if it is still to be sent; True when it went out now.

    On an error the message goes back to ``queued`` (``failed`` on the ``last_try``) with the
    error, and the error is raised again so that the task queue retries with its backoff.
    """
    message = _claim(message_id)
    if message is None:
        return False
    if _held_for_quiet_hours(message):
        return False
    try:
        _send(message)
    except Exception as error:
        state = Message.State.FAILED if last_try else Message.State.QUEUED
        Message.objects.filter(pk=message.pk).update(state=state, last_error=_describe(error))
        raise
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _held_for_quiet_hours(message: Message) -> bool:
    """A text message due in the quiet hours (a retry's backoff, a backlog, a worker back
    from a restart after 21:00) goes back to ``queued`` with a new job for the morning; the
    attempt does not count."""
    if message.channel != Message.Channel.SMS:
        return False
    if sms.next_sending_time(timezone.localtime()) is None:
        return False
    from accounts import outbox  # the outbox defers through the task queue, which runs this

    with transaction.atomic():
        Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
            state=Message.State.QUEUED, attempts=F("attempts") - 1
        )
        outbox.defer([message])  # scheduled for the end of the quiet hours
    return True


def _claim(message_id: int) -> Message | None:
    """The message, now marked ``sending`` (committed: the worker runs in autocommit); None
    when it must not be sent.

    The conditional update is the lock: of two attempts, one finds the message ``queued``.
    """
    claimed = Message.objects.filter(pk=message_id, state=Message.State.QUEUED).update(
        state=Message.State.SENDING, attempts=F("attempts") + 1
    )
    if claimed:
        return Message.objects.get(pk=message_id)
    # Sent, failed or gone: nothing to do. Still ``sending``: an earlier attempt stopped
    # between "sending" and its outcome, and the server may have taken the message.
    Message.objects.filter(pk=message_id, state=Message.State.SENDING).update(
        state=Message.State.FAILED, last_error=INTERRUPTED
    )
    return None


def _send(message: Message) -> None:
    if message.channel == Message.Channel.SMS:
        sms.get_backend().send(sms.unseal(message.recipient), sms.unseal(message.body))
    else:
        _send_mail(message)


def _send_mail(message: Message) -> None:
    """Hand the message to Django's mail backend (EMAIL_TIMEOUT bounds every wait).

    Once the server has accepted it, an error while saying goodbye must not count as a
    failure (that would send it again), so the connection is closed apart, errors ignored.
    """
    connection = get_connection(fail_silently=False)
    email = EmailMessage(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient],
        connection=connection,
    )
    connection.open()
    try:
        connection.send_messages([email])
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def _describe(error: Exception) -> str:
    text = str(error) or repr(error)
    return f"{type(error).__name__}: {text}"[:2000]

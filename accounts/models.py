"""What the shared app stores: the outbox (every message to the outside world, with its real
delivery state), the ledger of the daily reminder runs, and failed sign-ins per user name.

A message is stored in the same transaction as the change it tells of, together with the job
that sends it (accounts/outbox.py); the worker changes its state (accounts/delivery.py). The
state history (who retried, when it failed) is kept by pghistory.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import sms

# The error of a message whose sending was cut off: stored in English, shown translated.
INTERRUPTED = gettext_noop(
    "Interrupted while sending; it may or may not have been delivered. "
    "Check with the recipient before sending it again."
)


class MessageQuerySet(models.QuerySet):
    def counts_by_state(self) -> dict[str, int]:
        counts = dict.fromkeys(Message.State.values, 0)
        counts.update(self.order_by().values_list("state").annotate(n=Count("pk")))
        return counts


# Each change of state is kept (the row itself says when it was queued: no insert event, which
# would cost every request that queues a mail another write).
@pghistory.track(
    pghistory.UpdateEvent(condition=pghistory.AnyChange("state")),
    fields=["state", "attempts", "last_error"],
    model_name="MessageEvent",
)
class Message(models.Model):
    """One message to one recipient: an e-mail or a text message (the recipient is then a phone)."""

    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("message channel", "e-mail")
        SMS = "sms", pgettext_lazy("message channel", "text message")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(
        pgettext_lazy("message", "channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.EMAIL,
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    # Not indexed: the worker's state changes stay cheap (HOT updates); the outbox page reads
    # the latest rows by primary key.
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the message is about, for a reader of the outbox ("case 朝环信〔2025〕3号").
    about = models.CharField(_("about"), max_length=200, blank=True)
    # What it belongs to, for the record's own page ("case:42", "booking:7"): indexed, so that
    # a case page lists its text messages (sent, failed) without a scan.
    topic = models.CharField(max_length=40, blank=True)
    # Set for messages that must never go out twice (a reminder): a second insert fails.
    dedupe_key = models.CharField(max_length=400, null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]  # the order they were queued in, newest first
        constraints = [
            # Partial: most messages have no key, and pay no index entry for it.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="accounts_message_dedupe_key_once",
            )
        ]
        # Partial too: a mail has no topic and pays no index entry for it (a request that
        # queues one waits on every index the insert writes).
        indexes = [
            models.Index(fields=["topic"], condition=~models.Q(topic=""), name="message_topic_idx")
        ]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    @property
    def error_text(self) -> str:
        """The last error as a reader sees it (the mail server's own words are not translated)."""
        return gettext(INTERRUPTED) if self.last_error == INTERRUPTED else self.last_error

    @property
    def shown_recipient(self) -> str:
        """The recipient as pages list it: a text's phone is stored encrypted, shown masked."""
        if self.channel != self.Channel.SMS:
            return self.recipient
        try:
            return sms.masked(sms.unseal(self.recipient))
        except ValueError:  # a key no longer configured
            return "****"

    @property
    def may_retry(self) -> bool:
        """Only a failed message is retried by hand: a queued one is still being tried."""
        return self.state == self.State.FAILED


class ReminderRun(models.Model):
    """The daily reminders of one day were queued: the row is inserted in the same transaction
    as the reminders, so the day is done exactly when the row exists, on whichever node."""

    day = models.DateField(_("day"), unique=True)
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    duty_reminders = models.PositiveIntegerField(_("duty reminders"), default=0)
    case_reminders = models.PositiveIntegerField(_("case reminders"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")

    def __str__(self) -> str:
        return self.day.isoformat()


class AccountFailures(models.Model):
    """Failed sign-ins on one user name from any address, since the last success.

    Kept in the database, which every node shares (``accounts/signin.py`` reads and writes it).
    The user name is stored as a keyed hash only: strangers type anything there, sometimes a
    password.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)  # older than the window: forgotten

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.failures}"

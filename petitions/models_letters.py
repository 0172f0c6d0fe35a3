"""The letters a case produces and the reviews of its answers (《信访工作条例》 art. 32-36).

A ``Letter`` is a document the bureau (or one of its branches) issues: the written answer, the
review opinion (复查意见), the second review opinion (复核意见), the forwarding of a review
request to the higher body, and the transfer letter (转送函) to another authority. Each keeps its
own text, issuer and delivery, so every letter prints as it was issued after any later step.

A ``Review`` is one round of review (复查 or 复核): the request, who reviews (the bureau, or
the body one level above the one that issued the reviewed answer), and, for the higher body,
the forwarding and its decision, which the bureau records but never writes.

Imported by ``petitions/models.py``; the rules that read these records live in
``petitions/letters.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schedules.models import Unit


class DeliveryMethod(models.TextChoices):
    """How a written answer reached the petitioner (送达方式)."""

    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")
    SMS = "sms", _("By text message")
    PUBLIC_NOTICE = "public_notice", _("By public notice")


class Letter(models.Model):
    """One document the bureau issued in a case, with its delivery."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Written answer")
        REVIEW_OPINION = "review_opinion", _("Review opinion (复查意见)")
        SECOND_REVIEW_OPINION = "second_review_opinion", _("Second review opinion (复核意见)")
        REVIEW_FORWARDING = "review_forwarding", _("Forwarding of a review request")
        TRANSFER = "transfer", _("Transfer letter (转送函)")

    case = models.ForeignKey("petitions.Case", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # 0: the answer; 1: the review (复查); 2: the second review (复核).
    review_level = models.PositiveSmallIntegerField(_("review round"), default=0)
    text = models.TextField(_("text"), blank=True)
    # The branch or section that issued an opinion; empty: the bureau itself.
    issuer = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The authority a forwarding or transfer letter is addressed to.
    addressee = models.CharField(_("addressed to"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivery_note = models.CharField(_("delivery note"), max_length=200, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "review_level"], name="letter_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"

    @property
    def is_opinion(self) -> bool:
        """An answer or review opinion: delivered to the petitioner, and reviewable."""
        return self.kind in OPINION_KINDS

    def issuer_name(self) -> str:
        return self.issuer.name if self.issuer_id else str(settings.BUREAU_NAME)


OPINION_KINDS = (Letter.Kind.ANSWER, Letter.Kind.REVIEW_OPINION, Letter.Kind.SECOND_REVIEW_OPINION)
# The opinion each round issues: the answer, then the review and second review opinions.
OPINION_OF_LEVEL = dict(enumerate(OPINION_KINDS))


class Review(models.Model):
    """One round of review (复查: level 1, 复核: level 2) of a case's answer."""

    class Body(models.TextChoices):
        BUREAU = "bureau", _("The bureau")
        HIGHER = "higher", _("The higher body")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        CHANGED = "changed", _("Changed")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey("petitions.Case", on_delete=models.PROTECT, related_name="reviews")
    level = models.PositiveSmallIntegerField(_("review round"))
    requested_on = models.DateField(_("requested on"))
    reasons = models.TextField(_("the petitioner's reasons"))
    body = models.CharField(_("reviewed by"), max_length=10, choices=Body.choices)
    # The bureau's opinion under review (none when the higher body decided the round before).
    reviewed_letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    higher_body = models.CharField(_("higher body"), max_length=200, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    due_date = models.DateField(_("decision due"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="review_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level}"

    @property
    def is_external(self) -> bool:
        return self.body == self.Body.HIGHER

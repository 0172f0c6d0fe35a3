"""A hotline platform's work order (工单) that became a case: 12345 or 12369.

Imported by ``petitions/models.py``. The rules of taking orders in and answering them back are
in ``petitions/transfers.py``; the case itself holds the legal time limits, the order keeps the
platform's own deadline beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.choices import Channel, State


@dataclass(frozen=True)
class PlatformSender:
    """A hotline platform posting its own orders with its token (``/api/transfers/``): it may
    register those (``access.may_register``) and nothing else; logs name nobody of the office."""

    platform: str
    pk = None
    is_authenticated = False

    def __str__(self) -> str:
        return str(Channel(self.platform).label)


class WorkOrderQuerySet(models.QuerySet):
    def replied(self):
        """Orders with an answer issued, or not taken up, or transferred: a reply can go back."""
        done = models.Q(case__state__in=[State.NOT_ACCEPTED, State.TRANSFERRED])
        return self.filter(~models.Q(case__answered_at=None) | done)


class WorkOrder(models.Model):
    """One platform's work order, imported once: its number is unique per platform."""

    class Source(models.TextChoices):
        EXCEL = "excel", _("Excel batch uploaded by the office")
        API = "api", _("Posted by the platform")

    case = models.OneToOneField(
        "petitions.Case", on_delete=models.PROTECT, related_name="work_order"
    )
    platform = models.CharField(
        _("platform"),
        max_length=20,
        choices=[(c.value, c.label) for c in (Channel.HOTLINE_12345, Channel.HOTLINE_12369)],
    )
    number = models.CharField(_("work order number"), max_length=64)
    ordered_at = models.DateTimeField(_("time of the order"))
    # The deadline the platform asks for; the legal ones stay on the case.
    platform_deadline = models.DateField(_("platform's deadline"), null=True, blank=True)
    source = models.CharField(_("came as"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "number"], name="work_order_number_per_platform"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.number}"

    def deadline_before_legal(self) -> bool:
        """The platform wants the answer before the legal due date: the office should know."""
        due = self.case.due_date
        return bool(self.platform_deadline and due and self.platform_deadline < due)

"""What happened on a reception or visit day (接访记录 / 下访记录), written after the day:
who attended, how many came, what was decided on the spot, the follow-up tasks with their owners
and deadlines, and on a visit day the problems found, each of which may become a case.

Imported by ``schedules/models.py``: the models belong to the roster app. The verbs that write
them are in ``schedules/day_records.py``; the pages, which show cases, are the petitions app's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.history import tracked
from schedules.models import District, Duty, Unit


@tracked()
class DayRecord(models.Model):
    """The record of one duty day, one per duty."""

    duty = models.OneToOneField(
        Duty, on_delete=models.PROTECT, related_name="record", verbose_name=_("duty day")
    )
    leader_attended = models.BooleanField(_("the leader attended"), default=True)
    contact_attended = models.BooleanField(_("the contact person attended"), default=True)
    sections = models.ManyToManyField(
        Unit, blank=True, related_name="attended_days", verbose_name=_("sections that attended")
    )
    others_present = models.CharField(_("others present"), max_length=200, blank=True)
    people_count = models.PositiveIntegerField(_("people who came"), default=0)
    group_count = models.PositiveIntegerField(_("groups"), default=0)
    decisions = models.TextField(_("decided on the spot"), blank=True)
    places_visited = models.TextField(_("places visited"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("day record")
        verbose_name_plural = _("day records")

    def __str__(self) -> str:
        return str(self.duty)


@tracked()
class Finding(models.Model):
    """A problem found on a visit day; the office may register it as a case."""

    record = models.ForeignKey(
        DayRecord, on_delete=models.CASCADE, related_name="findings", verbose_name=_("record")
    )
    place = models.CharField(_("where"), max_length=200)
    district = models.CharField(
        _("district or county"), max_length=20, choices=District.choices, blank=True
    )
    problem = models.TextField(_("problem found"))
    raised_by = models.CharField(
        _("raised by"),
        max_length=50,
        blank=True,
        help_text=_("The resident who raised it, if any: the case's petitioner."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("problem found")
        verbose_name_plural = _("problems found")

    def __str__(self) -> str:
        return f"{self.place}: {self.problem[:40]}"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def open_for(self, user):
        """The open tasks ``user`` owns, soonest deadline first: their worklist's share."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return (
            self.open()
            .filter(owner=user)
            .select_related("record__duty__leader")
            .order_by("due", "pk")
        )


@tracked()
class FollowUp(models.Model):
    """A task decided on a duty day, with its owner and deadline."""

    record = models.ForeignKey(
        DayRecord, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("record")
    )
    task = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self) -> str:
        return self.task

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return not self.is_done and self.due < (today or timezone.localdate())

"""The records of casework around the workflow, and which records wait for whom.

* ``Supervision``: a leader's supervision instruction (督办) on a case, with the date by which
  the handling unit must reply, and the reply. A reply that is late is flagged to the leader.
* ``WorkCaseQuerySet``: the case selections of the worklists (``petitions/worklists.py``):
  cases to accept, to assign, answers to approve, extension requests, cases due soon, cases in
  a leader's charge (包案).

Loaded by ``petitions/models.py`` (at its end), so Django finds the model with the others.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_office
from accounts.history import tracked
from petitions.models import (
    CLOSED_STATES,
    DUE_KEY,
    Case,
    CaseQuerySet,
    Classification,
    ExtensionState,
    State,
)
from schedules.models import Leader, Unit

# While the case is handled: an extension request waits in these states (workflow.HANDLING).
HANDLING_STATES = (State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.ANSWER_DRAFTED)


# A unit works on a case in these states (not once the answer is out, until a review).
UNIT_STATES = (
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.ANSWER_DRAFTED,
    State.REVIEW,
    State.SECOND_REVIEW,
)


def units_of(user) -> models.QuerySet[Unit]:
    """The units ``user`` is a member of (a subquery: no query of its own)."""
    return Unit.objects.filter(members=user).values("pk")


def unit_ids_subquery() -> models.QuerySet:
    """The ids of a user's units, loaded with the user on every request (``USER_ARRAYS``)."""
    return Unit.members.through.objects.filter(user=models.OuterRef("pk")).values("unit_id")


def unit_ids_of(user) -> list[int] | models.QuerySet:
    """The user's units' ids as loaded with the user (numbers let the database walk one
    unit's cases down its index in order), else as a subquery."""
    ids = getattr(user, "unit_ids", None)
    return units_of(user) if ids is None else ids


class WorkCaseQuerySet(CaseQuerySet):
    """The cases that wait for someone, per kind of work. Start from ``work_cases(user)``."""

    def to_accept(self):
        """Registered, not yet accepted or refused: the 15 days of the notice run."""
        return self.filter(state=State.REGISTERED)

    def to_assign(self):
        """Accepted, not yet handed to a unit."""
        return self.filter(state=State.ACCEPTED)

    def answers_to_approve(self):
        return self.filter(state=State.ANSWER_DRAFTED)

    def deliveries_to_record(self):
        """Answers approved and issued, not yet delivered (送达): the office records the delivery,
        from which the petitioner's time to ask for a review runs."""
        return self.filter(state=State.APPROVED)

    def extension_requested(self):
        """An extension asked for by the unit, for an administrator to decide (only while the
        case is handled: the state narrows the search through its index)."""
        return self.filter(state__in=HANDLING_STATES, extension_state=ExtensionState.REQUESTED)

    def due_by(self, day: datetime.date):
        """Open cases whose running time limit ends on ``day`` or earlier (overdue included).

        Through the due-date expression of the open cases' index, as the register does.
        """
        return self.open().alias(due_key=DUE_KEY).filter(due_key__lte=day)

    def with_the_unit(self):
        """Cases a unit is working on: handling, its draft with the office, a (second) review."""
        return self.filter(state__in=UNIT_STATES)

    def late(self, today: datetime.date):
        """Open cases past their due date (``overdue``), through the same index as ``due_by``."""
        return self.open().alias(due_key=DUE_KEY).filter(due_key__lt=today)

    def of_units_of(self, user):
        """The cases handed to one of the user's units."""
        ids = unit_ids_of(user)
        return self.filter(unit__in=ids) if ids != [] else self.none()

    def in_charge_of(self, leader: Leader | None):
        return self.filter(leader_in_charge=leader) if leader else self.none()


def work_cases(user) -> WorkCaseQuerySet:
    """The cases ``user`` may see, with the worklists' selections."""
    return WorkCaseQuerySet(model=Case).visible_to(user)


# Not yet replied to, on a case still open.
AWAITING_REPLY = models.Q(replied_at__isnull=True) & ~models.Q(case__state__in=CLOSED_STATES)


class SupervisionQuerySet(models.QuerySet):
    def awaiting_reply(self):
        """Not yet replied to, on a case still open (a closed case owes no reply)."""
        return self.filter(AWAITING_REPLY)

    def awaiting_or_replied_since(self, moment: datetime.datetime):
        """What a leader follows: the replies still owed, and those given since ``moment``.

        The case's state is asked in a subquery, not on the joined case: an OR of a case's
        state with the instruction's columns makes the planner try it against every partial
        index of the cases (milliseconds of planning on each worklist)."""
        open_case = Case.objects.filter(pk=models.OuterRef("case_id")).exclude(
            state__in=CLOSED_STATES
        )
        awaiting = models.Q(replied_at__isnull=True) & models.Exists(open_case)
        return self.filter(awaiting | models.Q(replied_at__gte=moment))

    def overdue(self, today: datetime.date):
        return self.awaiting_reply().filter(reply_due__lt=today)

    def issued_by(self, leader: Leader | None):
        return self.filter(leader=leader) if leader else self.none()

    def owed_by(self, user):
        """Replies the user's units owe: on their cases, never on an accusation (their units'
        ids as loaded with the user: a list is planned faster than a subquery)."""
        ids = unit_ids_of(user)
        if ids == []:
            return self.none()
        return (
            self.awaiting_reply()
            .filter(case__unit__in=ids)
            .exclude(case__classification=Classification.ACCUSATION)
        )

    def visible_to(self, user):
        """The instructions on the cases ``user`` may see."""
        if is_office(user):
            return self
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


@tracked()
class Supervision(models.Model):
    """A leader's supervision instruction (督办), which the handling unit answers by a date."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("case")
    )
    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("leader")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    instruction = models.TextField(_("instruction"))
    reply_due = models.DateField(_("reply due"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replied by"),
    )

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("supervision instruction")
        verbose_name_plural = _("supervision instructions")
        indexes = [
            # The replies still owed, by their date: worklists, counts, the register's filter.
            models.Index(
                fields=["reply_due"],
                condition=models.Q(replied_at__isnull=True),
                name="supervision_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.issued_at:%Y-%m-%d} → {self.reply_due:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.replied_at is not None

    def days_left(self, today: datetime.date | None = None) -> int | None:
        """Days until the reply is due (negative: late); None once replied."""
        if self.is_answered:
            return None
        return (self.reply_due - (today or timezone.localdate())).days

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

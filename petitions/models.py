"""Petition cases: what petitioners bring, and what happens to it until they have an answer.

The rules of registering a case (repeat detection) live in ``petitions/intake.py``, the
workflow's (which transition, by whom) in ``petitions/workflow.py``, the time limits in
``petitions/timelimits.py``, who may see or do what in ``petitions/access.py``; this module holds
the records and the rules about one record: which states are open, when a matter is referred
elsewhere, who the case's leader is.
"""

from __future__ import annotations

import datetime
import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_office
from accounts.history import tracked
from accounts.roles import Role, has_role
from petitions.choices import (  # noqa: F401  (the kinds and states belong to the models)
    CLOSED_STATES,
    OPEN_STATES,
    Category,
    Channel,
    Classification,
    ExtensionState,
    Satisfaction,
    State,
)
from petitions.crypto import EncryptedTextField, lookup_hash
from petitions.identity import normalize_name
from petitions.keyring import DataKey  # noqa: F401  (the data keys' fingerprints: a model)
from petitions.matters import Industry, PollutionSubtype, PollutionType  # noqa: F401
from petitions.models_attachments import Attachment  # noqa: F401 (the app's models)
from petitions.models_letters import DeliveryMethod, Letter, Review  # noqa: F401
from petitions.models_online import SubmissionCount  # noqa: F401 (online petitions per day)
from petitions.models_transfers import PlatformSender, WorkOrder  # noqa: F401 (hotlines)
from petitions.numbers import parse_number
from petitions.search import index_case
from schedules.models import District, Duty, Finding, Leader, Unit

REFERRAL_REASON_REQUIRED = _(
    "A matter outside the four categories or in litigation needs a referral reason: it tells "
    "the petitioner where to go."
)


def needs_referral(category: str, in_litigation: bool, skipped_level: bool = False) -> bool:
    """Outside the four categories, or in litigation: not taken up here.

    The desk form, intake and the acceptance ask it: such a matter is recorded as not
    accepted, with a referral reason that tells the petitioner where to go. A matter that
    skipped a level may be either referred to the level below (with that reason) or taken up
    and assigned (交办) to the competent branch; it counts as 越级 either way.
    """
    return category == Category.NOT_ACCEPTED or bool(in_litigation)


def leader_of(user) -> Leader | None:
    """The leader a user signs in as, if they hold the leader role."""
    if not has_role(user, Role.LEADER):
        return None
    return getattr(user, "leader", None)


@tracked()
class ReferralReason(models.Model):
    """A standard reason for not taking a matter up, and where the petitioner should go."""

    class Destination(models.TextChoices):
        COURT = "court", _("Court, arbitration or administrative review")
        DEPARTMENT = "department", _("Competent department")
        LOWER_LEVEL = "lower_level", _("The level below first")
        OTHER = "other", _("Other")

    title = models.CharField(_("reason"), max_length=200, unique=True)
    destination = models.CharField(_("refer to"), max_length=20, choices=Destination.choices)
    notice_text = models.TextField(
        _("notice text"), help_text=_("Printed on the notice the petitioner receives.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("referral reason")
        verbose_name_plural = _("referral reasons")

    def __str__(self) -> str:
        return self.title


class CaseCounter(models.Model):
    """The last case number given out in a year (numbers are unique per year)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=CLOSED_STATES)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_date__lt=today)

    def due_soon(self, today: datetime.date, days: int):
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        )

    def for_unit(self, unit_ids):
        return self.filter(unit_id__in=unit_ids)

    def numbered(self, text: str):
        """The case with the number as typed (none if it cannot be read)."""
        year, sequence = parse_number(text) or (0, 0)
        return self.filter(year=year, sequence=sequence)

    def visible_to(self, user):
        """The cases a user may see at all (checked on the server for every view and export).

        The office and administrators see every case; a handling unit its own unit's cases; a
        leader those taken on their duty days or in their charge (包案). Accusations (检举控告类)
        are never shown to units or leaders: the accused must not learn who accused them.
        """
        if is_office(user):
            return self
        allowed = models.Q(pk__in=[])
        if has_role(user, Role.HANDLING_UNIT):
            ids = getattr(user, "unit_ids", None)  # loaded with the user (accounts.auth)
            allowed |= models.Q(unit__in=Unit.objects.filter(members=user) if ids is None else ids)
        leader = leader_of(user)
        if leader is not None:
            allowed |= models.Q(leader=leader) | models.Q(leader_in_charge=leader)
        return self.filter(allowed).exclude(classification=Classification.ACCUSATION)


def name_hash(name: str) -> str:
    """A name's exact-match hash to store (match with ``lookup_hashes(normalize_name(...))``)."""
    return lookup_hash(normalize_name(name))


# The register sorts by due date with undated cases last, and pages through this expression's
# index (petitions/paging.py builds the same expression).
NO_DUE_DATE = datetime.date(9999, 12, 31)
DUE_KEY = Coalesce("due_date", models.Value(NO_DUE_DATE))


@tracked()
class Case(models.Model):
    """One petition: a visit, letter, call or online message, from intake to closing."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    query_code = EncryptedTextField(_("query code"))
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))

    # Names are personal data: encrypted, found by an exact-match hash (set by save()).
    petitioner_name = EncryptedTextField(_("petitioner's name"), max_length=50)
    petitioner_name_hash = models.CharField(max_length=64, blank=True, db_index=True)
    petitioner_phone = EncryptedTextField(_("phone"), blank=True)
    petitioner_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    petitioner_id_number = EncryptedTextField(_("resident ID number"), blank=True)
    petitioner_id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    petitioner_address = EncryptedTextField(_("petitioner's address"), blank=True)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    representatives = EncryptedTextField(_("representatives"), max_length=200, blank=True)
    is_group = models.BooleanField(_("group petition"), default=False)

    district = models.CharField(_("district or county"), max_length=20, choices=District.choices)
    location = models.CharField(_("where the problem is"), max_length=200)
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("full text"))
    category = models.CharField(_("category"), max_length=2, choices=Category.choices)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    skipped_level = models.BooleanField(_("skipped the level below"), default=False)
    in_litigation = models.BooleanField(
        _("in court, arbitration or administrative review"), default=False
    )
    referral_reason = models.ForeignKey(
        ReferralReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("referral reason"),
    )
    referral_note = models.TextField(_("referral note"), blank=True)

    duty = models.ForeignKey(
        Duty,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("duty day"),
    )
    leader = models.ForeignKey(
        Leader,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("receiving leader"),
    )
    # A problem found on a leader's visit day that the office registered as this case.
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("problem found on the visit day"),
    )
    leader_in_charge = models.ForeignKey(
        Leader,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_in_charge",
        verbose_name=_("leader in charge (包案)"),
    )
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        verbose_name=_("repeats case"),
    )
    is_repeat = models.BooleanField(_("repeat petition"), default=False)
    # Pollution types and sub-types: petitions/matters.py (several per case, for the reports).
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("industry")
    )
    is_first_petition = models.BooleanField(_("first petition (初信初访)"), default=False)

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REGISTERED
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("handling unit"),
    )
    instructions = models.TextField(_("instructions"), blank=True)
    identity_released = models.BooleanField(_("identity released to the unit"), default=False)

    # Time limits: due dates are stored when each clock starts (intake.py, workflow.py).
    acceptance_due = models.DateField(_("acceptance notice due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extension_state = models.CharField(
        _("extension"), max_length=10, choices=ExtensionState.choices, blank=True
    )
    answer = models.TextField(_("answer"), blank=True)  # as approved and sent
    # The unit's draft lives apart from the answer: a returned draft never reaches the petitioner.
    answer_draft = models.TextField(_("answer draft"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    review_request_due = models.DateField(_("review may be requested until"), null=True, blank=True)
    # 0: first handling; 1: review (复查); 2: second review (复核), after which no more review.
    review_level = models.PositiveSmallIntegerField(_("review round"), default=0)
    satisfaction = models.CharField(
        _("petitioner's feedback"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Overlapping two-character pieces of title and text: a GIN index over them serves
    # two-character Chinese searches (噪音, 异味) that a trigram index cannot.
    search_bigrams = ArrayField(models.CharField(max_length=2), default=list, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="case_sequence_per_year"),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="case_received_idx"),
            models.Index(fields=["state", "-received_at", "-id"], name="case_state_idx"),
            models.Index(fields=["unit", "-received_at", "-id"], name="case_unit_idx"),
            models.Index(fields=["due_date"], name="case_due_idx"),
            GinIndex(fields=["search_bigrams"], name="case_bigrams_gin"),
            # Repeat detection: earlier cases at the same place (intake.related_cases).
            models.Index(fields=["district", "location"], name="case_place_idx"),
            # The register (petitions/register.py): each sort and common filter pages through
            # an index, so a page costs the same on the first page and 500,000 rows deep.
            models.Index(fields=["leader", "-received_at", "-id"], name="case_leader_idx"),
            models.Index(
                fields=["-received_at", "-id"],
                condition=~models.Q(state__in=list(CLOSED_STATES)),
                name="case_open_received_idx",
            ),
            models.Index(DUE_KEY, "id", name="case_due_key_idx"),
            models.Index("state", DUE_KEY, "id", name="case_state_due_idx"),
            models.Index(
                DUE_KEY,
                "id",
                condition=~models.Q(state__in=list(CLOSED_STATES)),
                include=["due_date"],  # counts by due date read the index alone
                name="case_open_due_idx",
            ),
            models.Index("id", condition=models.Q(extension_state="requested"), name="case_extreq"),
            # Worklists: a unit's open cases, a leader's in charge (包案), by due date; the state,
            # kind and due date along, so that their counts read the index alone.
            models.Index(
                "unit",
                DUE_KEY,
                "id",
                condition=~models.Q(state__in=list(CLOSED_STATES)),
                include=["state", "classification", "due_date"],
                name="case_unit_open_due_idx",
            ),
            models.Index(
                "leader_in_charge",
                DUE_KEY,
                "id",
                condition=models.Q(leader_in_charge__isnull=False)
                & ~models.Q(state__in=list(CLOSED_STATES)),
                include=["state", "classification", "due_date"],
                name="case_in_charge_open_due_idx",
            ),
            # The statistics' overdue cases per unit: an index-only range scan (stats_queries;
            # not on DUE_KEY: an index-only scan needs the plain column).
            models.Index(
                "due_date",
                "unit",
                condition=~models.Q(state__in=list(CLOSED_STATES)),
                name="case_open_due_unit_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        index_case(self)  # the bigrams follow the title and text on every save
        if "petitioner_name" not in self.get_deferred_fields():  # and the name's hash
            self.petitioner_name_hash = name_hash(self.petitioner_name)
        if (fields := kwargs.get("update_fields")) is not None:  # derived columns go along
            derived = {"title": "search_bigrams", "content": "search_bigrams"}
            derived["petitioner_name"] = "petitioner_name_hash"
            kwargs["update_fields"] = {*fields, *(derived[f] for f in fields if f in derived)}
        super().save(*args, **kwargs)

    def is_led_by(self, user) -> bool:
        """Whether ``user`` is the leader who received this case or the leader in charge."""
        leader = leader_of(user)
        return leader is not None and leader.pk in (self.leader_id, self.leader_in_charge_id)

    def needs_referral(self) -> bool:
        return needs_referral(self.category, self.in_litigation, self.skipped_level)

    def answer_due_at_acceptance(self) -> datetime.date | None:
        """The answer's due date as stored when the case was accepted (the acceptance notice
        gives it). The due date moves with an extension and is cleared by the answer, so it is
        read from the case's history: the first saved row with this acceptance and a due date.
        """
        if self.accepted_at is None:
            return None
        stored = self.events.filter(accepted_at=self.accepted_at).exclude(due_date=None)
        return stored.order_by("pgh_id").values_list("due_date", flat=True).first()

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if not self.due_date or self.state in CLOSED_STATES:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

    def due_status(self, today: datetime.date | None = None) -> str:
        """'overdue', 'due_soon' (within DUE_SOON_DAYS) or '': lists make those stand out."""
        left = self.days_left(today)
        if left is None:
            return ""
        if left < 0:
            return "overdue"
        if left <= settings.DUE_SOON_DAYS:
            return "due_soon"
        return ""


class CaseLog(models.Model):
    """What happened to a case: each transition, progress note and leader's instruction."""

    class Action(models.TextChoices):
        TRANSITION = "transition", _("State change")
        NOTE = "note", _("Progress note")
        SUPERVISION = "supervision", _("Leader's supervision instruction")
        EXTENSION = "extension", _("Extension")
        RELEASE = "release", _("Identity released")
        FEEDBACK = "feedback", _("Feedback recorded by the office")
        RATING = "rating", _("The petitioner's own rating")
        FORWARDING = "forwarding", _("Forwarded to the higher body")
        SUPERVISION_REPLY = "supervision_reply", _("The unit's reply to a supervision")
        CHARGE = "leader_in_charge", _("Leader in charge (包案)")
        FIRST_PETITION = "first_petition", _("First petition (初信初访) corrected")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="logs")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="case_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class AccessLog(models.Model):
    """Every reveal, export or print of a petitioner's unmasked data (append-only)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Reveal")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Print")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.case_id} {self.at:%Y-%m-%d %H:%M}"


from petitions.casework_models import Supervision  # noqa: E402, F401  (督办: loaded with these)
from petitions.models_appointments import Appointment  # noqa: E402, F401  (预约接访)
from petitions.stats_models import StatBreakdown, StatDay, StatMarks, StatSettings  # noqa: E402, F401

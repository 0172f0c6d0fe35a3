"""The bureau's organisation and the leaders' reception and visit rosters."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.history import tracked


class District(models.TextChoices):
    """The city's county-level divisions (domain.md)."""

    SHUANGTA = "shuangta", _("Shuangta District")
    LONGCHENG = "longcheng", _("Longcheng District")
    BEIPIAO = "beipiao", _("Beipiao City")
    LINGYUAN = "lingyuan", _("Lingyuan City")
    CHAOYANG_COUNTY = "chaoyang_county", _("Chaoyang County")
    JIANPING = "jianping", _("Jianping County")
    KAZUO = "kazuo", _("Harqin Left Wing Mongol Autonomous County")


@tracked()
class Unit(models.Model):
    """A part of the bureau that handles cases or accompanies visits."""

    class Kind(models.TextChoices):
        BRANCH_OFFICE = "branch_office", _("Branch office")
        SECTION = "section", _("Section")
        ENFORCEMENT_TEAM = "enforcement_team", _("Enforcement team")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("members")
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class LeaderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


@tracked()
class Leader(models.Model):
    """A member of the bureau's leadership who takes reception and visit days."""

    name = models.CharField(_("full name"), max_length=50)
    position = models.CharField(_("position"), max_length=50)
    sections = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="supervising_leaders",
        limit_choices_to={"kind": Unit.Kind.SECTION},
        verbose_name=_("supervised sections"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leader",
        verbose_name=_("user account"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    rotation_order = models.PositiveSmallIntegerField(_("rotation order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = LeaderQuerySet.as_manager()

    class Meta:
        ordering = ["rotation_order", "name"]
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"

    def reminder_email(self) -> str:
        return self.email or (self.user.email if self.user else "")

    def is_absent_on(self, day: datetime.date) -> bool:
        return self.absences.filter(start__lte=day, end__gte=day).exists()


@tracked()
class ContactPerson(models.Model):
    """A petition-section staff member paired with the leader on a duty day."""

    name = models.CharField(_("full name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_person",
        verbose_name=_("user account"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    rotation_order = models.PositiveSmallIntegerField(_("rotation order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = LeaderQuerySet.as_manager()

    class Meta:
        ordering = ["rotation_order", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def reminder_email(self) -> str:
        return self.email or (self.user.email if self.user else "")


@tracked()
class Place(models.Model):
    """Where leaders receive petitioners (the petition room of the enforcement team)."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    is_default = models.BooleanField(_("default place"), default=False)
    # Reception hours: with both set, the public page shows them and calendar events are timed.
    opens_at = models.TimeField(_("reception starts at"), null=True, blank=True)
    closes_at = models.TimeField(_("reception ends at"), null=True, blank=True)
    map_url = models.URLField(
        _("map link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web map page showing the place (https://...), shown on the public page."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_place"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="place_hours_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_hours(self) -> bool:
        return self.opens_at is not None and self.closes_at is not None


class DutyQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def published(self):
        return self.filter(state=Duty.State.PUBLISHED)

    def drafts(self):
        return self.filter(state=Duty.State.DRAFT)

    def current(self):
        """Duties that stand: drafts and published ones, not cancelled."""
        return self.exclude(state=Duty.State.CANCELLED)

    def upcoming(self, today: datetime.date):
        return self.current().filter(date__gte=today).order_by("date", "kind")

    def with_people(self):
        return self.select_related("leader", "contact", "place").prefetch_related("sections")

    def seen_by_public(self):
        """Published duties, and cancelled ones that had been published (shown as cancelled)."""
        return self.filter(
            Q(state=Duty.State.PUBLISHED)
            | Q(state=Duty.State.CANCELLED, published_at__isnull=False)
        )

    def held_by(self, person, today: datetime.date, days: int = 366):
        """The published days of the past ``days`` a leader or contact person held (newest
        first), with their records."""
        if person is None:
            return self.none()
        field = "leader" if isinstance(person, Leader) else "contact"
        return (
            self.published()
            .filter(**{field: person}, date__lt=today)
            .filter(date__gte=today - datetime.timedelta(days=days))
            .select_related("leader", "contact", "record")
            .order_by("-date", "kind")
        )


@tracked()
class Duty(models.Model):
    """One leader's reception day or visit day in one month."""

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("Reception day")
        VISIT = "visit", _("Visit day")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), choices=[(m, m) for m in range(1, 13)])
    date = models.DateField(_("date"))
    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="duties", verbose_name=_("leader")
    )
    contact = models.ForeignKey(
        ContactPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duties",
        verbose_name=_("contact person"),
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duties",
        verbose_name=_("place"),
    )
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    sections = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="visit_duties",
        verbose_name=_("accompanying sections"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    changed_after_publication_at = models.DateTimeField(
        _("changed after publication at"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    kept = models.BooleanField(
        _("date kept on purpose"),
        default=False,
        help_text=_(
            "The date departs from the rule by the leaders' choice: it is not listed among "
            "the duties to move to the rule's date."
        ),
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacement",
        verbose_name=_("replaces the cancelled duty"),
    )

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["year", "month", "kind"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "month"],
                condition=~Q(state="cancelled"),
                name="one_standing_duty_per_kind_and_month",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="duty_month_in_range"
            ),
        ]
        indexes = [models.Index(fields=["date"]), models.Index(fields=["state", "year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d} {self.leader.name}"

    def get_absolute_url(self) -> str:
        return reverse("schedules:year", args=[self.year]) + f"#duty-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    def replacement_or_none(self) -> Duty | None:
        """The duty published in place of this cancelled one, if there is one."""
        try:
            return self.replacement
        except Duty.DoesNotExist:
            return None

    def is_past(self, today: datetime.date | None = None) -> bool:
        return self.date < (today or timezone.localdate())


@tracked()
class RotationOrder(models.Model):
    """The order in which leaders and contact persons take their turns on one roster,
    remembered from one generation to the next (the keys of ``Leader`` and ``ContactPerson``
    records, in turn order; people who left are skipped when the order is read)."""

    kind = models.CharField(_("roster"), max_length=10, choices=Duty.Kind.choices, unique=True)
    leaders = ArrayField(models.PositiveIntegerField(), default=list, verbose_name=_("leaders"))
    contacts = ArrayField(
        models.PositiveIntegerField(), default=list, verbose_name=_("contact persons")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("rotation order")
        verbose_name_plural = _("rotation orders")

    def __str__(self) -> str:
        return str(Duty.Kind(self.kind).label)


@tracked()
class Absence(models.Model):
    """A leader away (travel, leave): a duty in that range needs a swap."""

    class Kind(models.TextChoices):
        TRAVEL = "travel", _("Business travel")
        LEAVE = "leave", _("Leave")
        OTHER = "other", _("Other")

    leader = models.ForeignKey(
        Leader, on_delete=models.CASCADE, related_name="absences", verbose_name=_("leader")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader.name} {self.start}–{self.end}"


@tracked()
class CalendarCorrection(models.Model):
    """An administrator's override of the official calendar for one date."""

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")

    def __str__(self) -> str:
        return f"{self.day}: {self.note}"


@tracked()
class ConfirmedYear(models.Model):
    """A year whose official holiday arrangement an administrator has entered in full."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("confirmed year")
        verbose_name_plural = _("confirmed years")

    def __str__(self) -> str:
        return str(self.year)


@tracked()
class SiteSettings(models.Model):
    """Settings administrators change in the app (one row)."""

    makeup_days_carry_duty = models.BooleanField(
        _("weekend make-up working days may carry a duty"),
        default=False,
        help_text=_(
            "The 2024 plan moved its October reception from Saturday 12 October, "
            "a make-up working day, to Monday 14 October."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Notification(models.Model):
    """A message to the leading group's office about a roster change (stored, and queued as
    an e-mail)."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    recipient = models.EmailField(_("sent to"), blank=True)
    duties = models.ManyToManyField(Duty, blank=True, related_name="notifications")
    # The mail in the outbox, with its real state (none before the outbox, or without address).
    message = models.OneToOneField(
        "accounts.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject


# The day records' models live in their own module; imported here, they belong to this app.
from schedules.appointment_models import AppointmentDay  # noqa: E402, F401
from schedules.day_models import DayRecord, Finding, FollowUp  # noqa: E402, F401

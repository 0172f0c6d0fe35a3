"""The two rotations (leaders, contact persons) and the year's draft rosters drawn from them.

The plan gives each roster a fixed turn order (attachments 1 and 2). The order is remembered per
roster (``RotationOrder``) each time a roster is generated, and a new year continues both
rotations where the last published duty of the year before left off: December 2026 was
王晓东 with 李明姬, so January 2027 starts with the next in turn, 孙守堂 with 王贤熙.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schedules import services
from schedules.models import ContactPerson, Duty, Leader, Place, RotationOrder

KINDS = (Duty.Kind.RECEPTION, Duty.Kind.VISIT)


@dataclass(frozen=True)
class GenerationResult:
    created: int
    updated: int
    kept: int


@dataclass(frozen=True)
class Continuation:
    """Where a roster's rotations resume: the turn after the last published duty of the year
    before (``after``), as positions in the given orders; 0 when there is none."""

    leader_start: int
    contact_start: int
    after: Duty | None = None

    def leader(self, leaders: Sequence[Leader]) -> Leader | None:
        return leaders[self.leader_start] if leaders else None

    def contact(self, contacts: Sequence[ContactPerson]) -> ContactPerson | None:
        return contacts[self.contact_start] if contacts else None


# --- The remembered order ---------------------------------------------------------------------


def _in_order(model, keys: Iterable[int]) -> list:
    """The active records with these keys, in the keys' order (missing or inactive skipped)."""
    keys = list(keys)
    found = {obj.pk: obj for obj in model.objects.active().filter(pk__in=keys)}
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def remembered_order(kind: str) -> tuple[list[Leader], list[ContactPerson]]:
    """The roster's remembered turn order; before the first generation, every active leader
    and contact person in their rotation order."""
    order = RotationOrder.objects.filter(kind=kind).first()
    if order is None:
        return list(Leader.objects.active()), list(ContactPerson.objects.active())
    return _in_order(Leader, order.leaders), _in_order(ContactPerson, order.contacts)


def remember_order(
    kind: str, leaders: Sequence[Leader], contacts: Sequence[ContactPerson]
) -> RotationOrder:
    """Keep the turn order for the roster's next generation (inside the caller's transaction)."""
    order, _created = RotationOrder.objects.update_or_create(
        kind=kind,
        defaults={"leaders": [p.pk for p in leaders], "contacts": [p.pk for p in contacts]},
    )
    return order


# --- Continuing from the year before ----------------------------------------------------------


def last_published(year: int, kind: str) -> Duty | None:
    """The roster's last published duty of ``year``."""
    return (
        Duty.objects.published()
        .of_year(year)
        .filter(kind=kind)
        .select_related("leader", "contact")
        .order_by("-date", "-month")
        .first()
    )


def _after(people: Sequence, person_pk: int | None) -> int:
    """The position after ``person_pk`` in ``people`` (0 when they are not in it)."""
    keys = [p.pk for p in people]
    if person_pk not in keys:
        return 0
    return (keys.index(person_pk) + 1) % len(keys)


def continuation(
    year: int, kind: str, leaders: Sequence[Leader], contacts: Sequence[ContactPerson]
) -> Continuation:
    """Where the roster of ``year`` starts if it continues the year before's rotations."""
    last = last_published(year - 1, kind)
    if last is None:
        return Continuation(0, 0)
    return Continuation(_after(leaders, last.leader_id), _after(contacts, last.contact_id), last)


# --- Generating -------------------------------------------------------------------------------


def generate_year(
    year: int,
    leaders: Sequence[Leader],
    contacts: Sequence[ContactPerson],
    *,
    leader_start: int | None = 0,
    contact_start: int | None = 0,
    place: Place | None = None,
    by=None,
    kinds: Sequence[str] = KINDS,
    remember: bool = False,
) -> GenerationResult:
    """Draft a year's reception and visit rosters from the two rotations, as the plan does.

    Month m gets leader ``leaders[(leader_start + m - 1) % n]`` on the roster's day. A start of
    ``None`` continues the rotation from the roster's last published duty of the year before.
    ``remember`` keeps the order for the next generation of each roster. Published and
    cancelled duties are never touched: regeneration rewrites drafts only.
    """
    if not leaders:
        raise ValidationError(_("Choose at least one leader for the rotation."), code="no_leaders")
    unknown = set(kinds) - set(KINDS)
    if not kinds or unknown:
        raise ValidationError(_("Choose the roster to generate."), code="no_roster")
    place = place or Place.objects.filter(is_default=True).first()
    dates = services.rule_dates(year)
    totals = [0, 0, 0]
    with transaction.atomic(), services.recorded(by, reason=f"generate {year}"):
        existing = {
            (d.kind, d.month): d for d in Duty.objects.select_for_update().of_year(year).current()
        }
        for kind in kinds:
            resume = continuation(year, kind, leaders, contacts)
            starts = (
                resume.leader_start if leader_start is None else leader_start,
                resume.contact_start if contact_start is None else contact_start,
            )
            counts = _draft_roster(
                year, kind, dates[kind], existing, (leaders, contacts), starts, place
            )
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            if remember:
                remember_order(kind, leaders, contacts)
    return GenerationResult(*totals)


def _draft_roster(year, kind, dates, existing, people, starts, place) -> list[int]:
    """Create or rewrite one roster's draft duties; returns [created, updated, kept]."""
    leaders, contacts = people
    leader_start, contact_start = starts
    counts = [0, 0, 0]
    for dd in dates:
        month = dd.nominal.month
        values = {
            "date": dd.date,
            "leader": leaders[(leader_start + month - 1) % len(leaders)],
            "contact": (
                contacts[(contact_start + month - 1) % len(contacts)] if contacts else None
            ),
            "place": place if kind == Duty.Kind.RECEPTION else None,
        }
        duty = existing.get((kind, month))
        if duty is None:
            Duty.objects.create(kind=kind, year=year, month=month, **values)
            counts[0] += 1
        elif duty.is_draft:
            for field, value in values.items():
                setattr(duty, field, value)
            duty.version += 1
            duty.save()
            counts[1] += 1
        else:
            counts[2] += 1
    return counts

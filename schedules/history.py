"""The roster's change history as sentences people read, from the events django-pghistory's
triggers recorded (see ``accounts.history.tracked``): "2027-04-12 接访日 由 王晓东 改为 孙守堂
（原因：出差）", in the interface language and local time, names instead of keys, technical
fields (versions, stamps, keys) left out. Filterable by year, duty and person; paginated.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pghistory.models
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from schedules.history_sentences import Names, sentences_of
from schedules.models import ContactPerson, Duty, Leader

ROSTER_EVENT_MODELS = (
    "schedules.DutyEvent",
    "schedules.AbsenceEvent",
    "schedules.CalendarCorrectionEvent",
    "schedules.ConfirmedYearEvent",
    "schedules.SiteSettingsEvent",
    "schedules.LeaderEvent",
    "schedules.ContactPersonEvent",
    "schedules.PlaceEvent",
    "schedules.RotationOrderEvent",
    "schedules.DayRecordEvent",
    "schedules.FollowUpEvent",
)
HIDDEN_FIELDS = {"version", "updated_at", "id"}
PER_PAGE = 50

# Reasons the code records for its own steps: said in words, or not at all.
GENERATED = re.compile(r"^generate (\d{4})$")
QUIET_REASONS = {"publish", "place", "record", "follow-up"}


@dataclass(frozen=True)
class Entry:
    """One change as a page shows it."""

    at: datetime.datetime
    who: str
    text: str
    duty_pk: int | None = None


@dataclass(frozen=True)
class HistoryFilter:
    """What the reader asked for; anything unreadable is ignored rather than refused."""

    year: int | None = None
    duty: int | None = None
    person: str = ""  # "leader-<pk>" or "contact-<pk>"

    @classmethod
    def from_query(cls, query) -> HistoryFilter:
        def number(name: str) -> int | None:
            raw = query.get(name, "")
            return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else None

        person = query.get("person", "")
        if not re.fullmatch(r"(leader|contact)-\d{1,9}", person):
            person = ""
        return cls(year=number("year"), duty=number("duty"), person=person)

    def q(self) -> Q:
        q = Q()
        if self.year is not None:
            q &= _year_q(self.year)
        if self.duty is not None:
            q &= _duty_q(self.duty)
        if self.person:
            q &= _person_q(*self.person.split("-"))
        return q


def _year_q(year: int) -> Q:
    """Changes that concern the year: its duties, absences, calendar and records; changes to
    people, places and settings are placed by when they were made."""
    prefix = f"{year}-"
    day_records = Q(
        pgh_obj_model="schedules.DayRecord",
        pgh_data__duty_id__in=list(Duty.objects.of_year(year).values_list("pk", flat=True)),
    )
    timeless = (
        "schedules.Leader",
        "schedules.ContactPerson",
        "schedules.Place",
        "schedules.SiteSettings",
        "schedules.RotationOrder",
        "schedules.FollowUp",
    )
    return (
        Q(pgh_obj_model__in=["schedules.Duty", "schedules.ConfirmedYear"], pgh_data__year=year)
        | Q(pgh_obj_model="schedules.Absence", pgh_data__start__startswith=prefix)
        | Q(pgh_obj_model="schedules.Absence", pgh_data__end__startswith=prefix)
        | Q(pgh_obj_model="schedules.CalendarCorrection", pgh_data__day__startswith=prefix)
        | day_records
        | Q(pgh_obj_model__in=timeless, pgh_created_at__year=year)
    )


def _duty_q(pk: int) -> Q:
    return Q(pgh_obj_model="schedules.Duty", pgh_obj_id=str(pk)) | Q(
        pgh_obj_model="schedules.DayRecord", pgh_data__duty_id=pk
    )


def _person_q(kind: str, pk: str) -> Q:
    key = "leader_id" if kind == "leader" else "contact_id"
    own = "schedules.Leader" if kind == "leader" else "schedules.ContactPerson"
    q = Q(pgh_obj_model="schedules.Duty") & (
        Q(**{f"pgh_data__{key}": int(pk)}) | Q(**{f"pgh_diff__{key}__0": int(pk)})
    )
    q |= Q(pgh_obj_model=own, pgh_obj_id=pk)
    if kind == "leader":
        q |= Q(pgh_obj_model="schedules.Absence", pgh_data__leader_id=int(pk))
    return q


def events(chosen: HistoryFilter):
    """The recorded events the filter selects, newest first."""
    return (
        pghistory.models.Events.objects.across(*ROSTER_EVENT_MODELS)
        .filter(chosen.q())
        .order_by("-pgh_created_at", "-pgh_id")
    )


def _reason(context: dict) -> str:
    reason = str(context.get("reason", "") or "").strip()
    generated = GENERATED.match(reason)
    if generated:
        return _("generated for %(year)s") % {"year": generated.group(1)}
    if reason == "demo data":
        return _("demo data")
    return "" if reason in QUIET_REASONS else reason


def entries(page_events) -> list[Entry]:
    """The events as sentences, with who made each change and why."""
    page_events = list(page_events)
    names = Names.for_events(page_events)
    users = _users(page_events)
    rows = []
    for event in page_events:
        context = event.pgh_context or {}
        text = _("; ").join(sentences_of(event, names))
        if not text:
            continue
        reason = _reason(context)
        if reason:
            text = _("%(text)s (reason: %(reason)s)") % {"text": text, "reason": reason}
        rows.append(
            Entry(
                at=timezone.localtime(event.pgh_created_at),
                who=users.get(context.get("user"), "") or _("the system"),
                text=text,
                duty_pk=int(event.pgh_obj_id) if event.pgh_obj_model == "schedules.Duty" else None,
            )
        )
    return rows


def _users(page_events) -> dict:
    ids = {(e.pgh_context or {}).get("user") for e in page_events}
    ids = [i for i in ids if isinstance(i, int)]
    return {
        u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=ids)
    }


def history_page(chosen: HistoryFilter, number) -> tuple[Page, list[Entry]]:
    """One page of the history, as sentences."""
    page = Paginator(events(chosen), PER_PAGE).get_page(number)
    return page, entries(page.object_list)


def filter_choices(chosen: HistoryFilter) -> dict:
    """What the filter form offers: years with duties, the chosen year's duties, people."""
    years = sorted(
        set(Duty.objects.values_list("year", flat=True).distinct()) | {timezone.localdate().year},
        reverse=True,
    )
    duties = (
        Duty.objects.of_year(chosen.year).select_related("leader").order_by("date", "kind")
        if chosen.year
        else Duty.objects.none()
    )
    people = [(f"leader-{p.pk}", p.name) for p in Leader.objects.all()]
    people += [(f"contact-{p.pk}", p.name) for p in ContactPerson.objects.all()]
    return {"years": years, "duties": duties, "people": people}


# --- The raw rows (tests and troubleshooting) --------------------------------------------------


def duty_history(limit: int = 300, model_events=ROSTER_EVENT_MODELS) -> list[dict]:
    """The newest roster changes as recorded: model, label, user, reason, field changes."""
    found = list(
        pghistory.models.Events.objects.across(*model_events).order_by("-pgh_created_at")[:limit]
    )
    users = _users(found)
    rows = []
    for event in found:
        context = event.pgh_context or {}
        if event.pgh_diff:
            changes = [
                (name.removesuffix("_id"), old, new)
                for name, (old, new) in event.pgh_diff.items()
                if name not in HIDDEN_FIELDS
            ]
        else:
            changes = [
                (name.removesuffix("_id"), None, value)
                for name, value in (event.pgh_data or {}).items()
                if name not in HIDDEN_FIELDS and value not in (None, "")
            ]
        rows.append(
            {
                "at": event.pgh_created_at,
                "model": event.pgh_obj_model.split(".")[-1],
                "object_id": event.pgh_obj_id,
                "label": event.pgh_label,
                "user": users.get(context.get("user"), ""),
                "reason": context.get("reason", ""),
                "changes": changes,
            }
        )
    return rows

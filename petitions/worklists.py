"""Worklists: what waits for each signed-in person, so that everybody starts on it.

After sign-in every role lands on its worklist (``/work/``, ``views/worklists.py``):

* the petition office: cases to accept (with the days left of the acceptance notice), to
  assign, answers to approve, deliveries to record, extension requests, everything due within
  DUE_SOON_DAYS or overdue, and the supervision replies still owed;
* a handling unit: its open cases by due date, and the replies it owes to supervisions (督办);
* a leader: the cases in their charge (包案) with the step each waits for, their supervision
  instructions (late replies flagged) and their next duty day;
* an administrator: extension requests to decide, and the messages that could not be sent.

A user with several roles sees the sections of each. Which records a section holds is a
QuerySet method (``casework_models.WorkCaseQuerySet``, ``SupervisionQuerySet``); this module
puts them together. The rows of all the case sections come in one query (a ``UNION ALL`` of
each section's first ``SECTION_ROWS``), the supervisions in another, every total (up to
``COUNT_CAP``) in a third, so a worklist costs the same however many cases wait. The counts in
the navigation bar (:func:`nav_counts`) come from that third query, kept in each process's
memory per user until any case or instruction changes (a ``SharedStamp``: no cache round trip
on most pages); other pages make them in one query when the process has none. The SQL of
those queries is compiled once per person and day (``worklist_queries``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Message
from accounts.roles import Role, roles_of
from accounts.stamps import SharedStamp
from petitions.casework_models import Supervision, WorkCaseQuerySet, work_cases
from petitions.models import DUE_KEY, Case, State, leader_of
from petitions.register import ListedCase, start_of
from petitions.worklist_queries import count_each as counts_of
from petitions.worklist_queries import first_rows, viewer_key
from schedules.models import Duty, Leader

SECTION_ROWS = 50  # the rest of a section is counted, and found in the register

CASES, SUPERVISIONS, MESSAGES = "cases", "supervisions", "messages"

# The columns a case row shows (``work_tags``): no petitioner, no text; no more (each join
# and column costs on every worklist).
CASE_FIELDS = (
    "id",
    "number",
    "title",
    "state",
    "is_repeat",
    "is_group",
    "is_first_petition",
    "acceptance_due",
    "due_date",
    "extension_days",
    "unit__name",
    "leader_in_charge__name",
)
SUPERVISION_FIELDS = (
    "id",
    "case_id",
    "case__number",
    "case__title",
    "case__state",
    "case__unit__name",
    "leader__name",
    "instruction",
    "reply_due",
    "issued_at",
    "replied_at",
)

# The step a case waits for, and whose it is: what a leader in charge follows.
NEXT_STEP = {
    State.REGISTERED: _("The office accepts or refuses it"),
    State.ACCEPTED: _("The office assigns it to a unit"),
    State.ASSIGNED: _("The unit starts handling it"),
    State.IN_PROGRESS: _("The unit drafts the answer"),
    State.ANSWER_DRAFTED: _("The office approves the answer"),
    State.ANSWERED: _("The office records the feedback and closes it"),
    State.REVIEW: _("The unit drafts the review answer"),
    State.SECOND_REVIEW: _("The unit drafts the second review answer"),
}


@dataclass
class Section:
    """One list on a worklist: its records (the first ``SECTION_ROWS``) and how many in all."""

    key: str
    title: Promise
    kind: str  # CASES, SUPERVISIONS or MESSAGES
    query: QuerySet | None = None  # ordered; None for a section filled by a hook
    note: Promise | str = ""
    register_query: str = ""  # the register's filter that lists all of them
    in_nav: bool = True  # counted in the navigation bar's "waiting"
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)

    @property
    def total_label(self) -> str:
        return count_label(self.total)

    @property
    def more_label(self) -> str:
        return f"{self.more}+" if self.total >= COUNT_CAP else str(self.more)


@dataclass
class Worklist:
    sections: list[Section]
    leader: Leader | None = None
    next_duty: Duty | None = None
    roles: set[str] = field(default_factory=set)


def _cases(key: str, title, query: QuerySet, *ordering, **extra: Any) -> Section:
    return Section(key, title, CASES, query.order_by(*ordering), **extra)


def _due_order() -> tuple:
    return (DUE_KEY.asc(), "id")


# --- The sections of each role ----------------------------------------------------------------


def office_sections(user, today: datetime.date) -> list[Section]:
    cases: WorkCaseQuerySet = work_cases(user)
    soon = today + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    return [
        _cases(
            "to_accept",
            _("Cases to accept"),
            cases.to_accept(),  # while registered, the due date is the acceptance notice's
            *_due_order(),
            register_query="state=registered",
            note=_("The petitioner is told in writing within %(days)d days of receipt.")
            % {"days": settings.ACCEPTANCE_DAYS},
        ),
        _cases(
            "to_assign",
            _("Accepted cases to assign"),
            cases.to_assign(),
            *_due_order(),
            register_query="state=accepted",
        ),
        _cases(
            "to_approve",
            _("Answers to approve"),
            cases.answers_to_approve(),
            *_due_order(),
            register_query="state=answer_drafted",
        ),
        _cases(
            "to_deliver",
            _("Answers approved, not yet delivered"),
            cases.deliveries_to_record(),
            *_due_order(),
            register_query="state=approved",
        ),
        _cases(
            "extension_requests",
            _("Extension requests"),
            cases.extension_requested(),
            *_due_order(),
            note=_("An administrator decides; the unit waits for the answer."),
            in_nav=False,
        ),
        _cases(
            "due_soon",
            _("Due within %(days)d days or overdue") % {"days": settings.DUE_SOON_DAYS},
            cases.due_by(soon),
            *_due_order(),
            in_nav=False,
        ),
        Section(
            "supervisions_waiting",
            _("Supervision replies still owed (督办)"),
            SUPERVISIONS,
            Supervision.objects.visible_to(user).awaiting_reply().order_by("reply_due", "id"),
            note=_("Those on a case not yet assigned wait for the office to assign it."),
            in_nav=False,
        ),
    ]


def unit_sections(user, today: datetime.date) -> list[Section]:
    return [
        _cases(
            "unit_cases",
            _("Our cases, by due date"),
            work_cases(user).of_units_of(user).with_the_unit(),
            *_due_order(),
        ),
        Section(
            "replies_owed",
            _("Replies we owe to supervision instructions (督办)"),
            SUPERVISIONS,
            Supervision.objects.owed_by(user).order_by("reply_due", "id"),
        ),
    ]


def leader_sections(user, today: datetime.date, leader: Leader | None) -> list[Section]:
    recently = start_of(today - datetime.timedelta(days=settings.DUE_SOON_DAYS))
    mine = Supervision.objects.visible_to(user).issued_by(leader)
    return [
        _cases(
            "in_charge",
            _("Cases in my charge (包案)"),
            work_cases(user).in_charge_of(leader).open(),
            *_due_order(),
            register_query=f"in_charge={leader.pk}" if leader else "",
        ),
        Section(
            "my_supervisions",
            _("My supervision instructions (督办)"),
            SUPERVISIONS,
            mine.awaiting_or_replied_since(recently).order_by("-replied_at", "reply_due", "id"),
            note=_("Waiting replies first, late ones marked; replies of the last %(days)d days.")
            % {"days": settings.DUE_SOON_DAYS},
            in_nav=False,
        ),
    ]


def administrator_sections(user, today: datetime.date) -> list[Section]:
    return [
        _cases(
            "extension_approvals",
            _("Extensions to decide"),
            work_cases(user).extension_requested(),
            *_due_order(),
        ),
        Section(
            "failed_messages", _("Messages that could not be sent"), MESSAGES, failed_messages()
        ),
    ]


def failed_messages() -> QuerySet | None:
    """The outgoing messages that could not be sent, newest first, for the administrators: the
    worklist lists the first ``SECTION_ROWS`` and counts them all, in the navigation bar too
    (``accounts.models.Message``; an administrator sends one again from the outgoing mail page).
    """
    return Message.objects.filter(state=Message.State.FAILED).order_by("-created_at", "-pk")


def sections_for(user, today: datetime.date) -> tuple[list[Section], Leader | None]:
    """Each of the user's roles' sections, office first; and the leader they sign in as."""
    roles = roles_of(user)
    sections: list[Section] = []
    if Role.PETITION_OFFICE in roles:
        sections += office_sections(user, today)
    if Role.ADMINISTRATOR in roles:
        sections += administrator_sections(user, today)
    if Role.HANDLING_UNIT in roles:
        sections += unit_sections(user, today)
    leader = leader_of(user)
    if Role.LEADER in roles:
        sections += leader_sections(user, today, leader)
    return sections, leader


# --- Filling them -----------------------------------------------------------------------------


def worklist_for(user, today: datetime.date) -> Worklist | None:
    """Everything waiting for ``user`` (None for someone without a role that has a worklist)."""
    sections, leader = sections_for(user, today)
    if not sections:
        return None
    key = viewer_key(user, today, leader)
    _fill(sections, CASES, CASE_FIELDS, ListedCase.from_values, key)
    _fill(sections, SUPERVISIONS, SUPERVISION_FIELDS, SupervisionRow.from_values, key)
    counts = _count(user, today, sections, leader, key)
    for section in sections:
        section.total = counts.get(section.key, 0)
        if section.kind == MESSAGES and section.query is not None:
            section.rows = list(section.query[:SECTION_ROWS])
        if section.kind == CASES:
            for row in section.rows:
                _describe(row, today)
    next_duty = None
    if leader is not None and Role.LEADER in roles_of(user):
        next_duty = (
            Duty.objects.published()
            .filter(leader=leader, date__gte=today)
            .select_related("place")
            .order_by("date", "kind")
            .first()
        )
    return Worklist(sections, leader, next_duty, roles_of(user))


def _describe(row: ListedCase, today: datetime.date) -> None:
    """What a case row says beyond its columns: its state, the step it waits for, the days
    left of the acceptance notice."""
    row.state_label = State(row.state).label
    row.next_step = NEXT_STEP.get(row.state, "")
    left = (row.acceptance_due - today).days if row.acceptance_due else None
    row.acceptance_left = left
    row.acceptance_late = -left if left is not None and left < 0 else 0


class SupervisionRow(ListedCase):
    """A supervision instruction as a worklist row: plain values, the model's rules."""

    days_left = Supervision.days_left
    is_overdue = Supervision.is_overdue
    is_answered = Supervision.is_answered


def _fill(sections: list[Section], kind: str, fields: Iterable[str], wrap, key=None) -> None:
    """Fill the sections of one kind from one query: each section's first rows, in its order
    (``worklist_queries.first_rows``, its SQL kept under ``key``)."""
    group = [s for s in sections if s.kind == kind and s.query is not None]
    group = [s for s in group if not s.query.query.is_empty()]
    if not group:
        return
    found = first_rows({s.key: s.query for s in group}, fields, SECTION_ROWS, key)
    for section in group:
        section.rows = [wrap(values) for values in found[section.key]]


# --- The counts ----------------------------------------------------------------------------

# Each count stops here ("1000+"): a list that long is read in the register, not counted on
# every page, and the count costs the same however far the backlog has grown.
COUNT_CAP = 1000


def count_label(count: int) -> str:
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)


def _overdue_queries(user, today: datetime.date, leader: Leader | None) -> dict[str, QuerySet]:
    """What is late, per role: the red count in the navigation bar."""
    roles = roles_of(user)
    late: dict[str, QuerySet] = {}
    by_due = _due_order()
    if Role.PETITION_OFFICE in roles:
        late["office_overdue"] = work_cases(user).late(today).order_by(*by_due)
    if Role.HANDLING_UNIT in roles:
        late["unit_overdue"] = work_cases(user).of_units_of(user).late(today).order_by(*by_due)
        late["unit_replies_late"] = Supervision.objects.owed_by(user).filter(reply_due__lt=today)
    if Role.LEADER in roles:
        late["leader_replies_late"] = (
            Supervision.objects.visible_to(user).issued_by(leader).overdue(today)
        )
        late["in_charge_overdue"] = (
            work_cases(user).in_charge_of(leader).late(today).order_by(*by_due)
        )
    return late


def count_each(queries: dict[str, QuerySet], key=None) -> dict[str, int]:
    """Count several querysets (each up to ``COUNT_CAP``) in one query (its SQL kept under
    ``key``): ``worklist_queries.count_each``."""
    return counts_of(queries, COUNT_CAP, key)


def _count(user, today: datetime.date, sections: list[Section], leader, key) -> dict[str, int]:
    """Every section's total and what is late, in one query; the navigation bar's counts,
    made from them, are kept for the pages that follow."""
    listed = {s.key: s.query for s in sections if s.query is not None}
    late = _overdue_queries(user, today, leader)
    counts = count_each({**listed, **late}, key)
    in_nav = [s.key for s in sections if s.in_nav and s.query is not None]
    caches["local"].set(_counts_key(user, today), _nav(counts, in_nav, late), NAV_CACHE_SECONDS)
    return counts


def _nav(counts: dict[str, int], in_nav: Iterable[str], late: Iterable[str]) -> dict:
    """The two numbers of the navigation bar, "+" when one of their parts reached the cap."""
    nav = {}
    for name, keys in (("waiting", list(in_nav)), ("overdue", list(late))):
        total = sum(counts[key] for key in keys)
        capped = any(counts[key] >= COUNT_CAP for key in keys)
        nav[name] = total
        nav[f"{name}_label"] = f"{total}+" if capped else str(total)
    return nav


def compute_nav_counts(user, today: datetime.date) -> dict:
    """``waiting``: the records of the user's worklist sections that count; ``overdue``: what
    is late among them (with their labels, "1000+" past the cap). One query."""
    sections, leader = sections_for(user, today)
    in_nav = {s.key: s.query for s in sections if s.in_nav and s.query is not None}
    late = _overdue_queries(user, today, leader)
    return _nav(count_each({**in_nav, **late}, viewer_key(user, today, leader)), in_nav, late)


NAV_CACHE_SECONDS = 300
# Renewed by any change of a case or an instruction, on every node (``accounts.stamps``): the
# counts kept in each process's memory under the old token are then out of date.
STAMP = SharedStamp("worklist-counts")


def _counts_key(user, today: datetime.date) -> str:
    """Per user and day, and per stamp: a change anywhere renews the stamp, which makes every
    count stale in every process (read before the counts, as the stamp requires)."""
    return f"petitions:work:{STAMP.current()}:counts:{user.pk}:{today.isoformat()}"


def nav_counts(user, today: datetime.date) -> dict:
    """The navigation bar's counts, kept in this process's memory per user and day until a case
    or an instruction changes, so that a page pays no query for them most of the time (the
    worklist page refreshes them with its own)."""
    key = _counts_key(user, today)
    counts = caches["local"].get(key)
    if counts is None:
        counts = compute_nav_counts(user, today)
        caches["local"].set(key, counts, NAV_CACHE_SECONDS)
    return counts


def forget_counts(**kwargs) -> None:
    """A case or instruction changed: every kept count is out of date, now (for this process,
    inside the transaction) and, in every process, once the change is committed (a count made
    in between, before the commit, would miss it)."""
    STAMP.renew_on_commit()


def connect_receivers() -> None:
    for model in (Case, Supervision):
        name = model._meta.model_name
        post_save.connect(forget_counts, sender=model, dispatch_uid=f"work_{name}_saved")
        post_delete.connect(forget_counts, sender=model, dispatch_uid=f"work_{name}_deleted")

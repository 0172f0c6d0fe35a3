"""Preparing and reading back a duty day (接访准备, 接访记录 / 下访记录): what the leader and the
contact person need on one sheet (plan 5.2-5.4).

Before the day: the place and time, the appointments confirmed for it with each petitioner's
earlier cases (by phone, or the case number they gave), the petitioners received on the
leader's earlier days and where each case stands, the open cases from the leader's
earlier days with their deadlines, and the follow-ups of the previous visit day. After the day:
its record, the cases received, the problems found and the cases they became.

Every case shown comes through ``Case.objects.visible_to(user)``; the petitioner's name through
``access.petitioner`` (masked contact data, withheld where the user may not know who it is).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from petitions import access
from petitions.crypto import lookup_hashes
from petitions.models import Appointment, Case
from schedules.models import DayRecord, Duty, Finding, FollowUp

EARLIER_CASES = 100  # a leader has a few dozen cases a year
EARLIER_PER_PETITIONER = 10


@dataclass(frozen=True)
class PetitionerCases:
    """One petitioner who may come again, with their earlier cases."""

    petitioner: access.Petitioner
    cases: list[Case]


@dataclass
class PreviousVisit:
    """The visit day before this day, with what its record left to follow up."""

    duty: Duty
    record: DayRecord | None
    follow_ups: list[FollowUp] = field(default_factory=list)
    findings: list[tuple[Finding, Case | None]] = field(default_factory=list)


@dataclass
class Briefing:
    duty: Duty
    appointments: list[Expected]
    petitioners: list[PetitionerCases]
    open_cases: list[Case]
    previous_visit: PreviousVisit | None
    today: datetime.date


@dataclass(frozen=True)
class Expected:
    """A confirmed appointment, with the petitioner's earlier cases the user may see."""

    appointment: Appointment
    cases: list[Case]


def appointments_for(user, duty: Duty) -> list[Expected]:
    """The day's confirmed appointments (and those already received), each with the earlier
    cases of the same phone or of the case number the citizen gave."""
    expected = []
    for appointment in Appointment.objects.confirmed_for(duty):
        same = Q(petitioner_phone_hash__in=lookup_hashes(appointment.phone))
        if appointment.earlier_case_number:
            same |= Q(pk__in=Case.objects.numbered(appointment.earlier_case_number).values("pk"))
        cases = (
            Case.objects.visible_to(user)
            .filter(same)
            .exclude(pk=appointment.case_id)
            .order_by("-received_at", "-id")[:EARLIER_PER_PETITIONER]
        )
        expected.append(Expected(appointment, list(cases)))
    return expected


def earlier_cases(user, duty: Duty) -> QuerySet[Case]:
    """The cases the user may see from the leader's days before this one."""
    return (
        Case.objects.visible_to(user)
        .filter(leader=duty.leader_id, duty__date__lt=duty.date)
        .select_related("duty", "unit")
        .order_by("-received_at", "-id")
    )


def _petitioner_key(case: Case) -> str:
    return case.petitioner_id_hash or case.petitioner_phone_hash or f"name:{case.petitioner_name}"


def expected_petitioners(user, duty: Duty) -> list[PetitionerCases]:
    """Who may come: until appointments exist, the petitioners received on the leader's
    earlier days, each with their cases (newest first)."""
    groups: dict[str, list[Case]] = {}
    for case in earlier_cases(user, duty)[:EARLIER_CASES]:
        groups.setdefault(_petitioner_key(case), []).append(case)
    return [PetitionerCases(access.petitioner(user, cases[0]), cases) for cases in groups.values()]


def previous_visit(user, duty: Duty) -> PreviousVisit | None:
    """The last published visit day before this day, its follow-ups and problems found."""
    before = (
        Duty.objects.published()
        .filter(kind=Duty.Kind.VISIT, date__lt=duty.date)
        .select_related("leader")
        .order_by("-date")
        .first()
    )
    if before is None:
        return None
    record = DayRecord.objects.filter(duty=before).first()
    visit = PreviousVisit(before, record)
    if record is not None:
        visit.follow_ups = list(record.follow_ups.select_related("owner"))
        visit.findings = findings_with_cases(user, record)
    return visit


def findings_with_cases(user, record: DayRecord) -> list[tuple[Finding, Case | None]]:
    """The problems found, each with the case it became, where the user may see it."""
    findings = list(record.findings.all())
    cases = {
        case.finding_id: case for case in Case.objects.visible_to(user).filter(finding__in=findings)
    }
    return [(finding, cases.get(finding.pk)) for finding in findings]


def briefing(user, duty: Duty, today: datetime.date) -> Briefing:
    """Everything the day's sheet shows, as ``user`` may see it."""
    open_cases = (
        earlier_cases(user, duty).open().order_by("due_date", "received_at")[:EARLIER_CASES]
    )
    return Briefing(
        duty=duty,
        appointments=appointments_for(user, duty),
        petitioners=expected_petitioners(user, duty),
        open_cases=list(open_cases),
        previous_visit=previous_visit(user, duty),
        today=today,
    )


@dataclass
class DayReport:
    """A held day as its record page shows it."""

    duty: Duty
    record: DayRecord | None
    cases: list[Case]
    findings: list[tuple[Finding, Case | None]]
    follow_ups: list[FollowUp]


def day_report(user, duty: Duty) -> DayReport:
    record = DayRecord.objects.filter(duty=duty).prefetch_related("sections").first()
    cases = Case.objects.visible_to(user).filter(duty=duty).select_related("unit")
    return DayReport(
        duty=duty,
        record=record,
        cases=list(cases.order_by("received_at", "id")),
        findings=findings_with_cases(user, record) if record else [],
        follow_ups=list(record.follow_ups.select_related("owner", "done_by")) if record else [],
    )

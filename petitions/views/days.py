"""A duty day's pages: the briefing before it (接访准备) and its record after it (接访记录 /
下访记录), each also as a printout. They show cases, so they live here, not in the roster app.

Who may open them is ``petitions/access.py``'s to say (the day's leader and contact person, the
office, administrators); which cases they show, ``Case.objects.visible_to``'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from petitions import access, briefing
from petitions.forms.days import DayRecordForm, FindingFormSet, FollowUpFormSet, entries
from schedules import day_records
from schedules.models import DayRecord, Duty


def _day(request, pk: int, *, record: bool = False) -> Duty:
    """The published duty day, if the user may see it (or write its record)."""
    duty = get_object_or_404(Duty.objects.published().with_people(), pk=pk)
    allowed = access.may_record_day if record else access.may_see_day
    if not allowed(request.user, duty):
        raise PermissionDenied
    return duty


def _briefing(request, pk: int, template: str):
    duty = _day(request, pk)
    today = timezone.localdate()
    context = {
        "brief": briefing.briefing(request.user, duty, today),
        "duty": duty,
        "today": today,
        "may_record": access.may_record_day(request.user, duty),
        "may_book_cases": access.may_handle_appointments(request.user),
    }
    return render(request, template, context)


@never_cache
def day_briefing(request, pk: int):
    """What the leader and the contact person need before the day."""
    return _briefing(request, pk, "petitions/day_briefing.html")


@never_cache
def day_briefing_print(request, pk: int):
    return _briefing(request, pk, "petitions/day_briefing_print.html")


def _report(request, pk: int, template: str):
    duty = _day(request, pk)
    context = {
        "report": briefing.day_report(request.user, duty),
        "duty": duty,
        "may_record": access.may_record_day(request.user, duty),
        "may_register": access.may_register(request.user),
        "today": timezone.localdate(),
    }
    return render(request, template, context)


@never_cache
def day_record(request, pk: int):
    """The record of a held day, with the cases received and the problems found."""
    return _report(request, pk, "petitions/day_record.html")


@never_cache
def day_record_print(request, pk: int):
    return _report(request, pk, "petitions/day_record_print.html")


def _record_forms(data, duty: Duty, record: DayRecord | None) -> dict:
    follow_ups = [
        {"id": t.pk, "task": t.task, "owner": t.owner_id, "due": t.due}
        for t in (record.follow_ups.all() if record else [])
    ]
    findings = [
        {
            "id": f.pk,
            "place": f.place,
            "district": f.district,
            "problem": f.problem,
            "raised_by": f.raised_by,
        }
        for f in (record.findings.all() if record else [])
    ]
    forms = {
        "form": DayRecordForm(data, duty=duty, record=record),
        "follow_ups": FollowUpFormSet(data, initial=follow_ups, prefix="task"),
    }
    if duty.kind == Duty.Kind.VISIT:
        forms["findings"] = FindingFormSet(data, initial=findings, prefix="finding")
    return forms


@never_cache
def day_record_edit(request, pk: int):
    """Write or correct the record; nothing is saved unless every part of the form is valid."""
    duty = _day(request, pk, record=True)
    try:
        day_records.check_recordable(duty)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("petitions:day_record", pk=duty.pk)
    record = DayRecord.objects.filter(duty=duty).first()
    forms = _record_forms(request.POST if request.method == "POST" else None, duty, record)
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in forms.values()):
            try:
                _save(request, duty, forms)
            except ValidationError as error:
                forms["form"].add_error(None, error)
                codes = {e.code for e in getattr(error, "error_list", [])}
                status = 409 if "stale" in codes else 400
            else:
                messages.success(request, _("The record of the day was saved."))
                return redirect("petitions:day_record", pk=duty.pk)
        else:
            status = 400
    return render(request, "petitions/day_record_form.html", {"duty": duty, **forms}, status=status)


def _save(request, duty: Duty, forms: dict) -> None:
    form = forms["form"]
    day_records.record_day(
        duty,
        by=request.user,
        version=form.cleaned_data["version"],
        values=form.values(),
        sections=form.cleaned_data["sections"],
        follow_ups=entries(forms["follow_ups"]),
        findings=entries(forms["findings"]) if "findings" in forms else (),
    )

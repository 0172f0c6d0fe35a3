"""Roster pages for staff, administrators' actions, and the leaders' own duties."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import require_role
from schedules import access, exports, rotation, services
from schedules.change_forms import FollowRuleForm
from schedules.forms import (
    AbsenceForm,
    ConfirmYearForm,
    CorrectionForm,
    DutyForm,
    GenerateForm,
    PublishForm,
    ReplaceForm,
    SiteSettingsForm,
    SwapForm,
)
from schedules.history import HistoryFilter, filter_choices, history_page
from schedules.models import (
    Absence,
    CalendarCorrection,
    ConfirmedYear,
    Duty,
    FollowUp,
    Notification,
    SiteSettings,
)
from schedules.warnings import duty_warnings, leader_load, off_rule
from schedules.widgets import MOVE, apply_move
from schedules.workdays import YEARS

# Who may open which page is decided in schedules.access.
readers_only = require_role(*access.ROSTER_READERS)
editors_only = require_role(*access.ROSTER_EDITORS)


def _year(value: int) -> int:
    if value not in YEARS:
        raise Http404
    return value


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def home(request):
    """Where a signed-in user starts: their own duties for leaders, the roster for others."""
    if access.starts_at_own_duties(request.user):
        return redirect("schedules:my_duties")
    return redirect("schedules:year", year=timezone.localdate().year)


@readers_only
def year_page(request, year: int):
    """Both rosters side by side, like the plan's attachments, with warnings and the load."""
    year = _year(year)
    cal = services.calendar()
    duties = list(
        Duty.objects.of_year(year)
        .current()
        .with_people()
        .select_related("replaces")
        .order_by("month", "kind")
    )
    warnings = duty_warnings(duties, cal=cal)
    by_duty: dict[int, list] = {}
    for warning in warnings:
        by_duty.setdefault(warning.duty.pk, []).append(warning)
    months = []
    for month in range(1, 13):
        row = {"month": month}
        for duty in duties:
            if duty.month == month:
                duty.warnings = by_duty.get(duty.pk, [])
                row[duty.kind] = duty
        months.append(row)
    may_edit = access.may_edit_roster(request.user)
    moves = off_rule(warnings)
    context = {
        "year": year,
        "months": months,
        "warnings": warnings,
        "provisional": not cal.is_confirmed(year),
        "load": leader_load(duties),
        "drafts": sum(1 for d in duties if d.is_draft),
        "may_edit_roster": may_edit,
        "generate_form": GenerateForm(year=year) if may_edit else None,
        "off_rule": moves,
        "follow_form": FollowRuleForm(initial={"listed": FollowRuleForm.listing(moves)}),
        "cancelled": Duty.objects.of_year(year)
        .filter(state=Duty.State.CANCELLED)
        .select_related("leader", "replacement")
        .order_by("date"),
        "today": timezone.localdate(),
    }
    return render(request, "schedules/year.html", context)


@editors_only
def generate(request, year: int):
    """The rotations in turn order (moved up and down, as a form submit without JavaScript),
    then the year's drafts; the order is remembered per roster."""
    year = _year(year)
    if request.method != "POST":
        form = GenerateForm(year=year, roster=request.GET.get("roster", ""))
        return render(request, "schedules/generate.html", {"form": form, "year": year})
    data, moved = apply_move(request.POST, ("leaders", "contacts"))
    form = GenerateForm(data, year=year)
    if MOVE in request.POST:  # an arrow button: the page comes back with the new order
        if moved:
            form.fields[moved.partition(":")[0]].widget.focus = moved
        return render(request, "schedules/generate.html", {"form": form, "year": year})
    if form.is_valid():
        try:
            result = rotation.generate_year(year, **form.generation(), by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Drafted %(created)d new and %(updated)d changed duties; %(kept)d published "
                    "duties were left as they are."
                )
                % {"created": result.created, "updated": result.updated, "kept": result.kept},
            )
            return redirect("schedules:year", year=year)
    return render(request, "schedules/generate.html", {"form": form, "year": year}, status=400)


@require_POST
@editors_only
def publish(request, year: int):
    """Publish a month (``month``), a roster (``kind``) or the whole year. A provisional year
    is published only once the administrator confirmed that its dates may still move."""
    year = _year(year)
    form = PublishForm(request.POST)
    if not form.is_valid():
        raise Http404
    month, kind = form.cleaned_data["month"], form.cleaned_data["kind"]
    if services.is_provisional(year) and not form.cleaned_data["confirm_provisional"]:
        if request.POST.get("confirming"):
            form.add_error("confirm_provisional", _("Tick the box to publish provisional dates."))
        drafts = Duty.objects.of_year(year).drafts()
        if month:
            drafts = drafts.filter(month=month)
        if kind:
            drafts = drafts.filter(kind=kind)
        context = {"form": form, "year": year, "month": month, "kind": kind, "drafts": drafts}
        return render(request, "schedules/publish_confirm.html", context)
    if month:
        count = services.publish_month(year, month, by=request.user)
    elif kind:
        count = services.publish_roster(year, kind, by=request.user)
    else:
        count = services.publish_year(year, by=request.user)
    if count:
        messages.success(request, _("Published %(count)d duties.") % {"count": count})
    else:
        messages.info(request, _("There was no draft to publish."))
    return redirect("schedules:year", year=year)


def _duty_action(request, pk: int, form_class, title: str, act, **form_kwargs):
    """Shared shape of the duty forms: show, validate, call one service, redirect."""
    duty = get_object_or_404(Duty.objects.with_people(), pk=pk)
    form = form_class(request.POST or None, duty=duty, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            act(duty, form)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect(duty.get_absolute_url())
    return render(
        request, "schedules/duty_action.html", {"form": form, "duty": duty, "title": title}
    )


@editors_only
def duty_edit(request, pk: int):
    def act(duty, form):
        services.update_draft(
            duty, version=form.cleaned_data["version"], by=request.user, **form.changes()
        )
        messages.success(request, _("The duty was saved."))

    return _duty_action(request, pk, DutyForm, _("Edit the duty"), act)


@editors_only
def duty_swap(request, pk: int):
    def act(duty, form):
        other = form.cleaned_data["other"]
        services.swap_duties(
            duty,
            other,
            reason=form.cleaned_data["reason"],
            by=request.user,
            first_version=form.cleaned_data["version"],
            second_version=other.expected_version,
            override=form.override_text(),
        )
        messages.success(request, _("The two duties' leaders were swapped."))

    # ?all=1 also lists the partners whose swap needs an override.
    offer_all = request.GET.get("all") == "1"
    return _duty_action(request, pk, SwapForm, _("Swap leaders"), act, offer_all=offer_all)


@editors_only
def duty_replace(request, pk: int):
    def act(duty, form):
        services.replace_leader(
            duty,
            form.cleaned_data["leader"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            version=form.cleaned_data["version"],
            override=form.override_text(),
        )
        messages.success(request, _("The leader was replaced."))

    return _duty_action(request, pk, ReplaceForm, _("Replace the leader"), act)


@readers_only
def export(request, year: int, kind: str, fmt: str):
    """The roster with the attachment's columns, as .xlsx or CSV."""
    year = _year(year)
    if kind not in Duty.Kind.values:
        raise Http404
    builder = {"xlsx": exports.roster_xlsx, "csv": exports.roster_csv}[fmt]
    content, content_type = builder(year, kind)
    response = HttpResponse(content, content_type=content_type)
    filename = exports.filename(year, kind, fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@readers_only
def print_roster(request, year: int, kind: str):
    year = _year(year)
    if kind not in Duty.Kind.values:
        raise Http404
    return render(request, "schedules/print.html", exports.print_context(year, kind))


@editors_only
def history(request):
    """Every recorded change to the rosters as sentences: who, when, what and why; by year,
    duty and person, a page at a time."""
    chosen = HistoryFilter.from_query(request.GET)
    page, entries = history_page(chosen, request.GET.get("page"))
    context = {"page": page, "entries": entries, "chosen": chosen, **filter_choices(chosen)}
    return render(request, "schedules/history.html", context)


@require_role(*access.NOTIFICATION_READERS)
def notifications(request):
    notes = Notification.objects.select_related("created_by", "message")
    notes = notes.prefetch_related("duties")[:200]
    return render(request, "schedules/notifications.html", {"notifications": notes})


@editors_only
def absences(request):
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The absence was recorded."))
        return redirect("schedules:absences")
    today = timezone.localdate()
    listed = Absence.objects.filter(end__gte=today).select_related("leader")
    return render(request, "schedules/absences.html", {"form": form, "absences": listed})


@require_POST
@editors_only
def absence_delete(request, pk: int):
    get_object_or_404(Absence, pk=pk).delete()
    messages.success(request, _("The absence was removed."))
    return redirect("schedules:absences")


@editors_only
def calendar_page(request, year: int):
    """Calendar corrections, confirmed years and the make-up day setting."""
    year = _year(year)
    site = SiteSettings.load()
    forms = {
        "correction": CorrectionForm(prefix="c"),
        "confirm": ConfirmYearForm(prefix="y", initial={"year": year}),
        "settings": SiteSettingsForm(instance=site, prefix="s"),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "correction":
            form = forms["correction"] = CorrectionForm(request.POST, prefix="c")
            if form.is_valid():
                form.save()
                messages.success(request, _("The calendar correction was saved."))
                return redirect("schedules:calendar", year=form.cleaned_data["day"].year)
        elif which == "confirm":
            form = forms["confirm"] = ConfirmYearForm(request.POST, prefix="y")
            if form.is_valid():
                ConfirmedYear.objects.update_or_create(
                    year=form.cleaned_data["year"], defaults={"note": form.cleaned_data["note"]}
                )
                messages.success(request, _("The year is marked as confirmed."))
                return redirect("schedules:calendar", year=form.cleaned_data["year"])
        elif which == "settings":
            form = forms["settings"] = SiteSettingsForm(request.POST, instance=site, prefix="s")
            if form.is_valid():
                form.save()
                messages.success(request, _("The setting was saved."))
                return redirect("schedules:calendar", year=year)
    cal = services.calendar()
    rules = services.rule_dates(year, cal=cal)
    context = {
        "year": year,
        "forms": forms,
        "provisional": not cal.is_confirmed(year),
        "corrections": CalendarCorrection.objects.filter(day__year=year),
        "rules": [
            (kind, dd, services.move_reason(dd)) for kind, dds in rules.items() for dd in dds
        ],
    }
    return render(request, "schedules/calendar.html", context)


@require_POST
@editors_only
def correction_delete(request, pk: int):
    correction = get_object_or_404(CalendarCorrection, pk=pk)
    correction.delete()
    messages.success(request, _("The calendar correction was removed."))
    return redirect("schedules:calendar", year=correction.day.year)


@require_role(*access.OWN_DUTY_READERS)
def my_duties(request):
    """A leader's (or contact person's) coming duties, their days of the past year with the
    records, and the follow-up tasks the user owns."""
    today = timezone.localdate()
    leader = getattr(request.user, "leader", None)
    contact = getattr(request.user, "contact_person", None)
    duties = Duty.objects.upcoming(today).with_people()
    if leader:
        duties = duties.filter(leader=leader)
    elif contact:
        duties = duties.filter(contact=contact)
    else:
        duties = duties.none()
    context = {
        "duties": duties,
        "leader": leader,
        "contact": contact,
        "held": Duty.objects.held_by(leader or contact, today),
        "follow_ups": FollowUp.objects.open_for(request.user),
        "today": today,
    }
    return render(request, "schedules/my_duties.html", context)

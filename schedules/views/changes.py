"""Administrators' changes to published duties: change, cancel, keep a date, follow the rule.

Each view parses its form, calls one verb of ``schedules.changes`` and redirects; a refused
change comes back as the form with the reason next to the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schedules import changes
from schedules.change_forms import CancelForm, ChangeDutyForm, FollowRuleForm, KeepForm
from schedules.models import Duty
from schedules.views.roster import _duty_action, _form_errors, _year, editors_only


@editors_only
def duty_change(request, pk: int):
    """Move a published duty, change its contact person, set its destination and sections."""

    def act(duty, form):
        changes.change_duty(
            duty,
            version=form.cleaned_data["version"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            override=form.override_text(),
            allow_day_off=form.cleaned_data["allow_day_off"],
            **form.changes(),
        )
        messages.success(request, _("The change was saved and the office notified."))

    return _duty_action(request, pk, ChangeDutyForm, _("Change the published duty"), act)


@editors_only
def duty_cancel(request, pk: int):
    def act(duty, form):
        changes.cancel_duty(
            duty,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            date=form.cleaned_data["date"],
            allow_day_off=form.cleaned_data["allow_day_off"],
            override=form.override_text(),
        )
        messages.success(request, _("The duty was cancelled and the office notified."))

    return _duty_action(request, pk, CancelForm, _("Cancel the published duty"), act)


@require_POST
@editors_only
def duty_keep(request, pk: int):
    """Keep a date that departs from the rule, or stop keeping it."""
    duty = get_object_or_404(Duty.objects.current(), pk=pk)
    form = KeepForm(request.POST)
    if form.is_valid():
        try:
            changes.set_kept(duty, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The date is kept; it is no longer listed.")
                if form.cleaned_data["kept"]
                else _("The date is no longer kept."),
            )
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(duty.get_absolute_url())


@editors_only
def follow_rule(request, year: int):
    """The published duties off the rule, and the one confirmed step that moves them all."""
    year = _year(year)
    moves = changes.off_rule_duties(year)
    form = FollowRuleForm(request.POST or None, initial={"listed": FollowRuleForm.listing(moves)})
    if request.method == "POST" and form.is_valid():
        try:
            moved = changes.follow_rule(
                year,
                reason=form.cleaned_data["reason"],
                by=request.user,
                expected=form.cleaned_data["listed"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            form.data = form.data.copy()
            form.data["listed"] = FollowRuleForm.listing(moves)
        else:
            if moved:
                messages.success(
                    request,
                    _("Moved %(count)d duties to the rule's dates; the office was notified.")
                    % {"count": len(moved)},
                )
            else:
                messages.info(request, _("No published duty departs from the rule."))
            return redirect("schedules:year", year=year)
    context = {"year": year, "off_rule": moves, "form": form}
    return render(request, "schedules/follow_rule.html", context)

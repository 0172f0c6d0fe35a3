"""Closing a follow-up task from a duty day: its owner (or the office) says what was done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schedules import access, day_records
from schedules.models import FollowUp


@require_POST
def follow_up_done(request, pk: int):
    task = get_object_or_404(FollowUp, pk=pk)
    if not access.may_complete_follow_up(request.user, task):
        raise PermissionDenied
    day_records.complete_follow_up(task, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The task “%(task)s” is done.") % {"task": task.task})
    return redirect("schedules:my_duties")

"""The outbox page: administrators see every outgoing message's state and retry a failed one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import outbox
from accounts.access import require_role
from accounts.models import Message
from accounts.roles import Role

administrators_only = require_role(Role.ADMINISTRATOR)
PAGE_SIZE = 200


@administrators_only
def outbox_page(request):
    """The latest messages, or those in one state (``?state=failed``: what waits for a person)."""
    state = request.GET.get("state", "")
    if state not in Message.State.values:
        state = ""
    rows = Message.objects.filter(state=state) if state else Message.objects.all()
    counts = Message.objects.counts_by_state()
    context = {
        "rows": rows[:PAGE_SIZE],
        "state": state,
        "states": [(value, label, counts[value]) for value, label in Message.State.choices],
        "total": sum(counts.values()),
    }
    return render(request, "accounts/outbox.html", context)


@require_POST
@administrators_only
def retry(request, pk: int):
    """Queue a failed message again; back to the failed ones, where the next may wait."""
    message = get_object_or_404(Message, pk=pk)
    try:
        outbox.retry_message(message, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The message to %(to)s is queued again.") % {"to": message.shown_recipient}
        )
    return redirect(f"{reverse('accounts:outbox')}?state={Message.State.FAILED}")

"""Template helpers for cases: the due date with days left, standing out when late; people by
their full names."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import gettext_lazy as _

from petitions import people
from petitions.classify import may_classify
from petitions.forms.matters import MattersForm
from petitions.models import Case, State

register = template.Library()

DUE_WHAT = {
    State.REGISTERED: _("acceptance notice"),
    State.REVIEW: _("review answer"),
    State.SECOND_REVIEW: _("second review answer"),
}


@register.filter
def full_name(user) -> str:
    """A person's full name (``petitions/people.py``), not their user name."""
    return people.full_name(user)


@register.inclusion_tag("petitions/_due.html")
def due(case: Case, today: datetime.date | None = None, show_what: bool = False, what=None) -> dict:
    """Due date, days left, and whether it is overdue or due within DUE_SOON_DAYS; ``what``
    names the clock when the state alone does not (the higher body's decision)."""
    left = case.days_left(today)
    what = what or DUE_WHAT.get(case.state)
    if what is None and case.review_level and case.state == State.ANSWER_DRAFTED:
        what = DUE_WHAT[State.REVIEW if case.review_level == 1 else State.SECOND_REVIEW]
    return {
        "case": case,
        "left": left,
        "overdue_by": -left if left is not None and left < 0 else 0,
        "status": case.due_status(today),
        "what": (what or _("answer")) if show_what else "",
    }


@register.inclusion_tag("petitions/_matters.html", takes_context=True)
def case_matters(context, case: Case) -> dict:
    """What the matter is about, for the reports; the office's form to classify it."""
    editable = may_classify(context["request"].user)
    return {
        "case": case,
        "types": list(case.pollution_types.all()),
        "subtypes": list(case.pollution_subtypes.all()),
        "form": MattersForm(case=case, prefix="matters") if editable else None,
        "csrf_token": context.get("csrf_token"),
    }

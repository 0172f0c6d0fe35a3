"""The legal time limits of a case: each clock's due date, and the windows that close.

Settings, with 《信访工作条例》 2022 as defaults: the acceptance notice within ACCEPTANCE_DAYS of
receipt; the answer within HANDLING_DAYS of acceptance, plus one extension of at most
EXTENSION_MAX_DAYS approved by an administrator; a review (复查) may be requested within
REVIEW_REQUEST_DAYS of the answer's delivery (送达, ``petitions/delivery.py``) and is answered
within REVIEW_HANDLING_DAYS (by the higher body: from the forwarding); a second review (复核) the
same; after it the same matter is not taken up again.

Due dates are computed here once, when a clock starts (intake and the workflow store them on
the case); everything else reads the stored date. The ``*_refusal`` functions say why a step
that the time limits govern cannot be taken now (the workflow's checks ask them), or None.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from petitions.models import Case, ExtensionState

FINAL_REVIEW_LEVEL = 2  # after the second review (复核), no more review


def days_after(start: datetime.date, days: int) -> datetime.date:
    """``days`` calendar days after ``start``: a due date."""
    return start + datetime.timedelta(days=days)


def acceptance_due(received_on: datetime.date) -> datetime.date:
    """The acceptance notice: ACCEPTANCE_DAYS after the day of receipt."""
    return days_after(received_on, settings.ACCEPTANCE_DAYS)


def handling_due(accepted_on: datetime.date) -> datetime.date:
    """The answer: HANDLING_DAYS after the day of acceptance."""
    return days_after(accepted_on, settings.HANDLING_DAYS)


def review_request_due(received_on: datetime.date, review_level: int) -> datetime.date | None:
    """Until when a (second) review may be requested: REVIEW_REQUEST_DAYS after the petitioner
    received the answer or decision; never after the final one."""
    if review_level >= FINAL_REVIEW_LEVEL:
        return None
    return days_after(received_on, settings.REVIEW_REQUEST_DAYS)


def review_due(requested_on: datetime.date) -> datetime.date:
    """A review's answer: REVIEW_HANDLING_DAYS after the request."""
    return days_after(requested_on, settings.REVIEW_HANDLING_DAYS)


def extension_refusal(case: Case) -> str | None:
    """Why the unit cannot ask for an extension now: one per case, never for a review."""
    if case.review_level:
        return _("A review has its own time limit and cannot be extended.")
    if case.extension_state == ExtensionState.APPROVED:
        return _("This case was already extended once; only one extension is possible.")
    if case.extension_state == ExtensionState.REQUESTED:
        return _("An extension was already requested and waits for an administrator.")
    return None


def extension_decision_refusal(case: Case, *, approve: bool) -> str | None:
    """Why an administrator cannot decide on an extension now."""
    if case.extension_state != ExtensionState.REQUESTED:
        return _("No extension has been requested.")
    if approve and case.review_level:
        return _("A review has its own time limit and cannot be extended.")
    return None


def review_refusal(case: Case, *, second: bool, today: datetime.date) -> str | None:
    """Why a review (``second``: a second review) cannot be requested now."""
    if case.review_level >= FINAL_REVIEW_LEVEL:
        return _("The second review is final: the same facts and reasons are not taken up again.")
    if case.review_level != (1 if second else 0):
        return (
            _("A second review follows a review; ask for a review first.")
            if second
            else _("A review was already held; the petitioner may ask for a second review.")
        )
    if not case.review_request_due or today > case.review_request_due:
        return _("The %(days)d days to ask for a review after delivery have passed.") % {
            "days": settings.REVIEW_REQUEST_DAYS
        }
    return None

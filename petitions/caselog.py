"""How one change of a case is stored: on its locked row, with a new version, and logged.

Every change of a case (the workflow's verbs, intake's registration) goes through here: the
row is locked for the transaction, with the reason in the history context; each save raises
the version, so a form opened before it is refused as stale (``StaleCase``); and the case's
append-only ``CaseLog`` says who did what, when, with which comment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from petitions.models import Case, CaseLog


class StaleCase(ValidationError):
    """Someone else changed the case since the form was opened."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this case while you were working on it. The page now "
                "shows their change; check it and try again."
            ),
            code="stale",
        )


@contextmanager
def locked_case(case: Case, reason: str) -> Iterator[Case]:
    """The case's row, locked for one transaction with ``reason`` in the history context."""
    with transaction.atomic(), pghistory.context(reason=reason):
        yield Case.objects.select_for_update().get(pk=case.pk)


def write_log(
    case: Case, by, action: str, comment: str = "", from_state="", to_state=""
) -> CaseLog:
    """One entry of the case's log (``by`` None: nobody signed in, e.g. the petitioner)."""
    return CaseLog.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        by=by if getattr(by, "pk", None) else None,
    )


def save_change(
    case: Case, by, *, to_state: str | None = None, comment: str = "", action=None
) -> CaseLog | None:
    """Store a change (new version); a state change is logged as a transition. Returns the
    log entry (evidence files attach to it), if one was written."""
    before = case.state
    if to_state is not None:
        case.state = to_state
    case.version += 1
    case.save()
    if to_state is not None:
        return write_log(case, by, action or CaseLog.Action.TRANSITION, comment, before, to_state)
    if action is not None:
        return write_log(case, by, action, comment)
    return None

"""The office classifies a case for the reports later (or corrects it): pollution types,
sub-types and the industry, on the locked case, versioned and logged like every change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.access import is_office
from petitions.caselog import StaleCase, locked_case, write_log
from petitions.matters import classify_case
from petitions.models import Case, CaseLog


def may_classify(user) -> bool:
    """The petition office and administrators; never units or leaders."""
    return is_office(user)


def describe(types, subtypes, industry) -> str:
    """The classification in words, for the case's log."""
    types = sorted(types, key=lambda t: (t.order, t.pk))
    lines = [
        _("Classified for the reports."),
        _("Pollution types: %(names)s") % {"names": _(", ").join(map(str, types)) or "—"},
        _("Sub-types: %(names)s") % {"names": _(", ").join(map(str, subtypes)) or "—"},
        _("Industry: %(name)s") % {"name": industry or "—"},
    ]
    return "\n".join(lines)


def reclassify_case(case: Case, *, by, types, subtypes, industry, version: int | None) -> Case:
    """Set the case's pollution types, sub-types and industry; a stale form is refused."""
    if not may_classify(by):
        raise ValidationError(
            _("Only the petition office classifies cases for the reports."), code="role"
        )
    with locked_case(case, "classify") as locked:
        if version is not None and locked.version != version:
            raise StaleCase()
        classify_case(locked, types=types, subtypes=subtypes, industry=industry, by=by)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        write_log(locked, by, CaseLog.Action.NOTE, describe(types, subtypes, industry))
    return locked

"""Hand-offs: 交办 to a unit of the bureau (``workflow.assign_case``) and 转送 to another
authority (``transfer_case``), and the defaults the forms pre-select.

A transfer ends the bureau's part: the matter belongs to another authority (or, for an
accusation against an official, to the discipline bodies), which receives a printable transfer
letter (转送函) with the petition. A matter that skipped a level (越级) may be assigned to the
competent branch and still counts as 越级 (``Case.skipped_level`` stays).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.caselog import save_change
from petitions.models import Case, Letter, ReferralReason, State
from petitions.workflow import changing, required
from schedules.models import Unit


def transfer_case(
    case: Case, *, by, authority: str, note: str = "", version: int | None = None
) -> Case:
    """Send the matter to the authority whose duty it is, with a transfer letter."""
    authority = required(authority, "authority", _("Name the authority the matter goes to."))
    with changing(case, by, "transfer", version) as locked:
        Letter.objects.create(
            case=locked,
            kind=Letter.Kind.TRANSFER,
            text=note.strip(),
            addressee=authority[:200],
            issued_at=timezone.now(),
            issued_by=by if getattr(by, "pk", None) else None,
        )
        locked.due_date = None
        save_change(
            locked, by, to_state=State.TRANSFERRED, comment=f"{authority}\n{note.strip()}".strip()
        )
    return locked


def branch_for(district: str) -> Unit | None:
    """The district's branch office: the unit a case there is usually assigned to."""
    if not district:
        return None
    branches = Unit.objects.filter(active=True, kind=Unit.Kind.BRANCH_OFFICE, district=district)
    return branches.order_by("name").first()


def branches_by_district() -> dict[str, int]:
    """Each district's branch office, for the desk form's live pre-selection."""
    found: dict[str, int] = {}
    units = Unit.objects.filter(active=True, kind=Unit.Kind.BRANCH_OFFICE).exclude(district="")
    for district, pk in units.order_by("-name").values_list("district", "pk"):
        found[district] = pk
    return found


REFERRAL_FOR = {
    "in_litigation": ReferralReason.Destination.COURT,
    "skipped_level": ReferralReason.Destination.LOWER_LEVEL,
}


def matching_referrals() -> dict[str, int]:
    """The standard reason ticking 涉诉 or 越级 pre-selects: {flag: reason id}."""
    reasons = ReferralReason.objects.filter(active=True).order_by("-title")
    by_destination = dict(reasons.values_list("destination", "pk"))
    return {flag: by_destination[d] for flag, d in REFERRAL_FOR.items() if d in by_destination}


def matching_referral(case: Case) -> int | None:
    """The reason to pre-select for a case: litigation first, then a skipped level."""
    found = matching_referrals()
    for flag in REFERRAL_FOR:
        if getattr(case, flag) and flag in found:
            return found[flag]
    return None

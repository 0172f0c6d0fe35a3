"""Who sees a petitioner's identity, and the access log of every unmasked view.

The rules (《信访工作条例》: never disclose a petitioner's identity or material to the people or
unit complained about):

* ID number, phone and address are shown masked to everyone by default.
* The petition office and administrators may reveal the unmasked values; every reveal, and
  every print of unmasked values, writes an append-only ``AccessLog`` entry.
* A handling unit sees the petitioner's name and (masked) contact data only once the office
  has released the identity for that case; before that it reads "(withheld)".
* The receiving leader met the petitioner: name and masked contact data.
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, roles_of
from petitions.identity import format_phone, mask_id_number, mask_phone, mask_text
from petitions.models import AccessLog, Case

WITHHELD = _("(withheld)")


def may_reveal(user) -> bool:
    """The petition office and administrators may see unmasked values (each view logged)."""
    return bool(roles_of(user) & {Role.PETITION_OFFICE, Role.ADMINISTRATOR})


def sees_identity(user, case: Case) -> bool:
    """Whether the user may know who the petitioner is (name; contact data masked)."""
    roles = roles_of(user)
    if roles & {Role.PETITION_OFFICE, Role.ADMINISTRATOR}:
        return True
    leader = getattr(user, "leader", None)
    if Role.LEADER in roles and leader is not None and case.leader_id == leader.pk:
        return True
    return case.identity_released


def may_see_attachments(user, case: Case) -> bool:
    """Scanned letters carry the petitioner's name and address: the same rule as the identity."""
    return sees_identity(user, case)


@dataclass(frozen=True)
class Petitioner:
    """What a page may show of the petitioner."""

    name: str
    phone: str
    id_number: str
    address: str
    masked: bool
    withheld: bool


def petitioner(user, case: Case, *, unmasked: bool = False) -> Petitioner:
    """The petitioner as ``user`` may see them; ``unmasked`` only after :func:`reveal`."""
    if not sees_identity(user, case):
        hidden = str(WITHHELD)
        return Petitioner(hidden, hidden, hidden, hidden, masked=True, withheld=True)
    if unmasked and may_reveal(user):
        return Petitioner(
            case.petitioner_name,
            format_phone(case.petitioner_phone),
            case.petitioner_id_number,
            case.petitioner_address,
            masked=False,
            withheld=False,
        )
    return Petitioner(
        case.petitioner_name,
        mask_phone(case.petitioner_phone),
        mask_id_number(case.petitioner_id_number),
        mask_text(case.petitioner_address),
        masked=True,
        withheld=False,
    )


def client_ip(request) -> str | None:
    """The address the request came from (behind PROXY_COUNT proxies, as sign-in sees it)."""
    return get_client_ip_address(request) or None


def log_access(request, case: Case | None, action: str, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        case=case,
        action=action,
        detail=detail[:200],
        ip_address=client_ip(request),
    )


def reveal(request, case: Case) -> Petitioner:
    """Show the unmasked values to the office, and log that they were shown."""
    if not may_reveal(request.user):
        raise PermissionError("Only the petition office may reveal a petitioner's data.")
    log_access(request, case, AccessLog.Action.REVEAL, "petitioner")
    return petitioner(request.user, case, unmasked=True)


def log_print(request, case: Case, document: str, *, unmasked: bool) -> None:
    """A printed document that carries unmasked values (or the query code) is logged."""
    if unmasked:
        log_access(request, case, AccessLog.Action.PRINT, document)

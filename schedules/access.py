"""Who may do what on the rosters: decided here, once, for the views and their templates.

The views check the role tuples with ``accounts.access.require_role``; templates get the answers
of the ``may_*`` functions through the view context.
"""

from __future__ import annotations

from accounts.access import OFFICE_ROLES, STAFF_ROLES
from accounts.roles import Role, has_role

# Every staff member reads the rosters, and exports or prints them.
ROSTER_READERS = STAFF_ROLES
# Administrators draft, publish and change the rosters, and keep the calendar and absences.
ROSTER_EDITORS = (Role.ADMINISTRATOR,)
# The office is told of every change to a published duty.
NOTIFICATION_READERS = OFFICE_ROLES
# The office keeps the reception places (address, hours, map link) for the public page.
PLACE_EDITORS = OFFICE_ROLES
# Leaders see their own coming duties, and so do the office's contact persons; every staff
# member sees there the follow-up tasks they own (until worklists exist).
OWN_DUTY_READERS = STAFF_ROLES


def may_see_roster(user) -> bool:
    return has_role(user, *ROSTER_READERS)


def may_edit_roster(user) -> bool:
    return has_role(user, *ROSTER_EDITORS)


def may_see_notifications(user) -> bool:
    return has_role(user, *NOTIFICATION_READERS)


def may_see_own_duties(user) -> bool:
    return has_role(user, *OWN_DUTY_READERS)


def starts_at_own_duties(user) -> bool:
    """A leader with a leader record lands on their own duties rather than the roster."""
    return has_role(user, Role.LEADER) and hasattr(user, "leader")


def may_edit_places(user) -> bool:
    return has_role(user, *PLACE_EDITORS)


def may_complete_follow_up(user, task) -> bool:
    """A follow-up task is closed by its owner, or by the office."""
    return user.is_authenticated and (task.owner_id == user.pk or has_role(user, *OFFICE_ROLES))

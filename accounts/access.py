"""Who may do what, as far as both apps share it: the staff roles, a view decorator that
checks them, and the administrators' Django permissions."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role

STAFF_ROLES = (Role.PETITION_OFFICE, Role.HANDLING_UNIT, Role.LEADER, Role.ADMINISTRATOR)

# The petition office's work is also the administrators': "office or administrator".
OFFICE_ROLES = (Role.PETITION_OFFICE, Role.ADMINISTRATOR)


def is_office(user) -> bool:
    """Petition office staff or an administrator: sees and steers every case."""
    return has_role(user, *OFFICE_ROLES)


def require_role(*roles: str):
    """View decorator: 403 for a signed-in user without one of ``roles``.

    Sign-in itself is required by ``LoginRequiredMiddleware``; this only checks the role.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def grant_role_permissions(sender, using="default", **kwargs) -> None:
    """Give administrators every permission on the project's own models (for Django admin).

    Runs after each migrate: permissions only exist once the models' migrations ran, which a
    data migration cannot rely on.
    """
    group, _created = Group.objects.using(using).get_or_create(name=Role.ADMINISTRATOR)
    perms = Permission.objects.using(using).filter(
        content_type__app_label__in=["schedules", "petitions"]
    )
    group.permissions.add(*perms)

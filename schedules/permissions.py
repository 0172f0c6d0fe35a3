"""Who may do what: the roles' Django permissions, and view mixins that check roles."""

from __future__ import annotations

from django.contrib.auth.mixins import UserPassesTestMixin

from schedules.roles import Role, has_role


def grant_role_permissions(sender, using="default", **kwargs) -> None:
    """Give administrators every permission on the project's own models (for Django admin).

    Runs after each migrate: permissions only exist once the models' migrations ran, which a
    data migration cannot rely on.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=Role.ADMINISTRATOR)
    perms = Permission.objects.using(using).filter(
        content_type__app_label__in=["schedules", "petitions"]
    )
    group.permissions.add(*perms)


class RoleRequiredMixin(UserPassesTestMixin):
    """Refuse (403) a signed-in user without one of ``roles``."""

    roles: tuple[str, ...] = ()

    def test_func(self) -> bool:
        return has_role(self.request.user, *self.roles)


class AdministratorRequiredMixin(RoleRequiredMixin):
    roles = (Role.ADMINISTRATOR,)


STAFF_ROLES = (Role.PETITION_OFFICE, Role.HANDLING_UNIT, Role.LEADER, Role.ADMINISTRATOR)

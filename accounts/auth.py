"""How staff sign in: Django's model backend, refusing demo accounts in production, and
loading the user's roles with the user so that a page needs no extra query for them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet

from accounts.demo import is_demo_account
from accounts.roles import Role

# Lists loaded with the user, in the same query, as attributes of the user: name -> a function
# returning a one-column queryset on ``OuterRef("pk")``. The apps register what most of their
# pages need (a handling unit's unit ids, for example) in ``AppConfig.ready``.
USER_ARRAYS: dict[str, Callable[[], QuerySet]] = {}


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        """Demo accounts have a published password: refused when DEBUG is off.

        Consulted at sign-in and for every request of an existing session (``get_user``), so
        switching DEBUG off also ends demo sessions.
        """
        if not settings.DEBUG and is_demo_account(user):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        users = get_user_model()._default_manager
        names = Group.objects.filter(user=OuterRef("pk")).values("name")
        try:
            arrays = {name: ArraySubquery(make()) for name, make in USER_ARRAYS.items()}
            user = users.annotate(role_names=ArraySubquery(names), **arrays).get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        roles = set(user.role_names)
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        user._roles = roles  # read by accounts.roles.roles_of
        return user

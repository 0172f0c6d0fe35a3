from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from schedules.permissions import grant_role_permissions

        post_migrate.connect(grant_role_permissions, sender=self)

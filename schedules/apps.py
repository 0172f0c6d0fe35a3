from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from schedules import checks, public  # noqa: F401  (checks registers itself)
        from schedules.models import CalendarCorrection, ConfirmedYear, Duty, Leader, Place
        from schedules.permissions import grant_role_permissions

        # No sender: it must also run after the petitions app's permissions were created.
        post_migrate.connect(grant_role_permissions, dispatch_uid="grant_role_permissions")
        # Any change the public page shows clears its cache, admin edits included.
        for model in (Leader, Place, ConfirmedYear, CalendarCorrection, Duty):
            post_save.connect(public.public_data_changed, sender=model)
            post_delete.connect(public.public_data_changed, sender=model)

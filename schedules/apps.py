from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from schedules import public_cache
        from schedules.models import CalendarCorrection, ConfirmedYear, Duty, Leader, Place

        # Any change the public page shows clears its cache, admin edits included.
        for model in (Leader, Place, ConfirmedYear, CalendarCorrection, Duty):
            post_save.connect(public_cache.public_data_changed, sender=model)
            post_delete.connect(public_cache.public_data_changed, sender=model)

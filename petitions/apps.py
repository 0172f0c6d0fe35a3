from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petition cases")

    def ready(self) -> None:
        """Connect the register's and the worklists' cache receivers, and the bookings'
        receivers of roster changes, once the models are loaded."""
        # Imported here, as Django wants: the modules read models, which need the app registry.
        from accounts.auth import USER_ARRAYS
        from petitions import appointment_changes, caching, stats_summary, worklists  # noqa: F401
        from petitions.casework_models import unit_ids_subquery

        USER_ARRAYS["unit_ids"] = unit_ids_subquery
        caching.connect_receivers()
        worklists.connect_receivers()
        appointment_changes.connect_receivers()

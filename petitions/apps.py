from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petition cases")

    def ready(self) -> None:
        """Connect the register's cache receivers once the models are loaded."""
        # Imported here, as Django wants: the module reads models, which need the app registry.
        from petitions import caching

        caching.connect_receivers()

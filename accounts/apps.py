from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """What both apps share: roles, sign-in, deploy checks, the history decorator."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import checks  # noqa: F401  (registers the deploy checks)
        from accounts.access import grant_role_permissions

        # No sender: it must run after every app's permissions were created.
        post_migrate.connect(grant_role_permissions, dispatch_uid="grant_role_permissions")

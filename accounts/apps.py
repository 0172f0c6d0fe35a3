from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """What both apps share: roles, sign-in, deploy checks, the history decorator."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import checks, signin  # noqa: F401  (checks: registers the deploy checks)
        from accounts.access import grant_role_permissions
        from accounts.forms import AdminSignInForm

        # No sender: it must run after every app's permissions were created.
        post_migrate.connect(grant_role_permissions, dispatch_uid="grant_role_permissions")
        # The per-account sign-in limit, for every way of signing in (accounts/signin.py).
        user_login_failed.connect(signin.count_failure, dispatch_uid="signin_count_failure")
        user_logged_in.connect(signin.forget_failures, dispatch_uid="signin_forget_failures")
        admin.site.login_form = AdminSignInForm

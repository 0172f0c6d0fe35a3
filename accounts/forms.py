"""The sign-in forms (the staff page and the admin's): the per-account wait, and user names
longer than any account's answered as wrong credentials, before anything is looked up."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts import signin


class AccountLimitMixin:
    """Refuse a sign-in while its account must wait (``accounts/signin.py``)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        longest = get_user_model()._meta.get_field("username").max_length
        if len(username) > longest:  # no such account: the usual answer, nothing recorded
            raise self.get_invalid_login_error()
        wait = signin.seconds_to_wait(username) if username else 0
        if wait:
            raise ValidationError(
                ngettext(
                    "Too many failed sign-ins for this user name. Wait %(seconds)d second "
                    "and try again.",
                    "Too many failed sign-ins for this user name. Wait %(seconds)d seconds "
                    "and try again.",
                    wait,
                )
                % {"seconds": wait},
                code="account_wait",
            )
        return super().clean()


class SignInForm(AccountLimitMixin, AuthenticationForm):
    """The staff sign-in page's form."""


class AdminSignInForm(AccountLimitMixin, AdminAuthenticationForm):
    """The admin's sign-in form (``admin.site.login_form``, set in ``AccountsConfig.ready``)."""

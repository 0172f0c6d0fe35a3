"""Sign-in limits: per address (django-axes) and per account (here).

django-axes locks a user name out from one address after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS``: user name and address together), so a stranger cannot lock a
colleague out from elsewhere. Guessing spread over many addresses never meets that limit;
the per-account limit answers it: after ``SIGNIN_ACCOUNT_FREE_FAILURES`` failures on one user
name, from any address, each further failure makes the next try wait a delay that doubles
(2 s, 4 s, 8 s ...) up to ``SIGNIN_ACCOUNT_MAX_DELAY_SECONDS``. A sign-in attempt during the
delay is refused unchecked (the password is not tried, so it reveals nothing and counts for
nothing); once the delay is over, the right password works and clears the count. Guessing is
slowed to a few tries an hour, and a stranger can keep a user waiting minutes at most.

The counts live in the database (:class:`accounts.models.AccountFailures`), shared by every
node; a quiet ``SIGNIN_ACCOUNT_WINDOW_MINUTES`` after the last failure starts the count anew.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import AccountFailures

# django-axes stores the user name in a column of 255 characters: a longer one typed at the
# sign-in form was a server error when axes recorded the failure (AXES_USERNAME_CALLABLE).
AXES_USERNAME_LENGTH = 255


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The user name django-axes records, cut to the length of its column."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    return name[:AXES_USERNAME_LENGTH] if isinstance(name, str) else name


def account_key(username: str) -> str:
    """The user name as stored: a keyed hash of it, case-folded as sign-in matches it."""
    return salted_hmac("accounts.signin.account", (username or "").casefold()).hexdigest()


def delay_after(failures: int) -> datetime.timedelta:
    """How long the account waits after this many failures in a row (0 while few)."""
    beyond = failures - settings.SIGNIN_ACCOUNT_FREE_FAILURES
    if beyond <= 0:
        return datetime.timedelta(0)
    cap = settings.SIGNIN_ACCOUNT_MAX_DELAY_SECONDS
    return datetime.timedelta(seconds=cap if beyond > 20 else min(2**beyond, cap))


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SIGNIN_ACCOUNT_WINDOW_MINUTES)


def seconds_to_wait(username: str) -> int:
    """Whole seconds before ``username`` may try again (0: now)."""
    record = AccountFailures.objects.filter(key=account_key(username)).first()
    if record is None:
        return 0
    now = timezone.now()
    if now - record.last_failure_at > _window():
        return 0
    remaining = record.last_failure_at + delay_after(record.failures) - now
    return max(0, math.ceil(remaining.total_seconds()))


def record_failure(username: str) -> int:
    """Count a failed sign-in on ``username``; the failures in a row so far."""
    now = timezone.now()
    # User names strangers made up are not kept past the window: the table stays small.
    AccountFailures.objects.filter(last_failure_at__lt=now - _window()).delete()
    with transaction.atomic():
        record, created = AccountFailures.objects.select_for_update().get_or_create(
            key=account_key(username), defaults={"failures": 1, "last_failure_at": now}
        )
        if not created:
            quiet = now - record.last_failure_at > _window()
            record.failures = 1 if quiet else record.failures + 1
            record.last_failure_at = now
            record.save(update_fields=["failures", "last_failure_at"])
    return record.failures


def clear_failures(username: str) -> None:
    AccountFailures.objects.filter(key=account_key(username)).delete()


def count_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    """``user_login_failed``: every failed sign-in counts, but those axes already refused."""
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    username = credentials.get("username")
    if isinstance(username, str) and username:
        record_failure(username)


def forget_failures(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the right password clears the count."""
    clear_failures(user.get_username())

"""What the shared app stores: failed sign-ins per user name (the per-account limit)."""

from __future__ import annotations

from django.db import models


class AccountFailures(models.Model):
    """Failed sign-ins on one user name from any address, since the last success.

    Kept in the database, which every node shares (``accounts/signin.py`` reads and writes it).
    The user name is stored as a keyed hash only: strangers type anything there, sometimes a
    password.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)  # older than the window: forgotten

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.failures}"

"""How many online petitions (网上信访) one phone and one address sent on a day.

Imported by ``petitions/models.py``; counted by ``petitions/online.py``. Keys are keyed hashes
(``crypto.lookup_hash``), never the phone number or the address itself, and a day's rows are
deleted once the day is over: nothing here identifies a visitor.
"""

from __future__ import annotations

from django.db import models


class SubmissionCount(models.Model):
    """Online petitions accepted under one key (a phone's or an address's hash) on one day."""

    key = models.CharField(max_length=80)
    day = models.DateField()
    submissions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="submission_count_key_day"),
        ]
        indexes = [models.Index(fields=["day"], name="submission_count_day_idx")]

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.day}: {self.submissions}"

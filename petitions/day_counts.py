"""Counts per key and day (``SubmissionCount``) for the public forms' daily limits: online
petitions per phone and per address, bookings per address. A key is a keyed hash
("phone:<hash>", "booking-address:<hash>"), never the phone or address itself.

The counts are read with their rows locked in the caller's transaction and raised there: a
refused or failed submission counts nothing, and two sent at once wait for each other, so they
can never both pass a limit. Callers lock their keys in a fixed order.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection

from petitions.models import SubmissionCount

TABLE = SubmissionCount._meta.db_table
_swept_on: list[datetime.date] = []  # the day this process last deleted past days


def locked(keys: Sequence[str], day: datetime.date) -> dict[str, int]:
    """The day's count under each key, its row locked (made with 0 the first time) until the
    transaction ends; rows are locked in the order of ``keys``."""
    values = ", ".join(["(%s, %s, 0)"] * len(keys))
    params = [value for key in keys for value in (key, day)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} AS c (key, day, submissions) VALUES {values} "
            "ON CONFLICT (key, day) DO UPDATE SET submissions = c.submissions "
            "RETURNING key, submissions",
            params,
        )
        return dict(cursor.fetchall())


def add_one(keys: Sequence[str], day: datetime.date) -> None:
    """One more under each key (their rows locked by this transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET submissions = submissions + 1 WHERE day = %s AND key = ANY(%s)",
            [day, list(keys)],
        )


def sweep_past_days(day: datetime.date) -> None:
    """Once a day in each process, apart from any submission (whose rollback would keep
    them): delete the counts of the days that are over. They are of no use then, and the
    office keeps no trace of visitors."""
    if _swept_on == [day]:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE day < %s", [day])
    _swept_on[:] = [day]

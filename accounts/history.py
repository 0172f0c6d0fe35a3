"""Append-only change history (django-pghistory): database triggers record every insert,
update and delete, including bulk and raw SQL, with the signed-in user as context."""

from __future__ import annotations

import pghistory


def tracked():
    """The decorator for every model whose changes must be kept."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )

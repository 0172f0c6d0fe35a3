"""What every page's navigation bar shows of the petitions: the worklist's counts.

Apart from ``accounts/context_processors.py``, which must not import the petitions app. The
counts are lazy: a page whose template does not show them (a print, a bare page) pays nothing,
and the others read them from the cache (``worklists.nav_counts``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from petitions.worklists import nav_counts


def worklist(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"work_counts": SimpleLazyObject(lambda: nav_counts(user, timezone.localdate()))}

"""The register's cache: its filter form's unit and leader choices, and the form's HTML.

Units and leaders change rarely and register pages come often, so the filter form reads their
choices from the cache, and its rendered HTML is kept per language and filter values. When a
unit or leader is saved or deleted, :func:`forget_choices` drops the choices and, through the
form version in every HTML key, every cached form. ``PetitionsConfig.ready()`` connects it
(:func:`connect_receivers`), so it holds in commands too, not only once a view was imported.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict
from django.utils.translation import get_language

from schedules.models import Leader, Unit

CHOICES_CACHE_SECONDS = 300
FORM_CACHE_SECONDS = 3600

Choices = list[tuple[int, str]]


def cache_key(name: str) -> str:
    """A cache key of the register, per database: a shared cache may serve several."""
    return f"petitions:register:{connection.settings_dict['NAME']}:{name}"


def unit_and_leader_choices() -> tuple[Choices, Choices]:
    """Units and leaders for the filter form, cached: they change rarely, pages come often."""
    cached = cache.get(cache_key("choices"))
    if cached is None:
        units = list(Unit.objects.order_by("kind", "name").values_list("pk", "name"))
        leaders = [
            (pk, f"{name}（{position}）")
            for pk, name, position in Leader.objects.order_by("rotation_order", "name").values_list(
                "pk", "name", "position"
            )
        ]
        cached = (units, leaders)
        cache.set(cache_key("choices"), cached, CHOICES_CACHE_SECONDS)
    return cached


def cached_form_html(query: QueryDict, render: Callable[[], str]) -> str:
    """The filter form's HTML for this query string; ``render`` makes it when not cached.

    The HTML depends only on the language, the values in the query string (paging cursors
    aside) and the unit and leader lists (the form version): paging through one filtered list,
    or coming back to a common filter, renders it once.
    """
    values = sorted((k, v) for k, vs in query.lists() if k not in ("after", "before") for v in vs)
    version = cache.get_or_set(cache_key("form-version"), time.time_ns, None)
    raw = json.dumps([get_language(), version, values], ensure_ascii=False)
    key = cache_key("form:" + hashlib.sha256(raw.encode()).hexdigest())
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FORM_CACHE_SECONDS)
    return html


def forget_choices(**kwargs) -> None:
    """A unit or leader changed: forget the choices and, by a new version, every cached form."""
    cache.delete_many([cache_key("choices"), cache_key("form-version")])


def connect_receivers() -> None:
    """Forget the cached choices whenever a unit or leader is saved or deleted."""
    for model, name in ((Unit, "units"), (Leader, "leaders")):
        post_save.connect(forget_choices, sender=model, dispatch_uid=f"register_{name}_saved")
        post_delete.connect(forget_choices, sender=model, dispatch_uid=f"register_{name}_deleted")

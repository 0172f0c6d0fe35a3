"""The register's filter form: its unit and leader choices and its HTML, kept in each
process's memory and made stale on every node.

The unit and leader choices change rarely and crispy renders the fifteen-field form in about
12 ms, more than a whole page may take, while pages of the register come often. Both are kept
in this process's memory (the ``local`` cache) under the token of a shared stamp
(``accounts.stamps``) that a saved or deleted unit or leader renews once committed. A page then
costs no query for them (the stamp is read at most twice a second), and a new unit is in every
node's filter within a second. ``PetitionsConfig.ready()`` connects the receivers
(:func:`connect_receivers`), so they hold in commands too, not only once a view was imported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict
from django.utils.translation import get_language

from accounts.stamps import SharedStamp
from schedules.models import Leader, Unit

CHOICES_CACHE_SECONDS = 300  # also catches bulk updates, which send no signal
FORM_CACHE_SECONDS = 3600
STAMP = SharedStamp("register-choices")

Choices = list[tuple[int, str]]


def cache_key(name: str) -> str:
    """A key of the register in this process's memory, valid for the current choices."""
    return f"petitions:register:{STAMP.current()}:{name}"  # the stamp is read before the data


def unit_and_leader_choices() -> tuple[Choices, Choices]:
    """Units and leaders for the filter form."""
    key = cache_key("choices")
    cached = caches["local"].get(key)
    if cached is None:
        units = list(Unit.objects.order_by("kind", "name").values_list("pk", "name"))
        leaders = [
            (pk, f"{name}（{position}）")
            for pk, name, position in Leader.objects.order_by("rotation_order", "name").values_list(
                "pk", "name", "position"
            )
        ]
        cached = (units, leaders)
        caches["local"].set(key, cached, CHOICES_CACHE_SECONDS)
    return cached


def cached_form_html(query: QueryDict, render: Callable[[], str]) -> str:
    """The filter form's HTML for this query string; ``render`` makes it when not kept.

    The HTML depends only on the language, the values in the query string (paging cursors
    aside) and the unit and leader lists (the stamp): paging through one filtered list, or
    coming back to a common filter, renders it once.
    """
    values = sorted((k, v) for k, vs in query.lists() if k not in ("after", "before") for v in vs)
    raw = json.dumps([get_language(), values], ensure_ascii=False)
    key = cache_key("form:" + hashlib.sha256(raw.encode()).hexdigest())
    html = caches["local"].get(key)
    if html is None:
        html = render()
        caches["local"].set(key, html, FORM_CACHE_SECONDS)
    return html


def forget_choices(**kwargs) -> None:
    """A unit or leader changed: once committed, every node's choices and forms are stale."""
    transaction.on_commit(STAMP.renew)


def connect_receivers() -> None:
    """Forget the kept choices whenever a unit or leader is saved or deleted."""
    for model, name in ((Unit, "units"), (Leader, "leaders")):
        post_save.connect(forget_choices, sender=model, dispatch_uid=f"register_{name}_saved")
        post_delete.connect(forget_choices, sender=model, dispatch_uid=f"register_{name}_deleted")

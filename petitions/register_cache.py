"""The register's filter form, kept in each process's memory and made stale on every node.

The unit and leader choices change rarely and crispy renders the fifteen-field form in about
12 ms, more than a whole page may take, while pages of the register come often. Both are kept
in this process's memory (the ``local`` cache) under the token of a shared stamp
(``accounts.stamps``) that a saved or deleted unit or leader renews once committed. A page
then costs no query for them (the stamp is read at most twice a second), and a new unit is in
every node's filter within a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from accounts.stamps import SharedStamp
from schedules.models import Leader, Unit

CHOICES_CACHE_SECONDS = 300  # also catches bulk updates, which send no signal
FORM_CACHE_SECONDS = 3600
STAMP = SharedStamp("register-choices")

Choices = tuple[list[tuple[int, str]], list[tuple[int, str]]]


def unit_and_leader_choices() -> Choices:
    """Units and leaders for the filter form."""
    key = f"petitions:register:choices:{STAMP.current()}"  # read before the data
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


def form_html(values: list[tuple[str, str]], render: Callable[[], str]) -> str:
    """The form's HTML for these filter values in the current language (``render`` makes it
    when this process has none for the current choices)."""
    raw = json.dumps([get_language(), STAMP.current(), values], ensure_ascii=False)
    key = "petitions:register:form:" + hashlib.sha256(raw.encode()).hexdigest()
    html = caches["local"].get(key)
    if html is None:
        html = render()
        caches["local"].set(key, html, FORM_CACHE_SECONDS)
    return html


@receiver(post_save, sender=Unit, dispatch_uid="register_units_saved")
@receiver(post_delete, sender=Unit, dispatch_uid="register_units_deleted")
@receiver(post_save, sender=Leader, dispatch_uid="register_leaders_saved")
@receiver(post_delete, sender=Leader, dispatch_uid="register_leaders_deleted")
def _choices_changed(**kwargs) -> None:
    transaction.on_commit(STAMP.renew)

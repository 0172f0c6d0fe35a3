"""Re-encrypting every encrypted column under the newest data key (``manage.py reencrypt``).

Why in batches by primary key, each in its own transaction with its rows locked: an
interruption leaves every row either wholly under the old key or wholly under the new one,
never half-written, and a second run skips the rows already done and carries on.

History: the pghistory event tables (``petitions.CaseEvent``) hold copies of the encrypted
columns, so they are re-encrypted too, or the old key would be needed as long as history
exists. Their content stays identical (same plaintext, same hashes' values), so the rewrite
runs with the rewritten model's triggers ignored (``pgtrigger.ignore``): the event tables'
append-only protection (``PGHISTORY_APPEND_ONLY``, trigger ``append_only``) lets it through,
and the tracked model's history triggers record no "update" that changed nothing. The append-
only guarantee still holds for everything else: the exception is this one statement.

The rewrite assumes every running process already has the new key first in its
configuration (restart them all before), so nothing is written under an old key meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pgtrigger
from django.db import models, transaction

from petitions import crypto, keyring

# Lookup-hash columns and the encrypted column each hashes (on Case and on its events). The
# sources are stored normalized (E.164 phone, ID number) or normalized the same way by the hash
# itself (a name: NFKC, no whitespace, see petitions.identity.normalize_name).
LOOKUP_HASHES = {
    "petitioner_phone_hash": "petitioner_phone",
    "petitioner_id_hash": "petitioner_id_number",
    "petitioner_name_hash": "petitioner_name",
}
BATCH_SIZE = 500


class Progress(NamedTuple):
    model: str
    done: int
    total: int
    rewritten: int


class Outcome(NamedTuple):
    newest: str
    remaining: int  # rows still holding a token under an older key (written meanwhile)
    retired: list[str]


def _triggers(model: type[models.Model]) -> list[str]:
    registered = pgtrigger.registered()
    return [f"{m._meta.label}:{trigger.name}" for m, trigger in registered if m is model]


def _write(model: type[models.Model], rows: list[models.Model], names: list[str]) -> None:
    """Save the rows' encrypted columns (the field encrypts with the newest key) and hashes."""
    model._base_manager.bulk_update(rows, names)


def _rewrite_batch(
    model: type[models.Model], names: tuple[str, ...], ring: crypto.KeyRing, pks: list
) -> int:
    hashes = {h: source for h, source in LOOKUP_HASHES.items() if _has(model, h, source)}
    with transaction.atomic(), pgtrigger.ignore(*_triggers(model)):
        rows = list(
            keyring.stale_rows(model, names, ring)
            .filter(pk__in=pks)
            .select_for_update()
            .order_by("pk")
        )
        for row in rows:  # loaded as plaintext, whichever configured key opened it
            for column, source in hashes.items():
                if getattr(row, column):
                    setattr(row, column, ring.lookup_hash(getattr(row, source)))
        if rows:
            _write(model, rows, [*names, *hashes])
    return len(rows)


def _has(model: type[models.Model], *names: str) -> bool:
    fields = {field.name for field in model._meta.concrete_fields}
    return all(name in fields for name in names)


def reencrypt_model(
    model: type[models.Model],
    names: tuple[str, ...],
    ring: crypto.KeyRing,
    report: Callable[[Progress], None],
    batch_size: int = BATCH_SIZE,
) -> int:
    """Rewrite the model's stale rows batch by batch; the number rewritten."""
    label = model._meta.label
    manager = model._base_manager
    total, done, rewritten, last = manager.count(), 0, 0, None
    while True:
        batch = manager.order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        pks = list(batch.values_list("pk", flat=True)[:batch_size])
        if not pks:
            break
        rewritten += _rewrite_batch(model, names, ring, pks)
        done, last = done + len(pks), pks[-1]
        report(Progress(label, done, max(total, done), rewritten))
    if done == 0:
        report(Progress(label, 0, 0, 0))
    return rewritten


def reencrypt_all(report: Callable[[Progress], None], batch_size: int = BATCH_SIZE) -> Outcome:
    """Re-encrypt every encrypted column of every model; retire the older keys' fingerprints
    when no row uses them any more."""
    ring = crypto.current_ring()
    keyring.record_keys({ring.newest.fingerprint})
    for model, names in keyring.encrypted_fields():
        reencrypt_model(model, names, ring, report, batch_size)
    remaining = sum(
        keyring.stale_rows(model, names, ring).count()
        for model, names in keyring.encrypted_fields()
    )
    retired = [] if remaining else keyring.retire_all_but(ring.newest.fingerprint)
    return Outcome(ring.newest.fingerprint, remaining, retired)

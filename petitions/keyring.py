"""Which petitioner-data keys the database needs, and refusing to run without them.

Why: a lost key makes every encrypted ID number, phone and address unreadable, and a key
silently made anew (after a restore, or when ``var/keys`` was cleaned) writes new data that
the real key cannot read. So the database keeps the fingerprint of every key its data uses
(:class:`DataKey`), start-up compares them with the configured keys (:func:`verify_keys`, run
by ``config/wsgi.py`` and as a system check), and the first encryption or decryption in a
process checks once more (the lazy guard), in case start-up found the database unreachable.

Development keeps its key in ``settings.PETITIONER_DATA_KEY_FILE`` when the variable is
unset; that file is created only while the database holds no encrypted data. Fingerprints are
derived from a key with HKDF (``petitions.crypto``) and reveal nothing of it.
"""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, ProgrammingError, models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from petitions import crypto

__all__ = [
    "GUARD",
    "DataKey",
    "active_ring",
    "configured_ring",
    "data_keys_check",
    "encrypted_data_exists",
    "encrypted_fields",
    "forget_process_state",
    "record_keys",
    "retire_all_but",
    "stale_rows",
    "tokens",
    "verify_keys",
]

# The database is unreachable or not migrated yet: nothing to compare, the first use checks.
_UNAVAILABLE = (OperationalError, ProgrammingError)


class DataKey(models.Model):
    """A key that encrypted data in this database, by fingerprint (never the key itself).

    Retired once ``manage.py reencrypt`` left nothing under it: the key may then leave the
    configuration, but backups taken before still need it.
    """

    fingerprint = models.CharField(max_length=16, unique=True)
    first_used_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_used_at", "id"]

    def __str__(self) -> str:
        return self.fingerprint


# --- Where encrypted data lives -----------------------------------------------------------------


@cache
def encrypted_fields() -> tuple[tuple[type[models.Model], tuple[str, ...]], ...]:
    """Every concrete model with EncryptedTextField columns (history tables included)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = tuple(
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, crypto.EncryptedTextField)
        )
        if names:
            found.append((model, names))
    return tuple(found)


def _raw(name: str) -> str:
    return f"_token_{name}"


def tokens(model: type[models.Model], names: tuple[str, ...]) -> QuerySet:
    """Rows with each encrypted column also as its stored token (``_token_<name>``)."""
    return model._base_manager.annotate(
        **{_raw(name): Cast(name, output_field=models.TextField()) for name in names}
    )


def _any(names: tuple[str, ...], lookup: str, value: str) -> Q:
    match = Q(pk__in=[])
    for name in names:
        match |= Q(**{f"{_raw(name)}__{lookup}": value})
    return match


def stale_rows(model: type[models.Model], names: tuple[str, ...], ring) -> QuerySet:
    """Rows holding a token that is not under the ring's newest key."""
    match = Q(pk__in=[])
    for name in names:
        token = _raw(name)
        match |= Q(**{f"{token}__gt": ""}) & ~Q(**{f"{token}__startswith": ring.prefix})
    return tokens(model, names).filter(match)


def encrypted_data_exists() -> bool:
    return any(
        tokens(model, names).filter(_any(names, "gt", "")).exists()
        for model, names in encrypted_fields()
    )


def _uses(prefix: str) -> bool:
    return any(
        tokens(model, names).filter(_any(names, "startswith", prefix)).exists()
        for model, names in encrypted_fields()
    )


def _newest_tokens() -> list[tuple[str, str]]:
    """Per model, the newest row's tokens: a sample the configured keys must open."""
    found = []
    for model, names in encrypted_fields():
        row = (
            tokens(model, names)
            .filter(_any(names, "gt", ""))
            .order_by("-pk")
            .values_list(*(_raw(name) for name in names))
            .first()
        )
        # A column that holds plain text until its data migration has run (names, before
        # 0007) is no sample: start-up and ``migrate`` must not stop on it.
        found += [(model._meta.label, token) for token in row or () if _is_token(token)]
    return found


def _is_token(value: str | None) -> bool:
    return bool(value) and value.startswith((crypto.TOKEN_PREFIX, crypto.LEGACY_PREFIX))


# --- The development key file -------------------------------------------------------------------

_DEV_KEYS: dict[Path, str] = {}  # read once per process: a file deleted later changes nothing


def _key_file() -> Path | None:
    path = getattr(settings, "PETITIONER_DATA_KEY_FILE", None)
    return Path(path) if path else None


def _missing_file(path: Path) -> str:
    return (
        f"The database holds encrypted petitioner data, but {crypto.KEY_SETTING} is not set "
        f"and the development key file {path} is missing. Restore that file (or set "
        f"{crypto.KEY_SETTING}) from the backup made with this database. No new key is "
        "generated: it could not read this data."
    )


def _create_key_file(path: Path) -> None:
    """Write a new key atomically: link() fails if another process got there first, and
    every process then reads the same key."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(crypto.generate_key())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot create the development data key {path} ({error}): set "
            f"{crypto.KEY_SETTING}, or make {path.parent} writable by the application."
        ) from None


def _dev_key(path: Path, holds_data: bool | None) -> str:
    known = _DEV_KEYS.get(path)
    if known:
        return known
    if not path.exists():
        if encrypted_data_exists() if holds_data is None else holds_data:
            raise ImproperlyConfigured(_missing_file(path))
        _create_key_file(path)
    try:
        material = path.read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"Cannot read the data key file {path}: {error}.") from None
    crypto.ring_for(material, f"The data key file {path}")  # malformed: say which file
    _DEV_KEYS[path] = material
    return material


def configured_ring(holds_data: bool | None = None) -> crypto.KeyRing:
    """The keys from the setting or, unset, from the development key file (created here
    when missing and the database holds no encrypted data; ``holds_data`` if known)."""
    if getattr(settings, crypto.KEY_SETTING, None):
        return crypto.settings_ring()
    path = _key_file()
    if path is None:
        return crypto.settings_ring()  # ImproperlyConfigured: the setting is required
    return crypto.ring_for(_dev_key(path, holds_data), f"The data key file {path}")


# --- Comparing the database's keys with the configured ones -------------------------------------


def _source() -> str:
    if getattr(settings, crypto.KEY_SETTING, None):
        return crypto.KEY_SETTING
    return f"the development key file {_key_file()}"


def _refusal(needed: str, ring: crypto.KeyRing) -> str:
    return (
        f"Encrypted petitioner data in this database needs {needed}, which {_source()} does "
        f"not hold (it holds {', '.join(ring.fingerprints)}). Restore the key from the backup "
        f"made with this database: set {crypto.KEY_SETTING} (several keys comma-separated, "
        f"newest first) or, in development, put back the file {_key_file()}. Do not generate "
        "a new key: it cannot read this data."
    )


def _still_needed(missing: set[str]) -> set[str]:
    """The recorded keys that data still uses; with v1 tokens (which name no key), all."""
    if _uses(crypto.LEGACY_PREFIX):
        return missing
    return {fp for fp in missing if _uses(f"{crypto.TOKEN_PREFIX}{fp}:")}


def _keys_of_samples(ring: crypto.KeyRing) -> set[str]:
    used = set()
    for label, token in _newest_tokens():
        try:
            used.add(ring.open(token)[1].fingerprint)
        except crypto.DecryptionError:
            raise ImproperlyConfigured(
                _refusal(f"a key that opens the newest {label} record", ring)
            ) from None
    return used


def record_keys(fingerprints: set[str] | tuple[str, ...]) -> None:
    """Note keys as in use (again, if they had been retired)."""
    for fingerprint in fingerprints:
        key, created = DataKey.objects.get_or_create(fingerprint=fingerprint)
        if not created and key.retired_at is not None:
            DataKey.objects.filter(pk=key.pk).update(retired_at=None)


def retire_all_but(fingerprint: str) -> list[str]:
    """Mark every other key retired: nothing in the database uses them any more."""
    old = DataKey.objects.filter(retired_at__isnull=True).exclude(fingerprint=fingerprint)
    retired = list(old.values_list("fingerprint", flat=True))
    old.update(retired_at=timezone.now())
    return retired


def _compare(ring: crypto.KeyRing | None, *, first_use: bool) -> crypto.KeyRing:
    holds_data = encrypted_data_exists()
    ring = ring or configured_ring(holds_data)
    recorded = DataKey.objects.filter(retired_at__isnull=True)
    missing = set(recorded.values_list("fingerprint", flat=True)) - set(ring.fingerprints)
    needed = _still_needed(missing) if missing else set()
    if needed:
        raise ImproperlyConfigured(_refusal(f"the key(s) {', '.join(sorted(needed))}", ring))
    if missing:  # recorded, but no data uses them: nothing to restore
        DataKey.objects.filter(fingerprint__in=missing).update(retired_at=timezone.now())
    used = _keys_of_samples(ring) if holds_data else set()
    if holds_data or first_use:
        record_keys(used | {ring.newest.fingerprint})
    return ring


def verify_keys() -> None:
    """Refuse (ImproperlyConfigured) when the database holds data under a key that is not
    configured; record the keys in use. Silent while the database is unreachable or not
    migrated: the first encryption or decryption then checks (see :func:`active_ring`)."""
    try:
        with transaction.atomic():
            ring = _compare(None, first_use=False)
            recorded = DataKey.objects.filter(fingerprint=ring.newest.fingerprint).exists()
    except _UNAVAILABLE:
        return
    if recorded:  # else the first encryption records the key (an empty database: no data)
        _VERIFIED.add(ring.fingerprints)


# --- The lazy guard -----------------------------------------------------------------------------

_VERIFIED: set[tuple[str, ...]] = set()  # rings checked against this database in this process
GUARD = {"enabled": True}  # the test suite turns it off but in tests/petitions/test_keys.py
_RETRY_SECONDS = 5.0  # database unavailable: don't pay a failing check on every value
_retry_at = {"time": 0.0}


def active_ring() -> crypto.KeyRing:
    """The ring ``petitions.crypto`` uses: checked against the database once per process."""
    ring = configured_ring()
    if (
        GUARD["enabled"]
        and ring.fingerprints not in _VERIFIED
        and time.monotonic() >= _retry_at["time"]
    ):
        try:
            with transaction.atomic():
                _compare(ring, first_use=True)
        except _UNAVAILABLE:
            # Unreachable: what follows fails the same way. Not migrated yet: as before keys
            # had fingerprints. Either way, check again a little later.
            _retry_at["time"] = time.monotonic() + _RETRY_SECONDS
            return ring
        # Inside a transaction the recorded fingerprint is only kept if it commits.
        transaction.on_commit(lambda: _VERIFIED.add(ring.fingerprints))
    return ring


def forget_process_state() -> None:
    """Forget what this process read and checked (for tests that change keys and files)."""
    _DEV_KEYS.clear()
    _VERIFIED.clear()
    _retry_at["time"] = 0.0


crypto.set_ring_provider(active_ring)


@register()
def data_keys_check(app_configs, **kwargs) -> list[Error]:
    """Every command (runserver, migrate...) refuses to run on data it cannot read."""
    if app_configs is not None and not any(c.name == "petitions" for c in app_configs):
        return []
    try:
        verify_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="xinfang.E001")]
    return []

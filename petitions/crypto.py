"""Encryption at rest for petitioners' identity data (names, ID numbers, phones, addresses).

Design:

* The Django setting ``PETITIONER_DATA_KEY`` holds one or several keys, comma-separated,
  newest first (each urlsafe base64 of 32 random bytes, see :func:`generate_key`). The
  newest encrypts, every one decrypts: a key is replaced by putting the new one in front
  and running ``manage.py reencrypt`` (README, "Keys").
* From each key, HKDF-SHA256 derives independent keys: one encrypts, one builds search
  hashes (leaking lookup hashes reveals nothing about the encryption key), and one
  fingerprint that names the key in tokens and in the database (``petitions.keyring``)
  without revealing it.
* Values are encrypted with AES-256-GCM and a fresh random 96-bit nonce per value, so
  equal plaintexts give different ciphertexts and any modification is detected. A token is
  ``v2:<fingerprint>:<urlsafe base64(nonce + ciphertext)>``; ``v1:<...>`` tokens (written
  before keys had fingerprints) still decrypt, with whichever configured key opens them.
* Encrypted columns cannot be searched. Store :func:`lookup_hash` (newest key) of the
  normalized value in a separate indexed column, and match with :func:`lookup_hashes`
  (every key) so values stored before a rotation are still found.
* Keys are read from settings on every call (derivation is cached per setting value), so
  ``override_settings`` works in tests and a changed setting takes effect without
  import-order surprises. ``petitions.keyring`` installs the provider that adds the
  development key file and the check that the database's keys are all configured.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

__all__ = [
    "KEY_SETTING",
    "LEGACY_PREFIX",
    "TOKEN_PREFIX",
    "DecryptionError",
    "EncryptedTextField",
    "Key",
    "KeyRing",
    "current_ring",
    "decrypt",
    "encrypt",
    "generate_key",
    "lookup_hash",
    "lookup_hashes",
    "ring_for",
    "set_ring_provider",
    "settings_ring",
]

KEY_SETTING = "PETITIONER_DATA_KEY"
TOKEN_PREFIX = "v2:"  # v2:<fingerprint>:<base64>
LEGACY_PREFIX = "v1:"  # v1:<base64>, no key named

_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12  # 96-bit nonce, the size GCM is designed for
_TAG_BYTES = 16
_FINGERPRINT_BYTES = 8  # 16 hex digits: names a key among a handful, reveals nothing of it
_BASE64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_FINGERPRINT = re.compile(f"[0-9a-f]{{{2 * _FINGERPRINT_BYTES}}}")


class DecryptionError(ValueError):
    """A stored token could not be decrypted: wrong key, corrupted or tampered data."""


class Key(NamedTuple):
    """One configured key, as the sub-keys derived from it."""

    fingerprint: str
    encryption: bytes
    lookup: bytes


def generate_key() -> str:
    """Return a new random value for the ``PETITIONER_DATA_KEY`` setting.

    Usage: ``python -c "from petitions.crypto import generate_key; print(generate_key())"``.
    Losing the key makes all encrypted data unreadable, so back it up separately from
    the database.
    """
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


def _derive(master: bytes, info: bytes, length: int = _KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


def _decode_key(text: str, where: str) -> bytes:
    if not _BASE64.fullmatch(text):
        raise ImproperlyConfigured(f"{where} is not valid urlsafe base64.")
    try:
        master = base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, binascii.Error):
        raise ImproperlyConfigured(f"{where} is not valid urlsafe base64.") from None
    if len(master) != _KEY_BYTES:
        raise ImproperlyConfigured(
            f"{where} must encode exactly {_KEY_BYTES} bytes, got {len(master)}."
        )
    return master


def _key_from(master: bytes) -> Key:
    return Key(
        fingerprint=_derive(master, b"fingerprint", _FINGERPRINT_BYTES).hex(),
        encryption=_derive(master, b"encryption"),
        lookup=_derive(master, b"lookup"),
    )


def _normalize(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _body(encoded: str) -> tuple[bytes, bytes]:
    try:
        raw = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (ValueError, binascii.Error):
        raise DecryptionError("Encrypted token is not valid base64.") from None
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("Encrypted token is too short.")
    return raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]


def _open(key: Key, nonce: bytes, ciphertext: bytes) -> str | None:
    try:
        return AESGCM(key.encryption).decrypt(nonce, ciphertext, None).decode("utf-8")
    except InvalidTag:
        return None


class KeyRing:
    """The configured keys, newest first: the newest encrypts and hashes, all decrypt."""

    def __init__(self, keys: tuple[Key, ...]) -> None:
        self.keys = keys
        self.newest = keys[0]
        self.fingerprints = tuple(key.fingerprint for key in keys)
        self.prefix = f"{TOKEN_PREFIX}{self.newest.fingerprint}:"
        self._by_fingerprint = {key.fingerprint: key for key in keys}

    def __repr__(self) -> str:
        return f"KeyRing({', '.join(self.fingerprints)})"

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(self.newest.encryption).encrypt(nonce, plaintext.encode("utf-8"), None)
        return self.prefix + base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")

    def open(self, token: str) -> tuple[str, Key]:
        """The plaintext of ``token`` and the key that opened it (DecryptionError if none)."""
        if not isinstance(token, str):
            raise DecryptionError("Not an encrypted token.")
        if token.startswith(TOKEN_PREFIX):
            fingerprint, _sep, encoded = token[len(TOKEN_PREFIX) :].partition(":")
            if not _FINGERPRINT.fullmatch(fingerprint):
                raise DecryptionError("Encrypted token names no key.")
            key = self._by_fingerprint.get(fingerprint)
            if key is None:
                raise DecryptionError(
                    f"Encrypted with data key {fingerprint}, which is not configured."
                )
            candidates: tuple[Key, ...] = (key,)
        elif token.startswith(LEGACY_PREFIX):
            encoded, candidates = token[len(LEGACY_PREFIX) :], self.keys
        else:
            raise DecryptionError("Not an encrypted token (no 'v2:' or 'v1:' prefix).")
        nonce, ciphertext = _body(encoded)
        for key in candidates:
            plaintext = _open(key, nonce, ciphertext)
            if plaintext is not None:
                return plaintext, key
        raise DecryptionError(
            "Encrypted data failed authentication: it was modified or the key is wrong."
        )

    def is_current(self, token: str) -> bool:
        """True for a blank value or a token already under the newest key."""
        return token == "" or token.startswith(self.prefix)

    def lookup_hash(self, value: str) -> str:
        normalized = _normalize(value) if value else ""
        return _hmac(self.newest, normalized) if normalized else ""

    def lookup_hashes(self, value: str) -> list[str]:
        normalized = _normalize(value) if value else ""
        return [_hmac(key, normalized) for key in self.keys] if normalized else []


def _hmac(key: Key, normalized: str) -> str:
    return hmac.new(key.lookup, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=16)
def ring_for(material: str, source: str = KEY_SETTING) -> KeyRing:
    """Decode comma-separated keys, newest first, and derive their sub-keys (cached:
    HKDF per call is wasteful). ``source`` names where they came from in error messages."""
    parts = [part.strip() for part in material.split(",")]
    keys: list[Key] = []
    for position, part in enumerate(parts, start=1):
        where = source if len(parts) == 1 else f"{source}, key {position} of {len(parts)},"
        key = _key_from(_decode_key(part, where))
        if key not in keys:
            keys.append(key)
    return KeyRing(tuple(keys))


def settings_ring() -> KeyRing:
    """The keys of the ``PETITIONER_DATA_KEY`` setting (a string, or a list of keys)."""
    material = getattr(settings, KEY_SETTING, None)
    if isinstance(material, list | tuple):
        material = ",".join(material)
    if not material or not isinstance(material, str):
        raise ImproperlyConfigured(
            f"The {KEY_SETTING} setting is required to store petitioners' personal data; "
            "generate one with petitions.crypto.generate_key()."
        )
    return ring_for(material)


_provider: Callable[[], KeyRing] = settings_ring


def set_ring_provider(provider: Callable[[], KeyRing] | None) -> None:
    """Where :func:`current_ring` gets the keys (``petitions.keyring`` installs its own)."""
    global _provider
    _provider = provider or settings_ring


def current_ring() -> KeyRing:
    """The keys in use now (from settings; through ``petitions.keyring`` in the app)."""
    return _provider()


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` with the newest key into ``v2:<fingerprint>:<base64>``.

    The empty string stays empty so "not provided" remains visible (and queryable)
    without decrypting, and blank optional fields don't cost a ciphertext.
    """
    if plaintext == "":
        return ""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() expects str, not {type(plaintext).__name__}")
    return current_ring().encrypt(plaintext)


def decrypt(token: str) -> str:
    """Decrypt a token produced by :func:`encrypt`, with whichever configured key made it.

    Raises :class:`DecryptionError` if the token is malformed, was encrypted with a key
    that is not configured, or was modified in any way (GCM authentication failure).
    """
    if token == "":
        return ""
    return current_ring().open(token)[0]


def lookup_hash(value: str) -> str:
    """Return a keyed hash (HMAC-SHA256, hex) of ``value`` under the newest key, to store.

    Only a generic normalization is applied here (NFKC, whitespace removed, case
    folded) so trivially different spellings hash equal. Callers should first apply
    the domain normalization (``identity.normalize_id_number`` / ``normalize_phone``)
    both when storing and when searching. Being keyed, the hash cannot be reversed by
    brute-forcing the small space of valid ID or phone numbers without the key.
    """
    if not value:
        return ""
    return current_ring().lookup_hash(value)


def lookup_hashes(value: str) -> list[str]:
    """The hashes of ``value`` under every configured key, to match with ``__in``: rows
    stored before a rotation (and not yet re-encrypted) carry an older key's hash."""
    if not value:
        return []
    return current_ring().lookup_hashes(value)


# ------------------------------------------------------------------------- model field


class _EmptyOnlyExact(Exact):
    """``field=""`` / ``field=None`` work (blank values are stored as-is); anything else
    would be compared against a freshly encrypted, random-nonce token and silently never
    match, so it is refused loudly instead."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                "Encrypted fields cannot be searched by value; filter on the "
                "corresponding lookup-hash field instead."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A ``TextField`` whose column holds :func:`encrypt` output; Python sees plaintext.

    Querying: the database only sees random-looking tokens, so ``isnull`` and
    comparison with the empty string are the only meaningful lookups. Every other lookup
    or transform (``exact`` with a value, ``icontains``, ``startswith``...) raises
    ``FieldError`` instead of silently matching nothing. Ordering by the field, unique
    constraints and indexes on it are equally meaningless (they see ciphertext). Search
    through a separate field holding :func:`lookup_hash` of the normalized value.

    Note that ``dumpdata`` serializes the plaintext (like any field's Python value), so
    treat fixtures/dumps of these models as personal data.
    """

    description = _("Encrypted text")

    _allowed_lookups = {"isnull": IsNull, "exact": _EmptyOnlyExact}

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value)

    def to_python(self, value: Any) -> str | None:
        # Values reaching to_python (forms, deserialization) are plaintext already.
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        return self._allowed_lookups.get(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None

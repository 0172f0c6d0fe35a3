"""Encryption at rest for petitioners' identity data (names, ID numbers, phones, addresses).

Design:

* One secret, the Django setting ``PETITIONER_DATA_KEY`` (urlsafe base64 of 32 random
  bytes, see :func:`generate_key`). Two independent keys are derived from it with
  HKDF-SHA256 so that the key that encrypts data is never the key that builds search
  hashes: leaking lookup hashes (or the code path using them) reveals nothing about the
  encryption key.
* Values are encrypted with AES-256-GCM and a fresh random 96-bit nonce per value, so
  equal plaintexts give different ciphertexts and any modification is detected.
* Encrypted columns cannot be searched. Store :func:`lookup_hash` of the normalized
  value in a separate indexed column for exact-match search and repeat-petitioner
  detection.
* Keys are read from settings on every call (derivation is cached per setting value),
  so ``override_settings`` works in tests and a changed setting takes effect without
  import-order surprises.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
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
    "TOKEN_PREFIX",
    "DecryptionError",
    "EncryptedTextField",
    "decrypt",
    "encrypt",
    "generate_key",
    "lookup_hash",
]

KEY_SETTING = "PETITIONER_DATA_KEY"
TOKEN_PREFIX = "v1:"

_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12  # 96-bit nonce, the size GCM is designed for
_TAG_BYTES = 16


class DecryptionError(ValueError):
    """A stored token could not be decrypted: wrong key, corrupted or tampered data."""


class _Keys(NamedTuple):
    encryption: bytes
    lookup: bytes


def generate_key() -> str:
    """Return a new random value for the ``PETITIONER_DATA_KEY`` setting.

    Usage: ``python -c "from petitions.crypto import generate_key; print(generate_key())"``.
    Losing the key makes all encrypted data unreadable, so back it up separately from
    the database.
    """
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=info).derive(master)


@lru_cache(maxsize=8)
def _keys_for(material: str) -> _Keys:
    """Decode the setting and derive both sub-keys (cached: HKDF per call is wasteful)."""
    try:
        master = base64.urlsafe_b64decode(material.strip().encode("ascii"))
    except (ValueError, binascii.Error):
        raise ImproperlyConfigured(f"{KEY_SETTING} is not valid urlsafe base64.") from None
    if len(master) != _KEY_BYTES:
        raise ImproperlyConfigured(
            f"{KEY_SETTING} must encode exactly {_KEY_BYTES} bytes, got {len(master)}."
        )
    return _Keys(encryption=_derive(master, b"encryption"), lookup=_derive(master, b"lookup"))


def _keys() -> _Keys:
    material = getattr(settings, KEY_SETTING, None)
    if not material or not isinstance(material, str):
        raise ImproperlyConfigured(
            f"The {KEY_SETTING} setting is required to store petitioners' personal data; "
            "generate one with petitions.crypto.generate_key()."
        )
    return _keys_for(material)


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` into a text token ``v1:<urlsafe base64(nonce + ciphertext)>``.

    The empty string stays empty so "not provided" remains visible (and queryable)
    without decrypting, and blank optional fields don't cost a ciphertext.
    """
    if plaintext == "":
        return ""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() expects str, not {type(plaintext).__name__}")
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(_keys().encryption).encrypt(nonce, plaintext.encode("utf-8"), None)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token produced by :func:`encrypt`.

    Raises :class:`DecryptionError` if the token is malformed, was encrypted with a
    different key, or was modified in any way (GCM authentication failure).
    """
    if token == "":
        return ""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("Not an encrypted token (missing 'v1:' prefix).")
    try:
        raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX) :].encode("ascii"))
    except (ValueError, binascii.Error):
        raise DecryptionError("Encrypted token is not valid base64.") from None
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("Encrypted token is too short.")
    nonce, ciphertext = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        data = AESGCM(_keys().encryption).decrypt(nonce, ciphertext, None)
    except InvalidTag:
        raise DecryptionError(
            "Encrypted data failed authentication: it was modified or the key is wrong."
        ) from None
    return data.decode("utf-8")


def lookup_hash(value: str) -> str:
    """Return a keyed hash (HMAC-SHA256, hex) of ``value`` for exact-match search.

    Only a generic normalization is applied here (NFKC, whitespace removed, case
    folded) so trivially different spellings hash equal. Callers should first apply
    the domain normalization (``identity.normalize_id_number`` / ``normalize_phone``)
    both when storing and when searching. Being keyed, the hash cannot be reversed by
    brute-forcing the small space of valid ID or phone numbers without the key.
    """
    if not value:
        return ""
    normalized = "".join(unicodedata.normalize("NFKC", value).split()).casefold()
    if not normalized:
        return ""
    return hmac.new(_keys().lookup, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


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

"""Reading the environment for the settings (config/settings.py): each reader turns one
variable into a value, and a malformed value stops start-up with a message naming it."""

from __future__ import annotations

import base64
import binascii
import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_token(name: str) -> str:
    """A shared secret, or "" when unset; one too short to be safe stops start-up."""
    value = os.environ.get(name, "").strip()
    if value and (len(value) < 32 or not value.isascii() or not value.isprintable()):
        raise ImproperlyConfigured(f"{name} must be at least 32 printable ASCII characters.")
    return value


def env_keys(name: str) -> str:
    """Comma-separated keys, newest first, each urlsafe base64 of 32 bytes; a malformed one
    stops start-up with its position. Empty when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    keys = [key.strip() for key in raw.split(",")]
    for position, key in enumerate(keys, start=1):
        where = name if len(keys) == 1 else f"{name}, key {position} of {len(keys)},"
        try:
            decoded = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, binascii.Error):
            decoded = b""
        if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", key) or len(decoded) != 32:
            raise ImproperlyConfigured(
                f"{where} is not a key: each key is urlsafe base64 of 32 random bytes "
                '(python -c "from petitions.crypto import generate_key; print(generate_key())").'
            )
    return ",".join(keys)

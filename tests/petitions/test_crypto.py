"""Tests for petitions.crypto (encryption at rest and lookup hashes).

Every test runs under ``override_settings`` with a fixed test key, so the module works
both stand-alone (minimal ``settings.configure``) and under pytest-django with the
project settings.
"""

import base64
import os

from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    # Stand-alone run (no pytest-django): minimal settings and an empty app registry.
    import django

    settings.configure(USE_I18N=False)
    django.setup()

import pytest  # noqa: E402
from django.core.exceptions import FieldError, ImproperlyConfigured  # noqa: E402
from django.db import models  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import isolate_apps  # noqa: E402

from petitions import crypto  # noqa: E402
from petitions.crypto import (  # noqa: E402
    DecryptionError,
    EncryptedTextField,
    decrypt,
    encrypt,
    generate_key,
    lookup_hash,
)

TEST_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode("ascii")
OTHER_KEY = base64.urlsafe_b64encode(b"\xa5" * 32).decode("ascii")

ID_NUMBER = "211302199001011239"


@pytest.fixture(autouse=True)
def _data_key():
    with override_settings(PETITIONER_DATA_KEY=TEST_KEY):
        yield


def _flip_byte(token: str, index: int) -> str:
    prefix, _sep, body = token.rpartition(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[index] ^= 0x01
    return prefix + ":" + base64.urlsafe_b64encode(bytes(raw)).decode("ascii")


# ------------------------------------------------------------------ encrypt / decrypt


def test_round_trip():
    plaintext = "张三，辽宁省朝阳市双塔区"
    assert decrypt(encrypt(plaintext)) == plaintext


def test_token_is_versioned_text_naming_its_key():
    fingerprint = crypto.ring_for(TEST_KEY).newest.fingerprint
    assert encrypt(ID_NUMBER).startswith(f"v2:{fingerprint}:")


def test_token_contains_nonce_ciphertext_and_tag():
    raw = base64.urlsafe_b64decode(encrypt(ID_NUMBER).rpartition(":")[2])
    assert len(raw) == 12 + len(ID_NUMBER) + 16


def test_same_plaintext_encrypts_differently_each_time():
    assert encrypt(ID_NUMBER) != encrypt(ID_NUMBER)


def test_token_does_not_contain_plaintext():
    token = encrypt(ID_NUMBER)
    assert ID_NUMBER not in token
    assert ID_NUMBER[-8:] not in token


def test_tampered_ciphertext_is_rejected():
    token = _flip_byte(encrypt(ID_NUMBER), 12)
    with pytest.raises(DecryptionError):
        decrypt(token)


def test_tampered_nonce_is_rejected():
    token = _flip_byte(encrypt(ID_NUMBER), 0)
    with pytest.raises(DecryptionError):
        decrypt(token)


def test_truncated_token_is_rejected():
    with pytest.raises(DecryptionError):
        decrypt(encrypt(ID_NUMBER)[:-8])


def test_token_without_prefix_is_rejected():
    with pytest.raises(DecryptionError):
        decrypt(ID_NUMBER)


def test_token_from_another_key_is_rejected():
    with override_settings(PETITIONER_DATA_KEY=OTHER_KEY):
        token = encrypt(ID_NUMBER)
    with pytest.raises(DecryptionError):
        decrypt(token)


def test_empty_string_stays_empty():
    assert encrypt("") == ""
    assert decrypt("") == ""


# ----------------------------------------------------------------------- lookup hash


def test_lookup_hash_is_deterministic():
    assert lookup_hash(ID_NUMBER) == lookup_hash(ID_NUMBER)


def test_lookup_hash_is_hex_sha256():
    value = lookup_hash(ID_NUMBER)
    assert len(value) == 64
    int(value, 16)


def test_lookup_hash_differs_between_values():
    assert lookup_hash(ID_NUMBER) != lookup_hash("11010519491231002X")


def test_lookup_hash_depends_on_key():
    with override_settings(PETITIONER_DATA_KEY=OTHER_KEY):
        other = lookup_hash(ID_NUMBER)
    assert lookup_hash(ID_NUMBER) != other


def test_lookup_hash_normalizes_width_case_and_spaces():
    assert lookup_hash("１１０１０５ １９４９１２３１００２ｘ") == lookup_hash("11010519491231002X")


def test_lookup_hash_of_empty_is_empty():
    assert lookup_hash("") == ""


def test_encryption_and_lookup_keys_differ():
    key = crypto.ring_for(TEST_KEY).newest
    assert key.encryption != key.lookup
    assert key.fingerprint not in (key.encryption.hex(), key.lookup.hex())


# ---------------------------------------------------------------------- configuration


def test_missing_key_is_improperly_configured():
    unset = override_settings(PETITIONER_DATA_KEY=None, PETITIONER_DATA_KEY_FILE=None)
    with unset, pytest.raises(ImproperlyConfigured):
        encrypt("x")


def test_key_of_wrong_length_is_improperly_configured():
    short = base64.urlsafe_b64encode(b"\x00" * 16).decode("ascii")
    with override_settings(PETITIONER_DATA_KEY=short), pytest.raises(ImproperlyConfigured):
        lookup_hash("x")


def test_generated_key_is_usable_and_random():
    key = generate_key()
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert key != generate_key()
    with override_settings(PETITIONER_DATA_KEY=key):
        assert decrypt(encrypt("ok")) == "ok"


# ----------------------------------------------------------------------- model field


def test_field_stores_ciphertext():
    stored = EncryptedTextField().get_prep_value(ID_NUMBER)
    assert stored.startswith("v2:")
    assert decrypt(stored) == ID_NUMBER


def test_field_returns_plaintext_from_db():
    field = EncryptedTextField()
    assert field.from_db_value(encrypt(ID_NUMBER), None, None) == ID_NUMBER


def test_field_keeps_none_and_empty():
    field = EncryptedTextField(null=True)
    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value("", None, None) == ""


def test_field_to_python_returns_plaintext():
    assert EncryptedTextField().to_python(ID_NUMBER) == ID_NUMBER


def test_field_deconstructs_for_migrations():
    name, path, args, kwargs = EncryptedTextField(blank=True).deconstruct()
    assert path == "petitions.crypto.EncryptedTextField"
    assert args == []
    assert kwargs == {"blank": True}


@isolate_apps("tests.petitions")
def test_field_refuses_value_lookups():
    class Holder(models.Model):
        secret = EncryptedTextField()

        class Meta:
            app_label = "crypto_tests"

        def __str__(self) -> str:
            return "holder"

    with pytest.raises(FieldError):
        Holder.objects.filter(secret=ID_NUMBER)
    with pytest.raises(FieldError):
        Holder.objects.filter(secret__icontains="2113")


@isolate_apps("tests.petitions")
def test_field_allows_isnull_and_empty_lookups():
    class Holder(models.Model):
        secret = EncryptedTextField(null=True)

        class Meta:
            app_label = "crypto_tests"

        def __str__(self) -> str:
            return "holder"

    Holder.objects.filter(secret__isnull=True)
    Holder.objects.filter(secret="")

"""Data keys are never silently replaced (petitions.keyring, petitions.rotation, reencrypt).

Every test runs with the lazy guard on (the first encryption in a process checks the
database's keys), as in production, and forgets what the "process" read between steps
that stand for a restart.
"""

from __future__ import annotations

import base64
import io
import os

import pgtrigger
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError, ProgrammingError, connection

from config.env import env_keys
from petitions import crypto, keyring, rotation
from petitions.crypto import decrypt, encrypt, lookup_hash, lookup_hashes
from petitions.keyring import DataKey, verify_keys
from petitions.models import Case
from tests.factories import ID_NUMBER, make_case, register

pytestmark = pytest.mark.django_db

KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode("ascii")
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode("ascii")
FP_A = crypto.ring_for(KEY_A).newest.fingerprint
FP_B = crypto.ring_for(KEY_B).newest.fingerprint
PHONE = "+8613800138000"
ENCRYPTED = (
    "query_code",
    "petitioner_name",
    "petitioner_phone",
    "petitioner_id_number",
    "petitioner_address",
    "representatives",
)
CaseEvent = Case.events.rel.related_model


@pytest.fixture(autouse=True)
def guarded(settings, tmp_path):
    keyring.forget_process_state()
    keyring.GUARD["enabled"] = True
    settings.PETITIONER_DATA_KEY = KEY_A
    settings.PETITIONER_DATA_KEY_FILE = tmp_path / "keys" / "petitioner_data_key"
    yield
    keyring.GUARD["enabled"] = False
    keyring.forget_process_state()


def restart(settings, key: str) -> None:
    """As if the processes were started again with this PETITIONER_DATA_KEY."""
    settings.PETITIONER_DATA_KEY = key
    keyring.forget_process_state()


def a_case(**overrides) -> Case:
    return make_case(
        petitioner_phone_hash=lookup_hash(PHONE),
        petitioner_id_hash=lookup_hash(ID_NUMBER),
        representatives="王强、赵敏",
        **overrides,
    )


def stored(model, **filters) -> list[tuple[str, ...]]:
    """The encrypted columns as stored (tokens), row by row in key order."""
    names = keyring.tokens(model, ENCRYPTED).filter(**filters).order_by("pk")
    return list(names.values_list(*(f"_token_{name}" for name in ENCRYPTED)))


def put_tokens(model, pk, tokens: dict[str, str]) -> None:
    """Write stored tokens back as a restore would (history's append-only trigger aside)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in tokens)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    triggers = [f"{m._meta.label}:{t.name}" for m, t in pgtrigger.registered() if m is model]
    with pgtrigger.ignore(*triggers), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {columns} WHERE {pk_column} = %s", [*tokens.values(), pk]
        )


def legacy_token(plaintext: str, key: str) -> str:
    """A ``v1:`` token, as written before keys had fingerprints."""
    nonce = os.urandom(12)
    cipher = AESGCM(crypto.ring_for(key).newest.encryption)
    body = nonce + cipher.encrypt(nonce, plaintext.encode(), None)
    return "v1:" + base64.urlsafe_b64encode(body).decode("ascii")


# --- Several keys ------------------------------------------------------------------------------


def test_with_two_keys_old_tokens_decrypt_and_new_ones_use_the_newest(settings):
    old, legacy = encrypt("张建国"), legacy_token("双塔区", KEY_A)
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A}"
    assert (decrypt(old), decrypt(legacy)) == ("张建国", "双塔区")
    assert encrypt("x").startswith(f"v2:{FP_B}:")
    assert lookup_hash(ID_NUMBER) == crypto.ring_for(KEY_B).lookup_hash(ID_NUMBER)
    assert lookup_hashes(ID_NUMBER) == [
        crypto.ring_for(KEY_B).lookup_hash(ID_NUMBER),
        crypto.ring_for(KEY_A).lookup_hash(ID_NUMBER),
    ]


def test_a_token_of_a_key_no_longer_configured_says_which_key(settings):
    token = encrypt("x")
    settings.PETITIONER_DATA_KEY = KEY_B
    keyring.GUARD["enabled"] = False  # the token is not in the database: only crypto speaks
    with pytest.raises(crypto.DecryptionError, match=FP_A):
        decrypt(token)


def test_a_malformed_key_names_the_variable_and_its_position(monkeypatch, settings):
    monkeypatch.setenv("PETITIONER_DATA_KEY", f"{KEY_B}, {KEY_A},not-a-key")
    with pytest.raises(ImproperlyConfigured, match="PETITIONER_DATA_KEY, key 3 of 3"):
        env_keys("PETITIONER_DATA_KEY")
    monkeypatch.setenv("PETITIONER_DATA_KEY", f"{KEY_B}, {KEY_A}")
    assert env_keys("PETITIONER_DATA_KEY") == f"{KEY_B},{KEY_A}"
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A[:20]}"
    with pytest.raises(ImproperlyConfigured, match="PETITIONER_DATA_KEY, key 2 of 2"):
        encrypt("x")


def test_a_repeat_petitioner_is_found_across_a_rotation(settings, clerk):
    earlier = register(clerk, location="一处")
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A}"
    case = register(clerk, location="别处", petitioner_phone="+8613700137000")
    assert case.repeat_of == earlier


# --- Fingerprints and refusing to start --------------------------------------------------------


def test_the_first_encryption_records_the_key_by_a_fingerprint_that_hides_it():
    a_case()
    assert list(DataKey.objects.values_list("fingerprint", flat=True)) == [FP_A]
    assert len(FP_A) == 16 and FP_A not in base64.urlsafe_b64decode(KEY_A).hex()


def test_a_wrong_key_with_existing_data_refuses_to_start(settings):
    case = a_case()
    restart(settings, KEY_B)
    with pytest.raises(ImproperlyConfigured) as refused:
        verify_keys()
    message = str(refused.value)
    assert FP_A in message and "PETITIONER_DATA_KEY" in message
    assert "backup" in message and "Do not generate a new key" in message
    [error] = keyring.data_keys_check(None)
    assert error.id == "xinfang.E001" and FP_A in error.msg
    # The guard: no request reads or writes with the wrong key either.
    with pytest.raises(ImproperlyConfigured, match=FP_A):
        encrypt("x")
    with pytest.raises(ImproperlyConfigured, match=FP_A):
        Case.objects.get(pk=case.pk)


def test_data_from_before_fingerprints_is_checked_by_opening_a_sample(settings):
    case = a_case()
    put_tokens(Case, case.pk, {"query_code": legacy_token("K7P3Q9M2", KEY_A)})
    DataKey.objects.all().delete()
    restart(settings, KEY_B)
    with pytest.raises(ImproperlyConfigured, match="opens the newest petitions.Case"):
        verify_keys()
    restart(settings, KEY_A)
    verify_keys()
    assert list(DataKey.objects.values_list("fingerprint", flat=True)) == [FP_A]
    assert Case.objects.get(pk=case.pk).query_code == "K7P3Q9M2"


def test_the_check_is_silent_while_the_database_is_unreachable_or_not_migrated(monkeypatch):
    for error in (OperationalError, ProgrammingError):

        def unavailable(error=error):
            raise error("no database")

        monkeypatch.setattr(keyring, "encrypted_data_exists", unavailable)
        assert keyring.data_keys_check(None) == []


# --- The development key file ------------------------------------------------------------------


def test_without_data_the_development_key_is_created(settings):
    settings.PETITIONER_DATA_KEY = ""
    path = settings.PETITIONER_DATA_KEY_FILE
    verify_keys()
    assert path.stat().st_mode & 0o777 == 0o600
    fingerprint = crypto.ring_for(path.read_text()).newest.fingerprint
    case = a_case()
    assert stored(Case, pk=case.pk)[0][0].startswith(f"v2:{fingerprint}:")
    assert list(DataKey.objects.values_list("fingerprint", flat=True)) == [fingerprint]


def test_a_missing_development_key_with_data_is_refused_and_never_replaced(settings):
    settings.PETITIONER_DATA_KEY = ""
    path = settings.PETITIONER_DATA_KEY_FILE
    a_case()
    path.unlink()
    keyring.forget_process_state()
    with pytest.raises(ImproperlyConfigured) as refused:
        verify_keys()
    assert str(path) in str(refused.value) and "backup" in str(refused.value)
    with pytest.raises(ImproperlyConfigured):
        encrypt("x")
    assert not path.exists()


def test_a_development_key_file_deleted_while_running_changes_nothing(settings):
    settings.PETITIONER_DATA_KEY = ""
    path = settings.PETITIONER_DATA_KEY_FILE
    token = encrypt("x")
    path.unlink()
    assert decrypt(token) == "x" and encrypt("y")[:20] == token[:20]
    assert not path.exists()


def test_an_unwritable_key_folder_is_refused_at_start_up(settings, tmp_path):
    settings.PETITIONER_DATA_KEY = ""
    (tmp_path / "var").write_text("a file where the folder should be")
    settings.PETITIONER_DATA_KEY_FILE = tmp_path / "var" / "keys" / "petitioner_data_key"
    with pytest.raises(ImproperlyConfigured, match="Cannot create the development data key"):
        verify_keys()
    [error] = keyring.data_keys_check(None)
    assert "PETITIONER_DATA_KEY" in error.msg


# --- Re-encryption -----------------------------------------------------------------------------


def reencrypt(batch_size: int = 2) -> str:
    out = io.StringIO()
    call_command("reencrypt", batch_size=batch_size, stdout=out)
    return out.getvalue()


def assert_all_under(key: str) -> None:
    prefix = f"v2:{crypto.ring_for(key).newest.fingerprint}:"
    ring = crypto.ring_for(key)
    for model in (Case, CaseEvent):
        for tokens in stored(model):
            assert all(token.startswith(prefix) for token in tokens if token), tokens
        for row in model.objects.all():
            assert row.petitioner_id_hash == ring.lookup_hash(row.petitioner_id_number)
            assert row.petitioner_phone_hash == ring.lookup_hash(row.petitioner_phone)
            assert row.petitioner_name_hash == ring.lookup_hash(row.petitioner_name) != ""


def test_reencrypt_rewrites_every_record_and_its_history(settings):
    cases = [a_case() for _ in range(3)]
    cases[0].title = "新标题"
    cases[0].save()
    events = CaseEvent.objects.count()
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A}"
    output = reencrypt()
    assert "petitions.Case: 2/3 rows checked, 2 re-encrypted" in output
    assert "petitions.Case: 3/3 rows checked, 3 re-encrypted" in output
    assert f"petitions.CaseEvent: {events}/{events} rows checked" in output
    assert f"Retired keys: {FP_A}" in output and "keep them with the backups" in output
    assert_all_under(KEY_B)
    assert CaseEvent.objects.count() == events  # a re-encryption is no change to record
    assert {c.petitioner_id_number for c in CaseEvent.objects.all()} == {ID_NUMBER}
    assert DataKey.objects.get(fingerprint=FP_A).retired_at is not None
    restart(settings, KEY_B)
    verify_keys()  # the old key may now leave the configuration
    assert Case.objects.get(pk=cases[0].pk).petitioner_phone == PHONE


def test_an_interrupted_reencrypt_leaves_no_row_half_written_and_resumes(settings, monkeypatch):
    for _ in range(5):
        a_case()
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A}"
    write, batches = rotation._write, []

    def interrupted(model, rows, names):
        write(model, rows, names)  # the batch is written, then the process dies
        batches.append(len(rows))
        if len(batches) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(rotation, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reencrypt()
    rows = stored(Case)
    under_b = [all(t.startswith(f"v2:{FP_B}:") for t in row if t) for row in rows]
    under_a = [all(t.startswith(f"v2:{FP_A}:") for t in row if t) for row in rows]
    assert under_b == [True, True, False, False, False]  # the first batch only, ...
    assert under_a == [False, False, True, True, True]  # ... and no row half-written
    monkeypatch.setattr(rotation, "_write", write)
    output = reencrypt()
    assert "petitions.Case: 5/5 rows checked, 3 re-encrypted" in output
    assert_all_under(KEY_B)


def test_a_dump_from_before_the_rotation_still_reads_with_the_old_key(settings):
    case = a_case()
    dump = {}
    for model in (Case, CaseEvent):
        pks = model.objects.order_by("pk").values_list("pk", flat=True)
        dump[model] = dict(zip(pks, stored(model), strict=True))
    keys_in_dump = list(DataKey.objects.values("fingerprint", "first_used_at", "retired_at"))
    settings.PETITIONER_DATA_KEY = f"{KEY_B},{KEY_A}"
    reencrypt()
    # Restore the dump taken before the rotation.
    for model, rows in dump.items():
        for pk, tokens in rows.items():
            put_tokens(model, pk, dict(zip(ENCRYPTED, tokens, strict=True)))
    DataKey.objects.all().delete()
    DataKey.objects.bulk_create(DataKey(**fields) for fields in keys_in_dump)
    restart(settings, KEY_B)
    with pytest.raises(ImproperlyConfigured, match=FP_A):
        verify_keys()
    restart(settings, f"{KEY_B},{KEY_A}")
    verify_keys()
    assert Case.objects.get(pk=case.pk).petitioner_id_number == ID_NUMBER

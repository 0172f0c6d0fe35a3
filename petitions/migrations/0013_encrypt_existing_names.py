"""Encrypt the petitioners' and representatives' names stored in plain text before, on the
cases and on their history (pghistory's CaseEvent copies), and fill the name's lookup hash.

Raw SQL, because the model's field now decrypts what it reads. The history rows keep their
content (same plaintext), so they are rewritten with their append-only trigger ignored, and the
cases with their history trigger ignored (no "update" event for a change of storage only), as
``petitions/rotation.py`` re-encrypts. A row already encrypted is left alone: the migration can
run again after an interruption. Reversed, it decrypts the names again.
"""

import pgtrigger
from django.db import migrations

from petitions import crypto
from petitions.identity import normalize_name

BATCH = 1000
TABLES = (("petitions_case", "id"), ("petitions_caseevent", "pgh_id"))
TRIGGERS = ("petitions.Case:update_update", "petitions.CaseEvent:append_only")


def _is_token(value):
    return value.startswith((crypto.TOKEN_PREFIX, crypto.LEGACY_PREFIX))


def _encrypted(row):
    key, name, representatives = row
    if _is_token(name) and (not representatives or _is_token(representatives)):
        return None
    if not _is_token(name):
        name_hash = crypto.lookup_hash(normalize_name(name))
        name = crypto.encrypt(name)
    else:
        name_hash = crypto.lookup_hash(normalize_name(crypto.decrypt(name)))
    if representatives and not _is_token(representatives):
        representatives = crypto.encrypt(representatives)
    return name, representatives, name_hash, key


def _decrypted(row):
    key, name, representatives = row
    if not _is_token(name) and not _is_token(representatives or ""):
        return None
    name = crypto.decrypt(name) if _is_token(name) else name
    if representatives and _is_token(representatives):
        representatives = crypto.decrypt(representatives)
    return name, representatives, "", key


def _rewrite(schema_editor, change):
    with pgtrigger.ignore(*TRIGGERS), schema_editor.connection.cursor() as cursor:
        for table, key in TABLES:
            last = 0
            while True:
                cursor.execute(
                    f"SELECT {key}, petitioner_name, representatives FROM {table} "
                    f"WHERE {key} > %s ORDER BY {key} LIMIT %s",
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                changed = [new for new in map(change, rows) if new is not None]
                if changed:  # one statement a batch (pgtrigger.ignore cannot wrap executemany)
                    cursor.execute(
                        f"UPDATE {table} AS t SET petitioner_name = v.name, "
                        "representatives = v.representatives, petitioner_name_hash = v.hash "
                        f"FROM (VALUES {', '.join(['(%s, %s, %s, %s)'] * len(changed))}) "
                        f"AS v(name, representatives, hash, key) WHERE t.{key} = v.key",
                        [value for row in changed for value in row],
                    )


def encrypt_names(apps, schema_editor):
    _rewrite(schema_editor, _encrypted)


def decrypt_names(apps, schema_editor):
    _rewrite(schema_editor, _decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_encrypted_names"),
    ]

    operations = [
        migrations.RunPython(encrypt_names, decrypt_names, elidable=False),
    ]

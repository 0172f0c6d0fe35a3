"""Petitioners' and representatives' names are encrypted at rest, in the cases and their
history, with an exact-match hash of the name; names stored in plain text before are encrypted
by a data migration; every page that showed a name still shows it, lists and the admin masked."""

from __future__ import annotations

import importlib
import uuid

import pgtrigger
import pytest
from django.db import connection
from django.urls import reverse

from accounts.access import grant_role_permissions
from petitions import crypto
from petitions.identity import mask_name, normalize_name
from petitions.models import Case, name_hash
from tests.factories import make_case, register

pytestmark = pytest.mark.django_db

CaseEvent = Case.events.rel.related_model
migration = importlib.import_module("petitions.migrations.0013_encrypt_existing_names")


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return [row[0] for row in cursor.fetchall()]


def store_plain(case: Case, name: str, representatives: str = "") -> None:
    """The case and its history as they were before names were encrypted."""
    triggers = ("petitions.Case:update_update", "petitions.CaseEvent:append_only")
    with pgtrigger.ignore(*triggers), connection.cursor() as cursor:
        for table, key in (("petitions_case", "id"), ("petitions_caseevent", "pgh_obj_id")):
            cursor.execute(
                f"UPDATE {table} SET petitioner_name = %s, representatives = %s, "
                f"petitioner_name_hash = '' WHERE {key} = %s",
                [name, representatives, case.pk],
            )


class SchemaEditor:
    """What the data migration's function reads of its schema editor."""

    connection = connection


# --- At rest ---------------------------------------------------------------------------------


def test_names_are_encrypted_in_the_case_and_its_history(clerk):
    register(clerk, petitioner_name="李秀英", representatives="王强、赵敏", people_count=6)
    for table in ("petitions_case", "petitions_caseevent"):
        names = stored(table, "petitioner_name") + stored(table, "representatives")
        assert names and all(value.startswith("v2:") for value in names)
        assert not any("李秀英" in value or "王强" in value for value in names)


def test_the_name_hash_is_of_the_normalized_name(clerk):
    case = register(clerk, petitioner_name="李 秀英")
    assert case.petitioner_name_hash == crypto.lookup_hash("李秀英") != ""
    assert normalize_name("ＬＩ　Ｘｉｕ") == "LIXiu"


def test_a_changed_name_changes_its_hash_when_saved_alone():
    case = make_case(petitioner_name="张建国")
    case.petitioner_name = "张建华"
    case.save(update_fields=["petitioner_name"])
    assert Case.objects.get(pk=case.pk).petitioner_name_hash == name_hash("张建华")


def test_names_read_back_in_clear():
    case = make_case(petitioner_name="张建国", representatives="王强、赵敏")
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.petitioner_name, fresh.representatives) == ("张建国", "王强、赵敏")


def test_the_desk_form_still_refuses_a_name_longer_than_fifty_characters(client_of, clerk):
    data = {"submission_token": str(uuid.uuid4()), "petitioner_name": "张" * 51}
    response = client_of(clerk).post("/cases/new/", data)
    assert "petitioner_name" in response.context["form"].errors
    assert not Case.objects.exists()


# --- The data migration ----------------------------------------------------------------------


def test_the_migration_encrypts_plain_names_in_cases_and_history():
    case = make_case()
    store_plain(case, "周玉梅", "王强、赵敏")
    migration.encrypt_names(None, SchemaEditor())
    for table in ("petitions_case", "petitions_caseevent"):
        assert all(value.startswith("v2:") for value in stored(table, "petitioner_name"))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.petitioner_name, fresh.representatives) == ("周玉梅", "王强、赵敏")
    assert fresh.petitioner_name_hash == name_hash("周玉梅")
    assert {event.petitioner_name for event in CaseEvent.objects.filter(pgh_obj_id=case.pk)} == {
        "周玉梅"
    }


def test_the_migration_records_no_history_and_can_run_twice():
    case = make_case()
    store_plain(case, "周玉梅")
    events = CaseEvent.objects.count()
    migration.encrypt_names(None, SchemaEditor())
    tokens = stored("petitions_case", "petitioner_name")
    migration.encrypt_names(None, SchemaEditor())
    assert CaseEvent.objects.count() == events
    assert stored("petitions_case", "petitioner_name") == tokens  # left alone the second time


def test_the_migration_reversed_gives_the_plain_names_back():
    case = make_case(petitioner_name="周玉梅")
    migration.decrypt_names(None, SchemaEditor())
    assert stored("petitions_case", "petitioner_name") == ["周玉梅"]
    migration.encrypt_names(None, SchemaEditor())
    assert Case.objects.get(pk=case.pk).petitioner_name == "周玉梅"


# --- Where names are shown -------------------------------------------------------------------


def test_the_case_page_shows_the_name_to_the_office(client_of, clerk):
    case = register(clerk, petitioner_name="李秀英")
    page = client_of(clerk).get(reverse("petitions:detail", args=[case.pk])).content.decode()
    assert "李秀英" in page


def test_the_receipt_carries_the_name(client_of, clerk):
    case = register(clerk, petitioner_name="李秀英")
    url = reverse("petitions:print", args=[case.pk, "receipt"])
    assert "李秀英" in client_of(clerk).get(url).content.decode()


def test_the_admin_shows_names_masked(client_of, administrator):
    grant_role_permissions(sender=None)
    case = make_case(petitioner_name="李秀英", representatives="王强、赵敏")
    url = reverse("admin:petitions_case_change", args=[case.pk])
    page = client_of(administrator).get(url).content.decode()
    assert "李**" in page and "王*、赵*" in page
    assert "李秀英" not in page and "王强" not in page


@pytest.mark.parametrize(
    ("name", "masked"), [("张建国", "张**"), ("欧阳秀英", "欧***"), ("张 伟", "张*"), ("王", "*")]
)
def test_a_masked_name_keeps_the_family_name_only(name, masked):
    assert mask_name(name) == masked


def test_plain_names_awaiting_their_migration_do_not_stop_start_up(settings, tmp_path):
    from petitions import keyring

    key = crypto.generate_key()
    settings.PETITIONER_DATA_KEY = key
    settings.PETITIONER_DATA_KEY_FILE = tmp_path / "key"
    keyring.forget_process_state()
    store_plain(make_case(), "周玉梅")  # the newest case: a plain name beside its tokens
    try:
        keyring.verify_keys()  # refused before: "needs a key that opens the newest Case"
    finally:
        keyring.forget_process_state()

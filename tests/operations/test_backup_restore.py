"""The README's backup and restore procedure, run as written, on a database of its own.

On the test server: a new database, migrated by ``manage.py migrate``; cases registered through
intake (petitioners' ID numbers, phones and addresses encrypted); ``pg_dump`` of it in the
custom format; a second new database owned by a role that is not a superuser, as the
application's own role would be, and ``pg_restore`` into it as that role; then the cases read
back through Django with the same key, and with another key. ``pg_dump`` and ``pg_restore``
are those of the server's major version. Both databases and the role are dropped at the end.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.operations.postgres import ROOT, app_env, client_program, manage, new_data_key

# The commands of the README's "Backup and restore", with the file and the URL left out.
DUMP = ["--format=custom"]
RESTORE = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]

PEOPLE = [
    {
        "petitioner_name": "李秀英",
        "petitioner_id_number": "11010519491231002X",
        "petitioner_phone": "+8613912345678",
        "petitioner_address": "辽宁省朝阳市龙城区七道泉子镇砖厂东侧平房",
    },
    {
        "petitioner_name": "张建国",
        "petitioner_id_number": "211302199001011239",
        "petitioner_phone": "+864212614858",
        "petitioner_address": "辽宁省朝阳市双塔区凌河街道友谊小区3号楼2单元",
    },
]
PRIVATE = ["petitioner_id_number", "petitioner_phone", "petitioner_address"]

REGISTER = """
import json, os, uuid
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from petitions import intake
clerk = get_user_model().objects.create_user("clerk")
clerk.groups.add(Group.objects.get(name="petition_office"))
for person in json.loads(os.environ["BACKUP_TEST_PEOPLE"]):
    intake.register_case(
        by=clerk, submission_token=uuid.uuid4(), received_at=timezone.now(), channel="visit",
        people_count=1, representatives="", district="shuangta", location="凌河街道",
        title="河道旁堆放建筑垃圾", content="雨后污水流入河中，请求清理。", category="1",
        classification="claim", skipped_level=False, in_litigation=False,
        referral_reason=None, referral_note="", **person,
    )
"""

READ = """
import json
from petitions.crypto import lookup_hash
from petitions.models import Case
cases = []
for case in Case.objects.order_by("pk"):
    cases.append({
        "petitioner_name": case.petitioner_name,
        "petitioner_id_number": case.petitioner_id_number,
        "petitioner_phone": case.petitioner_phone,
        "petitioner_address": case.petitioner_address,
        "found_by_id": Case.objects.filter(
            petitioner_id_hash=lookup_hash(case.petitioner_id_number)).count(),
        "found_by_phone": Case.objects.filter(
            petitioner_phone_hash=lookup_hash(case.petitioner_phone)).count(),
    })
print(json.dumps(cases, ensure_ascii=False))
"""


def url(database: str, user: str | None = None) -> str:
    """A libpq and dj-database-url URL on the test server (a socket folder as its host too)."""
    db = settings.DATABASES["default"]
    login = quote(user or db["USER"] or "", safe="")
    if db["PASSWORD"] and user is None:
        login += f":{quote(db['PASSWORD'], safe='')}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{login}@{quote(db['HOST'] or '', safe='')}{port}/{database}"


class Server:
    """The test server, as its administrator: new databases and a role, dropped at the end."""

    def __init__(self) -> None:
        self.connection = psycopg.connect(url("postgres"))
        self.connection.autocommit = True
        self.databases: list[str] = []
        self.roles: list[str] = []

    def execute(self, statement, params=()) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def major(self) -> int:
        return int(self.execute("SHOW server_version_num")[0][0]) // 10000

    def create_database(self, name: str, owner: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self.execute(statement)
        self.databases.append(name)

    def create_role(self, name: str) -> None:
        self.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        self.roles.append(name)

    def drop_all(self) -> None:
        for name in self.databases:
            self.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        for name in self.roles:
            self.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        self.connection.close()


def run(program: Path, *args: str) -> str:
    result = subprocess.run(
        [str(program), *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, f"{program.name} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """The source database, its dump, and the database restored from it, with their key."""
    folder = tmp_path_factory.mktemp("backup")
    server = Server()
    name = f"xinfang_backup_{secrets.token_hex(4)}"
    key = new_data_key()
    try:
        server.create_database(name)
        source = app_env(url(name), folder / "var", key)
        manage(source, "migrate", "--noinput")
        manage({**source, "BACKUP_TEST_PEOPLE": json.dumps(PEOPLE)}, "shell", "-c", REGISTER)

        dump = folder / "xinfang.dump"
        run(client_program("pg_dump", server.major()), *DUMP, f"--file={dump}", url(name))

        server.create_role(f"{name}_app")
        server.create_database(f"{name}_restored", owner=f"{name}_app")
        restored = url(f"{name}_restored", user=f"{name}_app")
        run(client_program("pg_restore", server.major()), *RESTORE, f"--dbname={restored}", dump)
        yield {"dump": dump, "restored": restored, "key": key, "folder": folder, "server": server}
    finally:
        server.drop_all()


def read_back(backup, key: str) -> list[dict]:
    env = app_env(backup["restored"], backup["folder"] / "var-restored", key)
    return json.loads(manage(env, "shell", "-c", READ).strip().splitlines()[-1])


def test_restored_cases_read_back_decrypted_with_the_same_key(backup):
    cases = read_back(backup, backup["key"])
    assert [{field: case[field] for field in PEOPLE[0]} for case in cases] == PEOPLE


def test_restored_cases_are_still_found_by_id_number_and_phone(backup):
    for case in read_back(backup, backup["key"]):
        assert (case["found_by_id"], case["found_by_phone"]) == (1, 1)


def test_the_dump_holds_no_name_id_number_phone_or_address_in_clear(backup):
    program = client_program("pg_restore", backup["server"].major())
    text = run(program, "--file=-", str(backup["dump"]))
    assert "PostgreSQL database dump" in text  # the dump itself is readable
    assert "李秀英" not in text  # names are encrypted too
    for person in PEOPLE:
        for field in PRIVATE:
            assert person[field] not in text
            assert person[field].lstrip("+") not in text


def test_without_its_key_the_restored_data_cannot_be_read(backup):
    with pytest.raises(RuntimeError) as refused:
        read_back(backup, new_data_key())
    for person in PEOPLE:
        assert person["petitioner_id_number"] not in str(refused.value)


def test_the_readme_gives_the_commands_this_test_runs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Backup and restore", 1)[1].split("\n## ", 1)[0]
    dump_line = re.search(r"^pg_dump .*$", section, re.MULTILINE).group(0)
    restore_line = re.search(r"^pg_restore .*$", section, re.MULTILINE).group(0)
    assert dump_line.split()[1 : 1 + len(DUMP)] == DUMP
    assert restore_line.split()[1 : 1 + len(RESTORE)] == RESTORE

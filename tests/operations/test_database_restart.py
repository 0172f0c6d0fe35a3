"""PostgreSQL restarted under a running application: it recovers by itself, and every case the
desk was told was registered is stored, once.

The test starts its own PostgreSQL, migrates it, and serves the application with gunicorn (two
workers, kept connections: ``CONN_MAX_AGE=60``, so that a connection the restart cut must be
noticed by the health check Django makes before using it). A clerk signs in and registers cases
through the intake form while the server is restarted (``pg_ctl restart -m fast``, and
``-m immediate``, which stops it as a crash would and makes it recover from its log). A case
whose answer was lost is sent again with the same form (its submission token), as a clerk would.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
import uuid
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.operations.postgres import (
    Browser,
    app_env,
    gunicorn,
    manage,
    new_data_key,
    read_log,
)

PASSWORD = "restart-test-password"
CREATE_CLERK = (
    "from django.contrib.auth import get_user_model; "
    "from django.contrib.auth.models import Group; "
    f"user = get_user_model().objects.create_user('clerk', password='{PASSWORD}'); "
    "user.groups.add(Group.objects.get(name='petition_office'))"
)
CASE_URL = re.compile(r"/cases/(\d+)/$")
CITY = ZoneInfo("Asia/Shanghai")
MAX_WRITES_DURING_RESTART = 300
RESTARTS = 3
RESENDS = 30  # a case not acknowledged is sent again at most this often, 0.2 s apart


@pytest.fixture(scope="module")
def app(own_postgres, tmp_path_factory):
    """The application on the test's own server, migrated, with a clerk; gunicorn running."""
    admin = psycopg.connect(own_postgres.url())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("CREATE DATABASE xinfang")
    admin.close()
    env = app_env(
        own_postgres.url("xinfang"),
        tmp_path_factory.mktemp("var"),
        new_data_key(),
        CONN_MAX_AGE="60",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", CREATE_CLERK)
    with gunicorn(env) as (port, log):
        yield port, log


class Desk:
    """A clerk at the intake form; remembers which case each acknowledged form made."""

    def __init__(self, port: int) -> None:
        self.browser = Browser(port)
        self.sent: set[str] = set()  # every submission token sent
        self.acknowledged: dict[str, int] = {}  # submission token -> case id
        self.attempts: list[tuple[float, float, bool]] = []  # (sent, answered, acknowledged)
        self.browser.get("/accounts/login/")
        status, _, _ = self.browser.post(
            "/accounts/login/", {"username": "clerk", "password": PASSWORD}
        )
        assert status == 302, "the clerk could not sign in"

    def send(self, token: str) -> bool:
        """Send the intake form once; True when the answer says the case was registered."""
        sent = time.monotonic()
        self.sent.add(token)
        try:
            status, location, _ = self.browser.post("/cases/new/", intake_form(token))
        except OSError:
            status, location = 0, ""
        match = CASE_URL.search(location) if status == 302 else None
        if match:
            self.acknowledged[token] = int(match.group(1))
        self.attempts.append((sent, time.monotonic(), bool(match)))
        return bool(match)

    def send_until_acknowledged(self, token: str) -> int:
        """How many sends it took (the first counts); fails after ``RESENDS``."""
        for attempt in range(1, RESENDS + 1):
            if self.send(token):
                return attempt
            time.sleep(0.2)
        pytest.fail(f"A case was still refused after {RESENDS} sends: the app did not recover.")


def intake_form(token: str) -> dict[str, str]:
    received = datetime.datetime.now(CITY)
    return {
        "submission_token": token,
        "channel": "visit",
        "received_at_0": received.strftime("%Y-%m-%d"),
        "received_at_1": received.strftime("%H:%M"),
        "petitioner_name": "李秀英",
        "petitioner_phone": "13800138000",
        "petitioner_address": "辽宁省朝阳市龙城区七道泉子镇",
        "people_count": "1",
        "district": "longcheng",
        "location": "七道泉子镇砖厂",
        "title": f"砖厂粉尘污染 {token[:8]}",
        "content": "砖厂生产时粉尘很大，附近村民晾晒的衣物和庄稼都落满灰尘。",
        "category": "1",
        "classification": "claim",
    }


def stored_cases(server) -> dict[str, list[int]]:
    """Every stored case's id, by submission token (a list, to see any token twice)."""
    connection = psycopg.connect(server.url("xinfang"))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT submission_token::text, id FROM petitions_case")
            stored: dict[str, list[int]] = {}
            for token, pk in cursor.fetchall():
                stored.setdefault(token, []).append(pk)
            return stored
    finally:
        connection.close()


def restart_while_writing(desk: Desk, server, mode: str) -> tuple[list[str], tuple[float, float]]:
    """Register cases one after another while the server restarts; the tokens not
    acknowledged, and when the restart began and ended."""
    window: dict[str, float] = {}

    def restart() -> None:
        window["start"] = time.monotonic()
        server.restart(mode)
        window["end"] = time.monotonic()

    restarter = threading.Thread(target=restart)
    refused = []
    restarter.start()
    try:
        for _write in range(MAX_WRITES_DURING_RESTART):
            if not restarter.is_alive():
                break
            token = str(uuid.uuid4())
            if not desk.send(token):
                refused.append(token)
    finally:
        restarter.join(timeout=120)
    assert not restarter.is_alive(), "pg_ctl restart did not return within two minutes"
    return refused, (window["start"], window["end"])


@pytest.mark.parametrize("mode", ["fast", "immediate"])  # immediate: as after a crash
def test_restarts_during_writes_lose_no_acknowledged_case(app, own_postgres, mode):
    port, log = app
    desk = Desk(port)
    for _case in range(3):
        assert desk.send(str(uuid.uuid4())), read_log(log)
    for _restart in range(RESTARTS):
        refused, (start, end) = restart_while_writing(desk, own_postgres, mode)
        assert any(sent < end and answered > start for sent, answered, _ok in desk.attempts), (
            "no case was being sent while the server restarted"
        )
        for token in refused:  # what the clerk does when the page failed: send the form again
            desk.send_until_acknowledged(token)
    stored = stored_cases(own_postgres)
    for token, pk in desk.acknowledged.items():
        assert stored.get(token) == [pk], f"acknowledged case {pk} is stored as {stored.get(token)}"
    assert desk.sent == set(desk.acknowledged)  # in the end, every case was acknowledged


def test_once_the_database_is_back_every_request_succeeds_at_once(app, own_postgres):
    port, log = app
    desk = Desk(port)
    own_postgres.restart()
    # Every worker holds a connection the restart cut; each is replaced before it is used.
    for _case in range(6):
        assert desk.send(str(uuid.uuid4())), read_log(log)
    assert Browser(port).get("/healthz")[0] == 200


def test_healthz_reports_the_database_down_and_healthy_again_by_itself(app, own_postgres):
    port, log = app
    own_postgres.shut_down()
    try:
        status, _, body = Browser(port).get("/healthz")
        assert status == 503
        assert '"database": {"ok": false' in body
    finally:
        own_postgres.start()
    status, _, body = Browser(port).get("/healthz")
    assert status == 200, body


def test_a_case_refused_while_the_database_was_down_is_stored_once_when_sent_again(
    app, own_postgres
):
    port, log = app
    desk = Desk(port)
    token = str(uuid.uuid4())
    own_postgres.shut_down()
    try:
        assert not desk.send(token)
    finally:
        own_postgres.start()
    assert desk.send_until_acknowledged(token) == 1
    assert desk.send(token)  # a double click later: the same case again, not a new one
    assert stored_cases(own_postgres)[token] == [desk.acknowledged[token]]

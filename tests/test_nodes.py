"""Two app nodes on one database, each with a local folder of its own: what one node changes
or counts, the other sees. Node B's local folder cannot even be created (``/dev/null/...``).

Both nodes are gunicorn processes started here on free loopback ports, on the test database,
with the same keys; once with the cache in PostgreSQL, once in Redis (``tests/shared_cache.py``:
skipped when Redis is unreachable, unless ``REQUIRE_REDIS_TESTS=1``, as in CI).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import IO

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from config.settings import redis_cache
from petitions import keyring, ratelimit
from schedules import rotation, services
from schedules.models import Duty, Place
from tests.factories import (
    CONTACTS,
    DEFAULT_QUERY_CODE,
    LEADERS,
    make_case,
    make_contact,
    make_leader,
)
from tests.shared_cache import REDIS_URL, require_redis

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/?year=2025"  # a fixed year: the page does not depend on today's date
START_SECONDS = 30
UNUSABLE = "/dev/null/node-b"  # under a file: not even root can create it


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen
    log: IO[bytes]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]


class Visitor:
    """One browser's cookies, sent to whichever node answers (as behind a load balancer)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, node: Node, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(node.url(path)))

    def post(self, node: Node, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(node.url(path), data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def look_up(self, node: Node, number: str, code: str) -> int:
        """The status of a lookup sent through the form, as a petitioner's browser sends it."""
        status, form = self.get(node, "/lookup/")
        assert status == 200, form
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = {"csrfmiddlewaretoken": token, "number": number, "code": code}
        return self.post(node, "/lookup/", data)[0]


# --- The nodes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["postgresql", "redis"])
def backend(request) -> str:
    if request.param == "redis":
        require_redis()
    return request.param


def _database_url() -> str:
    db = connection.settings_dict  # the test database, once it is set up
    q = urllib.parse.quote
    url = f"postgres://{q(db['USER'] or '', safe='')}"
    url += f":{q(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    url += f"@{q(db['HOST'] or '', safe='')}"
    url += f":{db['PORT']}" if db["PORT"] else ""
    return f"{url}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _data_key() -> str:
    """The test process's data key, for the nodes: every node must hold the same one."""
    keyring.configured_ring()  # creates the development key file when there is none yet
    return django_settings.PETITIONER_DATA_KEY or (
        Path(django_settings.PETITIONER_DATA_KEY_FILE).read_text().strip()
    )


def _start(name: str, var_dir: str, backend: str, log: IO[bytes]) -> Node:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "MEDIA_ROOT")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        DEBUG="1",
        SECRET_KEY=django_settings.SECRET_KEY,
        PETITIONER_DATA_KEY=_data_key(),
        ALLOWED_HOSTS="127.0.0.1",
        VAR_DIR=var_dir,
        LOG_LEVEL="WARNING",
    )
    if backend == "redis":
        env["CACHE_URL"] = REDIS_URL
    port = _free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Node(name, port, process, log)


def _wait_until_up(node: Node) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"node {node.name} stopped:\n{node.output()}")
        try:
            if Visitor().get(node, "/lookup/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"node {node.name} did not answer within {START_SECONDS} s:\n{node.output()}")


def _stop(node: Node) -> None:
    node.process.terminate()
    try:
        node.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        node.process.kill()
        node.process.wait()


@pytest.fixture(scope="module")
def nodes(backend, django_db_setup, tmp_path_factory):
    """Nodes A (its own temporary folder) and B (a folder that cannot exist), running."""
    with contextlib.ExitStack() as stack:
        started = []
        for name, var_dir in (("A", str(tmp_path_factory.mktemp("node-a"))), ("B", UNUSABLE)):
            log = stack.enter_context(tempfile.TemporaryFile())
            started.append(_start(name, var_dir, backend, log))
            stack.callback(_stop, started[-1])
        for node in started:
            _wait_until_up(node)
        yield started


@pytest.fixture
def shared(backend, nodes, settings):
    """This process uses the nodes' cache, and the attempt counters start at zero."""
    if backend == "redis":
        settings.CACHES = {**settings.CACHES, "default": redis_cache("CACHE_URL", REDIS_URL)}
    _forget_counters_and_stamps(backend)
    yield nodes
    _forget_counters_and_stamps(backend)


def _forget_counters_and_stamps(backend: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ratelimit.TABLE}")
    if backend == "redis":
        from django_redis import get_redis_connection

        redis = get_redis_connection("default")
        for key in redis.scan_iter(f"*{connection.settings_dict['NAME']}*"):
            redis.delete(key)


# --- The data -----------------------------------------------------------------------------------


@pytest.fixture
def january_published(shared) -> int:
    """The 2025 rosters, with January published; returns the first February duty's id."""
    Place.objects.create(name="市执法队信访室", address="朝阳市", is_default=True)
    leaders = [make_leader(n, p, rotation_order=i) for i, (n, p) in enumerate(LEADERS)]
    contacts = [make_contact(name, rotation_order=i) for i, name in enumerate(CONTACTS)]
    rotation.generate_year(2025, leaders, contacts)
    services.publish_month(2025, 1)
    return Duty.objects.filter(year=2025, date__month=2).order_by("date").first().pk


# --- The tests ----------------------------------------------------------------------------------


def test_a_roster_change_is_on_every_nodes_public_page_within_a_second(shared, january_published):
    node_a, node_b = shared
    marker = f'id="day-{january_published}"'
    visitor = Visitor()
    for node in (node_a, node_b, node_a, node_b):  # each node now has the page in its memory
        status, page = visitor.get(node, PAGE)
        assert status == 200 and marker not in page

    committed: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.monotonic()))
        services.publish_month(2025, 2)
    deadline = committed[0] + 1.0  # a functional bound from the commit, not a speed test

    for node in (node_b, node_a):
        while marker not in (page := visitor.get(node, PAGE)[1]):
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        assert marker in page, f"node {node.name} still shows the old page after a second"


def test_the_lookup_attempt_limit_counts_across_both_nodes(shared):
    node_a, node_b = shared
    case = make_case()
    visitor = Visitor()
    wrong = [visitor.look_up((node_a, node_b)[i % 2], case.number, "WRONG234") for i in range(10)]
    assert wrong == [200] * 10  # the form again, with "no case matches"
    # The eleventh is refused, even with the right code, on either node.
    assert visitor.look_up(node_a, case.number, DEFAULT_QUERY_CODE) == 429
    assert visitor.look_up(node_b, case.number, DEFAULT_QUERY_CODE) == 429


def test_a_node_without_a_usable_local_folder_serves_the_public_page(shared, january_published):
    node_b = shared[1]
    status, page = Visitor().get(node_b, PAGE)
    assert status == 200 and "市执法队信访室" in page


def test_a_node_without_a_usable_local_folder_answers_a_lookup(shared):
    node_b = shared[1]
    case = make_case()
    visitor = Visitor()
    assert visitor.look_up(node_b, case.number, "WRONG234") == 200
    assert visitor.look_up(node_b, case.number, DEFAULT_QUERY_CODE) == 200  # the case's page

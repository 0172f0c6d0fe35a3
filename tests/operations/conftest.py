"""A PostgreSQL server of the tests' own (for the restart test) and the databases on the test
server (for the backup test); every server, database and process is removed at the end."""

from __future__ import annotations

import os

import pytest

from tests.operations.postgres import LocalPostgres, server_programs


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL server in a temporary folder, on a free loopback port.

    Skipped only where no PostgreSQL programs are installed at all, and never in CI
    (``REQUIRE_BROWSER_TESTS=1``), where a missing server fails the test instead.
    """
    programs = server_programs()
    if programs is None:
        message = "No PostgreSQL server programs (Debian's postgresql or pgserver) are installed."
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(message)
        pytest.skip(message)
    server = LocalPostgres(programs)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()

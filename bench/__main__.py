"""Run every benchmark: ``python -m bench [public|online|queue|register|stats]``.

The benchmarks run on a database of their own (the configured database's name + ``_bench``, on
the same server), migrated here: the million generated cases never appear in the application
that ``make run`` serves, and the tests' databases are not touched either.
"""

from __future__ import annotations

import importlib
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import django
import psycopg
from django.core.management import call_command
from psycopg import sql

from config.devdb import embedded_database_url

SUITES = ["public", "online", "queue", "register", "stats"]


def bench_database_url(url: str) -> str:
    """The same server, another database: ``.../name`` becomes ``.../name_bench``."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def use_bench_database() -> None:
    """Create the bench database if missing, and point ``DATABASE_URL`` at it."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = embedded_database_url()
    target = bench_database_url(url)
    name = urlsplit(target).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = target  # gunicorn, started by the public bench, inherits it


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    use_bench_database()
    django.setup()
    call_command("migrate", verbosity=0)
    chosen = argv or SUITES
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

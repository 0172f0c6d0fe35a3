"""The task queue in tests: a worker connector that runs on the test's own connection, and
the queue's tables, which a transactional test's flush leaves alone (procrastinate's models
are unmanaged)."""

from __future__ import annotations

import json

from django.db import connection
from procrastinate.contrib.django.django_connector import DjangoConnector

QUEUE_TABLES = (
    "procrastinate_jobs",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_workers",
)


class WorkerConnectorForTests(DjangoConnector):
    """procrastinate's Django connector as a worker's connector: Django's psycopg connection
    hands JSON over as text, which the worker expects decoded."""

    def _dictfetch(self, cursor):
        for row in super()._dictfetch(cursor):
            if isinstance(row.get("args"), str):
                row["args"] = json.loads(row["args"])
            yield row


def empty_queue() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(QUEUE_TABLES)} CASCADE")


def job_count(task_name: str, status: str | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s "
            "AND (%s::text IS NULL OR status::text = %s)",
            [task_name, status, status],
        )
        return cursor.fetchone()[0]

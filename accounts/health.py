"""``/healthz``: whether this node can serve, for a load balancer.

Three checks, each in the JSON body: the database answers ``SELECT 1``; every migration is
applied (a node started from newer code than the database must not take traffic); the task
queue keeps up (the age of the oldest job that is due and not yet taken, from procrastinate's
own table; before the queue is installed it is reported as not installed and counts as
healthy; ``HEALTHZ_MAX_QUEUE_LAG=0`` reports the lag without failing on it). 200 when all
hold, 503 otherwise. The endpoint is public, so it says what failed but never how (no error
text, no migration names); the details go to the log.

Cheap enough to be polled every few seconds: the migration plan is built from the files on
disk, so a "nothing pending" answer is kept for ``MIGRATIONS_MEMO_SECONDS`` in each process
(a pending answer is not kept: the node turns healthy as soon as ``migrate`` has run).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

MIGRATIONS_MEMO_SECONDS = 30.0
_applied_until = 0.0  # monotonic time until which "no migration pending" is believed

# When a job became due: its schedule, or the last time it was put back in the queue
# (deferred, deferred again for a retry, retried by hand), whichever is later.
QUEUE_LAG_SQL = """
SELECT EXTRACT(EPOCH FROM now() - MIN(GREATEST(job.scheduled_at, (
    SELECT MAX(event.at) FROM procrastinate_events AS event
    WHERE event.job_id = job.id AND event.type IN ('deferred', 'deferred_for_retry', 'retried')
))))
FROM procrastinate_jobs AS job
WHERE job.status = 'todo' AND (job.scheduled_at IS NULL OR job.scheduled_at <= now())
"""


def database_reachable() -> bool:
    """The database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: the database is unreachable.", exc_info=True)
        return False


def pending_migrations() -> int:
    """How many migrations the code has that the database has not applied."""
    global _applied_until
    if time.monotonic() < _applied_until:
        return 0
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        _applied_until = time.monotonic() + MIGRATIONS_MEMO_SECONDS
    else:
        logger.warning("Health check: %d migrations are not applied.", len(plan))
    return len(plan)


def forget_migrations_answer() -> None:
    """Ask the database again at the next check (tests, and after migrating in-process)."""
    global _applied_until
    _applied_until = 0.0


def queue_lag() -> float | None:
    """Seconds the oldest due job has waited for a worker (0 with none waiting); None while
    the task queue's tables are not installed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(QUEUE_LAG_SQL)
        lag = cursor.fetchone()[0]
    return max(float(lag), 0.0) if lag is not None else 0.0


def health() -> tuple[bool, dict[str, dict]]:
    """Every check's result, and whether the node should take traffic."""
    if not database_reachable():
        checks = {
            "database": {"ok": False, "error": "unreachable"},
            "migrations": {"ok": False, "error": "not checked"},
            "queue": {"ok": False, "error": "not checked"},
        }
        return False, checks
    checks: dict[str, dict] = {"database": {"ok": True}}
    try:
        pending = pending_migrations()
        checks["migrations"] = {"ok": pending == 0, "pending": pending}
        lag = queue_lag()
    except DatabaseError:
        logger.warning("Health check: the database failed during the checks.", exc_info=True)
        checks.setdefault("migrations", {"ok": False, "error": "not checked"})
        checks["queue"] = {"ok": False, "error": "not checked"}
        return False, checks
    limit = settings.HEALTHZ_MAX_QUEUE_LAG
    if lag is None:
        checks["queue"] = {"ok": True, "installed": False}
    else:
        checks["queue"] = {
            "ok": limit == 0 or lag <= limit,
            "installed": True,
            "lag_seconds": round(lag, 1),
            "max_lag_seconds": limit,
        }
    return all(check["ok"] for check in checks.values()), checks


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when this node can serve, 503 when not; the checks in the body either way."""
    healthy, checks = health()
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)

"""``/healthz`` for the load balancer (``accounts/health.py``): each check healthy and failing,
seen by an anonymous caller, with nothing stored for it and nothing cached.

The task queue's tables come with procrastinate. Where they are missing, the queue tests make a
stand-in with the columns the check reads, inside the test's transaction; where they exist, the
"not installed" test hides them the same way. Both are rolled back with the test.
"""

from __future__ import annotations

import datetime
import socket

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from accounts import health

URL = "/healthz"


@pytest.fixture(autouse=True)
def fresh_migrations_answer():
    """The "all applied" answer is kept per process: each test asks the database again."""
    health.forget_migrations_answer()
    yield
    health.forget_migrations_answer()


def queue_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        return cursor.fetchone()[0]


@pytest.fixture
def queue(db):
    """The task queue's tables: procrastinate's own, or a stand-in with the columns read."""
    if not queue_installed():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE procrastinate_jobs (id bigserial PRIMARY KEY, "
                "queue_name varchar(128) NOT NULL, task_name varchar(128) NOT NULL, "
                "status text NOT NULL DEFAULT 'todo', scheduled_at timestamptz NULL)"
            )
            cursor.execute(
                "CREATE TABLE procrastinate_events (id bigserial PRIMARY KEY, "
                "job_id bigint NOT NULL, type text, at timestamptz DEFAULT now())"
            )


@pytest.fixture
def queue_not_installed(db):
    """As before procrastinate's migrations ran: no jobs table."""
    if queue_installed():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO hidden_procrastinate_jobs")


def add_job(
    deferred_ago: datetime.timedelta,
    *,
    status: str = "todo",
    scheduled_in: datetime.timedelta | None = None,
) -> None:
    """A job put in the queue ``deferred_ago`` (by the database's clock), maybe scheduled."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, status, scheduled_at) "
            "VALUES ('default', 'accounts.tasks.send_message', %s, now() + %s) RETURNING id",
            [status, scheduled_in],
        )
        job = cursor.fetchone()[0]
        # procrastinate's trigger records the deferral at now(): put it in the past instead.
        cursor.execute("DELETE FROM procrastinate_events WHERE job_id = %s", [job])
        cursor.execute(
            "INSERT INTO procrastinate_events (job_id, type, at) "
            "VALUES (%s, 'deferred', now() - %s)",
            [job, deferred_ago],
        )


def checks_of(response) -> dict:
    return response.json()["checks"]


# --- Healthy ------------------------------------------------------------------------------------


def test_a_healthy_node_answers_200_with_every_check_to_anyone(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    checks = checks_of(response)
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": True, "pending": 0}
    assert checks["queue"]["ok"] is True


def test_the_answer_is_never_cached(client, db):
    response = client.get(URL)
    assert "no-store" in response["Cache-Control"]


def test_no_session_or_cookie_is_made_for_the_load_balancer(client, db):
    from django.contrib.sessions.models import Session

    response = client.get(URL)
    assert not response.cookies
    assert not Session.objects.exists()


def test_plain_http_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get("/").status_code == 301  # the rest of the site still is


def test_a_post_is_refused(client, db):
    assert client.post(URL).status_code == 405


# --- The database -------------------------------------------------------------------------------


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection pointed at a loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with django_db_blocker.unblock():
        connection.close()
        saved = dict(connection.settings_dict)
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_an_unreachable_database_answers_503_naming_it(client, database_down):
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert checks_of(response)["database"] == {"ok": False, "error": "unreachable"}


def test_an_unreachable_database_is_not_described_to_the_public(client, database_down):
    body = client.get(URL).content.decode()
    assert "127.0.0.1" not in body
    assert "refused" not in body.lower()


# --- Migrations ---------------------------------------------------------------------------------


def unapply_latest_petitions_migration() -> str:
    latest = MigrationRecorder.Migration.objects.filter(app="petitions").latest("id")
    latest.delete()
    return latest.name


def test_a_pending_migration_answers_503_with_the_count(client, db):
    unapply_latest_petitions_migration()
    response = client.get(URL)
    assert response.status_code == 503
    assert checks_of(response)["migrations"] == {"ok": False, "pending": 1}


def test_a_pending_migration_is_not_named_to_the_public(client, db):
    name = unapply_latest_petitions_migration()
    assert name not in client.get(URL).content.decode()


def test_the_node_is_healthy_again_as_soon_as_the_migration_is_applied(client, db):
    name = unapply_latest_petitions_migration()
    assert client.get(URL).status_code == 503
    MigrationRecorder.Migration.objects.create(app="petitions", name=name)
    assert client.get(URL).status_code == 200


def test_an_applied_answer_is_kept_for_a_short_while(client, db):
    assert client.get(URL).status_code == 200
    unapply_latest_petitions_migration()
    assert client.get(URL).status_code == 200  # the per-process answer still stands
    health.forget_migrations_answer()  # what the memo's expiry does
    assert client.get(URL).status_code == 503


# --- The task queue -----------------------------------------------------------------------------


def test_without_the_task_queue_installed_the_node_is_healthy(client, queue_not_installed):
    response = client.get(URL)
    assert response.status_code == 200
    assert checks_of(response)["queue"] == {"ok": True, "installed": False}


def test_an_empty_queue_has_no_lag(client, queue):
    queue = checks_of(client.get(URL))["queue"]
    assert queue["installed"] is True
    assert queue["lag_seconds"] == 0


def test_the_lag_is_the_age_of_the_oldest_waiting_job(client, queue):
    add_job(datetime.timedelta(seconds=40))
    add_job(datetime.timedelta(seconds=90))
    response = client.get(URL)
    assert response.status_code == 200
    assert checks_of(response)["queue"]["lag_seconds"] == pytest.approx(90, abs=1)


def test_a_lag_over_the_limit_answers_503(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 300
    add_job(datetime.timedelta(seconds=301))
    response = client.get(URL)
    assert response.status_code == 503
    assert checks_of(response)["queue"]["ok"] is False
    assert checks_of(response)["queue"]["max_lag_seconds"] == 300


def test_a_limit_of_zero_reports_the_lag_without_failing_on_it(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 0
    add_job(datetime.timedelta(hours=5))
    response = client.get(URL)
    assert response.status_code == 200
    assert checks_of(response)["queue"]["lag_seconds"] == pytest.approx(5 * 3600, abs=1)


def test_a_lag_just_under_the_limit_is_healthy(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 300
    add_job(datetime.timedelta(seconds=299))
    assert client.get(URL).status_code == 200


def test_a_job_scheduled_for_later_is_not_late(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 300
    add_job(datetime.timedelta(hours=2), scheduled_in=datetime.timedelta(minutes=5))
    response = client.get(URL)
    assert response.status_code == 200
    assert checks_of(response)["queue"]["lag_seconds"] == 0


def test_a_retry_counts_from_when_it_was_due(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 300
    add_job(datetime.timedelta(hours=2), scheduled_in=-datetime.timedelta(seconds=30))
    assert checks_of(client.get(URL))["queue"]["lag_seconds"] == pytest.approx(30, abs=1)


def test_jobs_being_worked_on_or_finished_are_not_waiting(client, queue, settings):
    settings.HEALTHZ_MAX_QUEUE_LAG = 300
    add_job(datetime.timedelta(hours=1), status="doing")
    add_job(datetime.timedelta(hours=1), status="succeeded")
    add_job(datetime.timedelta(hours=1), status="failed")
    assert client.get(URL).status_code == 200

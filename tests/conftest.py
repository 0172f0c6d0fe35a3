"""Named people for permission tests that read as sentences, the demo data as ``loaddemo``
loads it, and settings every test shares. The factories are in ``tests/factories.py``; each
test package's conftest adds its own named people."""

from __future__ import annotations

import io

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.roles import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def plain_http(settings):
    """The test client and the live server speak plain HTTP and serve uncollected static
    files, whatever DEBUG says."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture(autouse=True)
def text_messages(settings):
    """Text messages the worker sends land in ``accounts.sms.outbox``, emptied for each test."""
    from accounts import sms

    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs ~0.2 s a user by design; tests need no protection against cracking."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_public_pages(request, django_db_blocker):
    """Tests roll the database back, not what this process keeps in memory: start each test
    without rendered public pages, register choices or remembered stamps. The shared cache is
    in the database (rolled back too); a test that commits leaves it empty for the next one."""
    from django.core.cache import cache, caches

    from accounts.stamps import SharedStamp
    from schedules import public_cache

    public_cache.MEMO.clear()
    caches["local"].clear()
    SharedStamp.forget_all()
    yield
    if "transactional_db" in request.fixturenames:
        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True, scope="session")
def data_keys_unguarded():
    """In production the first encryption in a process checks the database's data keys
    (petitions.keyring); tests encrypt without a database, or in transactions that never
    commit, so the check is off here and tested in tests/petitions/test_keys.py."""
    from petitions import keyring

    keyring.GUARD["enabled"] = False


@pytest.fixture
def clerk(db, django_user_model):
    """Petition office staff at the desk."""
    return make_user(django_user_model, "clerk", Role.PETITION_OFFICE)


@pytest.fixture
def unit_handler(db, django_user_model):
    """A branch office's handling staff."""
    return make_user(django_user_model, "handler", Role.HANDLING_UNIT)


@pytest.fixture
def leader_user(db, django_user_model):
    return make_user(django_user_model, "leader", Role.LEADER)


@pytest.fixture
def administrator(db, django_user_model):
    return make_user(django_user_model, "admin", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def stranger(db, django_user_model):
    """Signed in, but holding no role."""
    return make_user(django_user_model, "stranger")


@pytest.fixture
def client_of(client):
    """``client_of(user)``: a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- The task queue ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def empty_task_queue_after_transactional_tests(request, django_db_blocker):
    """A transactional test's flush leaves the queue's (unmanaged) tables: empty them too."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from tests.queue import empty_queue

        with django_db_blocker.unblock():
            empty_queue()
            # After the browser tests this can be a connection of its own: not left open.
            connection.close()


@pytest.fixture
def run_jobs(db, monkeypatch):
    """``run_jobs()``: run the queued jobs now, as a worker does, in this test's thread and
    transaction (the jobs are async and run their database work thread-sensitively), until
    none is left. ``run_jobs(later=True)`` first makes the retries planned for later due:
    time has passed. The hourly tick is not deferred here: the tests call it themselves."""
    from procrastinate.contrib.django import procrastinate_app
    from procrastinate.periodic import PeriodicRegistry

    from tests.queue import WorkerConnectorForTests

    app = procrastinate_app.current_app
    monkeypatch.setattr(app, "periodic_registry", PeriodicRegistry())

    def run(*, later: bool = False, queues: list[str] | None = None) -> None:
        if later:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE procrastinate_jobs SET scheduled_at = now() "
                    "WHERE status = 'todo' AND scheduled_at > now()"
                )
        with app.replace_connector(WorkerConnectorForTests()):
            async_to_sync(app.run_worker_async)(
                wait=False,
                listen_notify=False,
                install_signal_handlers=False,
                # The Django app's middleware closes the connection around a job: not here.
                task_middleware=[],
                queues=queues,
            )

    return run


@pytest.fixture
def smtp_server(settings):
    """A real mail server on a loopback port, and the SMTP backend pointed at it, with a short
    EMAIL_TIMEOUT. ``smtp_server.mode`` = ``REFUSE`` / ``HANG`` / ``ACCEPT``."""
    from tests import smtp

    sink = smtp.SmtpSink(hang_seconds=1.5)
    controller = smtp.start(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 0.5
    yield sink
    controller.stop()


# --- The demo data ----------------------------------------------------------------------------


@pytest.fixture
def plan_2024(db):
    """The plan's organisation and 2024 rosters, as `loaddemo` loads them (no sign-ins)."""
    call_command("loaddemo", "--no-accounts", stdout=io.StringIO())


@pytest.fixture
def demo_with_accounts(db):
    """The whole demo, sign-ins included (which needs DEBUG on)."""
    with override_settings(DEBUG=True):
        call_command("loaddemo", stdout=io.StringIO())


# --- In CI (REQUIRE_BROWSER_TESTS=1) a skipped browser test fails the run -------------------
_skipped_browser_tests: list[str] = []
_ran_browser_tests: list[str] = []


def pytest_runtest_logreport(report):
    if "tests/browser/" not in report.nodeid:
        return
    if report.skipped:
        _skipped_browser_tests.append(report.nodeid)
    elif report.when == "call":
        _ran_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    import os

    if not os.environ.get("REQUIRE_BROWSER_TESTS"):
        return
    selected_browser = any("tests/browser/" in item.nodeid for item in session.items)
    if _skipped_browser_tests or (selected_browser and not _ran_browser_tests):
        print(f"\nBrowser tests were skipped but are required: {_skipped_browser_tests}")
        session.exitstatus = 1


@pytest.fixture
def sms_gateway(settings):
    """A fake 云MAS gateway on a loopback port, and the gateway backend pointed at it with a
    short SMS_TIMEOUT. ``sms_gateway.mode`` = ``ACCEPT`` / ``REFUSE`` / ``ERROR`` / ``HANG``."""
    from tests import sms_gateway as fake

    gateway = fake.Gateway().start()
    settings.SMS_BACKEND = "accounts.sms_mas.MasBackend"
    settings.SMS_MAS = {
        "URL": gateway.url,
        "EC_NAME": "朝阳市生态环境局",
        "AP_ID": "xinfang",
        "SECRET_KEY": fake.SECRET,
        "SIGN": "sign-code",
        "ADD_SERIAL": "",
    }
    settings.SMS_TIMEOUT = 0.5
    yield gateway
    gateway.stop()

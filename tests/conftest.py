"""Named people for permission tests that read as sentences, and shared fixtures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role

PASSWORD = "correct-horse-battery"


def make_user(django_user_model, username: str, *roles: str, **extra):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    for role in roles:
        # get_or_create: a browser (transactional) test flushes the migration-made groups.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


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
def fast_password_hashing(settings):
    """Argon2 costs ~0.2 s a user by design; tests need no protection against cracking."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_public_pages():
    """Tests roll the database back, not the public page memo: start each test without it."""
    from django.core.cache import cache

    from schedules import public_cache

    public_cache.MEMO.clear()
    cache.clear()  # the file cache outlives a test: attempt counters must start at zero


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

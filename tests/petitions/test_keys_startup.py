"""A real start-up: ``config/wsgi.py`` (what gunicorn loads) refuses to boot on a database
whose encrypted data needs a key that is not configured.

Another process sees only committed data: the test is transactional (its tables are emptied
afterwards, as after the browser tests)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from petitions import crypto, keyring
from tests.factories import make_case

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


@pytest.fixture
def guarded(settings):
    settings.PETITIONER_DATA_KEY = KEY_A
    keyring.forget_process_state()
    keyring.GUARD["enabled"] = True
    yield
    keyring.GUARD["enabled"] = False
    keyring.forget_process_state()


def boot(key: str, var_dir) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env={
            **os.environ,
            "DEBUG": "1",
            "VAR_DIR": str(var_dir),
            "SECRET_KEY": "s" * 50,
            "DATABASE_URL": url,
            "PETITIONER_DATA_KEY": key,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_the_web_application_refuses_to_boot_with_a_wrong_key(guarded, tmp_path):
    make_case()  # committed, under KEY_A
    fingerprint = crypto.ring_for(KEY_A).newest.fingerprint
    assert keyring.DataKey.objects.filter(fingerprint=fingerprint).exists()
    refused = boot(KEY_B, tmp_path)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and fingerprint in refused.stderr
    assert "backup" in refused.stderr
    assert boot(f"{KEY_B},{KEY_A}", tmp_path).returncode == 0

"""A real start-up: ``config/wsgi.py`` (what gunicorn loads) refuses to boot on a database
whose encrypted data needs a key that is not configured.

The data must be committed for another process to see it: the test writes it outside a test
transaction and removes it afterwards (a transactional test would flush the tables that the
migrations filled)."""

from __future__ import annotations

import os
import subprocess
import sys

import pgtrigger
import pytest
from django.conf import settings
from django.db import connection

from petitions import crypto, keyring
from petitions.models import Case
from tests.petitions.factories import make_case

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


@pytest.fixture
def committed_case(django_db_setup, django_db_blocker):
    """A case under KEY_A, committed; removed with its history afterwards."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "PETITIONER_DATA_KEY", KEY_A)
        patch.setitem(keyring.GUARD, "enabled", True)
        keyring.forget_process_state()
        case = make_case()
        try:
            yield case
        finally:
            history = ("petitions.Case:delete_delete", "petitions.CaseEvent:append_only")
            with pgtrigger.ignore(*history):
                Case.events.rel.related_model.objects.filter(pgh_obj_id=case.pk).delete()
                Case.objects.filter(pk=case.pk).delete()
            keyring.DataKey.objects.all().delete()
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


def test_the_web_application_refuses_to_boot_with_a_wrong_key(committed_case, tmp_path):
    fingerprint = crypto.ring_for(KEY_A).newest.fingerprint
    refused = boot(KEY_B, tmp_path)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and fingerprint in refused.stderr
    assert "backup" in refused.stderr
    assert boot(f"{KEY_B},{KEY_A}", tmp_path).returncode == 0

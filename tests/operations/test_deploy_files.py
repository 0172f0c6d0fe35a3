"""The deployment example under ``deploy/`` agrees with the application: every variable the
settings read is in the environment file, the proxy settings match what nginx sends, nginx takes
the largest upload a case may carry, and the example's placeholders cannot start a node."""

from __future__ import annotations

import re
import subprocess
import sys

from petitions.forms.uploads import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from tests.operations.postgres import ROOT

DEPLOY = ROOT / "deploy"
ONLY_FOR_TESTS = {"DATABASE_TEST_NAME"}


def example_env() -> dict[str, str]:
    lines = (DEPLOY / "xinfang.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return dict(pairs)


def variables_the_settings_read() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    found = re.findall(
        r'(?:env_\w+\(|os\.environ\.get\(|os\.environ\[)\s*"([A-Z][A-Z0-9_]*)"', source
    )
    found += re.findall(r'"([A-Z][A-Z0-9_]*)" (?:not )?in os\.environ', source)
    return set(found) - ONLY_FOR_TESTS


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "xinfang.conf").read_text()


def test_the_environment_file_lists_every_variable_the_settings_read():
    listed = set(example_env())
    commented = set(
        re.findall(r"^#([A-Z][A-Z0-9_]*)=", (DEPLOY / "xinfang.env.example").read_text(), re.M)
    )
    assert variables_the_settings_read() - listed - commented == set()


def test_the_application_trusts_exactly_the_one_proxy_nginx_is():
    env = example_env()
    assert (env["PROXY_COUNT"], env["BEHIND_TLS_PROXY"]) == ("1", "1")
    site = nginx_site()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


def test_nginx_takes_the_largest_upload_a_case_may_carry():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", nginx_site()).group(1))
    assert megabytes * 1024 * 1024 > MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES


def test_nginx_sends_both_nodes_and_the_units_serve_on_their_port():
    assert len(re.findall(r"^\s*server [\d.]+:8000 ", nginx_site(), re.M)) == 2
    unit = (DEPLOY / "systemd" / "xinfang-web@.service").read_text()
    assert "--bind 0.0.0.0:%i" in unit
    assert "EnvironmentFile=/etc/xinfang/xinfang.env" in unit


def test_the_worker_unit_runs_the_task_queue_worker():
    unit = (DEPLOY / "systemd" / "xinfang-worker.service").read_text()
    assert re.search(r"^ExecStart=.*manage\.py procrastinate worker$", unit, re.M)


def test_a_node_started_with_the_example_unchanged_refuses_to_start():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **example_env()}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr

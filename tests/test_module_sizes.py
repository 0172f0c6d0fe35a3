"""The team's rule: a module stays under 500 lines (migrations aside); a longer one is split by
kind (e.g. config/env.py: the environment's readers, apart from the settings)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("accounts", "config", "petitions", "schedules", "bench", "tests")
LIMIT = 500


def test_every_module_is_under_500_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) >= LIMIT
    }
    assert long == {}

"""Run every benchmark: ``python -m bench [register|public]``."""

from __future__ import annotations

import importlib
import os
import sys

import django

SUITES = ["public", "register"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    chosen = argv or SUITES
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

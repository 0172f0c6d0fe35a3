"""What the operations tests run besides pytest: PostgreSQL's own programs, a PostgreSQL server of
a test's own, ``manage.py`` and gunicorn as separate processes, each with a bounded wait.

PostgreSQL programs come from Debian's packages (``/usr/lib/postgresql/<major>/bin``, the
server CI uses) or from the embedded server's package (pgserver's ``pginstall/bin``, what a
laptop without ``DATABASE_URL`` uses). A client (``pg_dump``, ``pg_restore``) is taken with
the same major version as the server it talks to. PostgreSQL refuses to run as root: as root,
the server runs as the ``postgres`` user (or ``nobody``) in a folder handed to that user.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import importlib.util
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
DEBIAN = Path("/usr/lib/postgresql")
# Variables of the test run that must not leak into the application processes.
NOT_INHERITED = ("DATABASE_TEST_NAME", "CACHE_URL", "PETITIONER_DATA_KEY", "SECRET_KEY")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_data_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


# --- PostgreSQL's programs ---------------------------------------------------------------------


def bin_dirs() -> list[Path]:
    """Folders with PostgreSQL's programs: Debian's, newest first, then pgserver's."""
    debian = [path for path in DEBIAN.glob("*/bin") if path.parent.name.isdigit()]
    found = sorted(debian, key=lambda path: int(path.parent.name), reverse=True)
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        found.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    return [path for path in found if (path / "pg_ctl").exists()]


def major_version(program: Path) -> int:
    """15 for ``pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)``."""
    output = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    return int(re.search(r"\)\s+(\d+)", output).group(1))


def client_program(name: str, server_major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` of the server's major version."""
    candidates = [path / name for path in bin_dirs()]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for program in candidates:
        if program.exists() and major_version(program) == server_major:
            return program
    raise LookupError(f"No {name} for PostgreSQL {server_major} among {candidates}.")


def server_programs() -> Path | None:
    """A folder with initdb, pg_ctl and postgres, Debian's first; None when there is none."""
    for path in bin_dirs():
        if all((path / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return path
    return None


# --- A server of the test's own ------------------------------------------------------------


def _unprivileged_user() -> str | None:
    """Who runs the server when the tests run as root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("Running as root, and neither a 'postgres' nor a 'nobody' user exists.")


class LocalPostgres:
    """A PostgreSQL server in a temporary folder on a free loopback port; ``stop()`` always."""

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.user = _unprivileged_user()
        self.group = None
        if self.user:
            entry = pwd.getpwnam(self.user)
            self.group = entry.pw_gid
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [str(self.programs / program), *args],
            cwd=self.folder,
            user=self.user,
            group=self.group,
            extra_groups=[] if self.user else None,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}{self.log_tail()}")

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )

    def _ctl(self, *action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *action,
        )

    def start(self) -> None:
        self._ctl("start")

    def shut_down(self) -> None:
        """Fast shutdown: open sessions are ended; ``start()`` brings it back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stopped (``fast``: open sessions are ended; ``immediate``: as in a crash, recovered
        from the log at start), then started again and accepting connections."""
        self._ctl("-m", mode, "restart")

    def stop(self) -> None:
        """Stopped and its folder removed, whatever state it is in."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\n--- server log ---\n" + self.log.read_text(errors="replace")[-3000:]
        return ""


# --- The application in other processes ------------------------------------------------------


def app_env(database_url: str, var_dir: Path, data_key: str, **extra: str) -> dict[str, str]:
    """The environment of a manage.py or gunicorn process: its own database, keys and folder."""
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        PETITIONER_DATA_KEY=data_key,
        SECRET_KEY=secrets.token_urlsafe(50),
        VAR_DIR=str(var_dir),
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """``manage.py <args>`` in a process of its own; its output, or an error that shows it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[tuple[int, IO[bytes]]]:
    """Gunicorn on a free loopback port, answering /healthz; stopped at the end."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(port, server, log)
            yield port, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


def _wait_until_healthy(port: int, server: subprocess.Popen, log: IO[bytes]) -> None:
    for _attempt in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{read_log(log)}")
        with contextlib.suppress(OSError):
            if Browser(port).get("/healthz")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become healthy within 30 s:\n{read_log(log)}")


def read_log(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


class Browser:
    """Just enough of a browser: cookies kept, redirects not followed, forms sent with the
    CSRF token from the cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of one request on a new connection."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.getheader("Location", ""), content

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, str, str]:
        return self.request("POST", path, form)

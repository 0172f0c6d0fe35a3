"""How fast the public day listing is, next to the smallest Django view on the same server.

``python -m bench public`` (``make bench``): makes sure the current year has published days
(24: the demo organisation's rotation, generated and published) and that its upcoming reception
days take appointments, with a few booked (the listing then shows "Book" and the places left
on each), starts gunicorn with
production settings (DEBUG off, random keys, 2 sync workers) on a free loopback port, and
drives the URLs with the same bounded load: the same number of concurrent clients for the same
time, in turn, after a warm-up. It prints requests per second for each, the listing's ratio to
the minimal view (the target is 0.9 or more), and checks that a conditional GET with the ETag
gets 304. Gunicorn is always stopped at the end. About 40 seconds in all.

The ratio is the median, over the rounds, of the listing's rate divided by the minimal view's
rate in the run just before it: the machine's other load drifts, and pairing neighbouring short
runs keeps most of that drift out of the ratio. The workers' CPU time per request (from /proc)
gives the same comparison again, almost untouched by other load: printed beside it.
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from petitions import appointments
from schedules import appointment_days, demo, rotation, services
from schedules.appointment_days import open_for_appointments
from schedules.models import AppointmentDay, ContactPerson, Duty, Leader

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CLIENTS = 4  # concurrent connections: two per worker keeps both busy
WARM_UP = 1.0  # seconds per URL before measuring
DURATION = 0.8  # seconds per measured run
ROUNDS = 12  # rounds of one short run per URL: other load on the machine drifts, and short
# neighbouring runs see nearly the same drift
TARGET = 0.9
LISTING = "/"
MINIMAL = "/bench/minimal/"
# name: (label, path, sends the listing's ETag in If-None-Match, expected status)
RUNS = {
    "minimal": (f"minimal Django view {MINIMAL}", MINIMAL, False, 200),
    "listing": (f"public listing {LISTING}", LISTING, False, 200),
    "not-modified": ("listing, If-None-Match: 304", LISTING, True, 304),
}


def run() -> None:
    rows = _ensure_published_year()
    open_days = _ensure_appointments()
    port = _free_port()
    with _gunicorn(port) as (server, log):
        body, not_modified, results, cpu = _measure(port, server, log)
    # Each listing run is compared with the minimal run just before it; the median is taken.
    ratio = statistics.median(
        lst / mini for mini, lst in zip(results["minimal"], results["listing"], strict=True)
    )
    print(
        f"gunicorn: {WORKERS} sync workers, DEBUG off; load: {CLIENTS} clients, "
        f"{ROUNDS} rounds of {DURATION:g} s per URL"
    )
    print(f"listing: {rows} published days this year, {len(body) / 1024:.1f} KiB of HTML")
    counts = body.count(b'class="small-print places-left"')
    print(f"booking counts: {open_days} days open for appointments, {counts} counts on the page")
    print()
    print(f"{'':<36}{'requests/s':>11}{'server CPU/request':>20}")
    for name, (label, *_rest) in RUNS.items():
        rate = statistics.median(results[name])
        seconds, requests = cpu[name]
        per_request = f"{seconds / requests * 1e6:.0f} µs" if seconds and requests else "-"
        print(f"{label:<36}{rate:>11.0f}{per_request:>20}")
    print()
    verdict = "meets" if ratio >= TARGET else "BELOW"
    print(
        f"ratio listing / minimal: {ratio:.2f} (requests/s, median of {ROUNDS} paired runs; "
        f"{verdict} the target of {TARGET})"
    )
    if cpu["minimal"][0] and cpu["listing"][0]:
        cost = (cpu["minimal"][0] / cpu["minimal"][1]) / (cpu["listing"][0] / cpu["listing"][1])
        print(
            f"ratio by server CPU time per request: {cost:.2f} (the same comparison, less "
            "disturbed by other load on the machine)"
        )
    print(
        f"conditional GET with the ETag: {not_modified} ({'ok' if not_modified == 304 else 'NO'})"
    )


@contextmanager
def _gunicorn(port: int, workers: int = WORKERS) -> Iterator[tuple[subprocess.Popen, IO[bytes]]]:
    """Gunicorn with production settings on ``port``, and its log; always stopped at the end."""
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=_server_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield server, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _measure(port: int, server: subprocess.Popen, log):
    _wait_until_up(port, server, log)
    status, headers, body = _request(port, LISTING)
    if status != 200 or b'class="next-day"' not in body:
        raise SystemExit(f"The listing answered {status}; server log:\n{_read(log)}")
    etag = headers.get("etag", "")
    not_modified = _request(port, LISTING, {"If-None-Match": etag})[0]
    runs = {
        name: (path, {"If-None-Match": etag} if conditional else None, expect)
        for name, (_label, path, conditional, expect) in RUNS.items()
    }
    for path, extra, expect in runs.values():
        _load(port, path, WARM_UP, extra, expect)
    workers = _children(server.pid)
    results: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, tuple[float, int]] = dict.fromkeys(runs, (0.0, 0))
    for _round in range(ROUNDS):
        for name, (path, extra, expect) in runs.items():
            before = _cpu_seconds(workers)
            requests, elapsed = _load(port, path, DURATION, extra, expect)
            used = _cpu_seconds(workers) - before
            results[name].append(requests / elapsed)
            cpu[name] = (cpu[name][0] + used, cpu[name][1] + requests)
    return body, not_modified, results, cpu


# --- Data -------------------------------------------------------------------------------------


def _ensure_published_year() -> int:
    """The current year's published days; generated and published from the demo data if none."""
    year = timezone.localdate().year
    if not Duty.objects.published().of_year(year).exists():
        with transaction.atomic():
            demo.load(accounts=False)
            rotation.generate_year(
                year, list(Leader.objects.active()), list(ContactPerson.objects.active())
            )
            services.publish_year(year)
        print(f"Generated and published the {year} rosters for the benchmark.")
    return Duty.objects.published().of_year(year).count()


def _ensure_appointments() -> int:
    """The upcoming reception days of this year open for appointments (30 places), each with
    three bookings (made once, through the booking verb); returns how many days take them."""
    today = timezone.localdate()
    upcoming = Duty.objects.published().filter(
        kind=Duty.Kind.RECEPTION, year=today.year, date__gt=today
    )
    opened = 0
    for duty in upcoming.select_related("leader"):
        day = AppointmentDay.objects.filter(duty=duty).first()
        if day is None:
            day = open_for_appointments(duty, places=30, slots=["09:00-10:00"], version=None)
        for n in range(3 - duty.appointments.count()):
            try:
                appointments.book(duty, today=today, **_bench_booking(n))
            except ValidationError:
                break  # bookings closed already: the day shows no count
        opened += day.is_open(today, appointment_days.closes_on(duty))
    return opened


def _bench_booking(n: int) -> dict:
    return {
        "name": f"测试{n}",
        "phone": f"+861380013800{n}",
        "district": "shuangta",
        "location": "双塔区",
        "matter": "噪音扰民。",
        "category": "1",
        "slot": "09:00-10:00",
        "people_count": 1,
        "representatives": "",
        "petitioned_before": False,
        "earlier_case_number": "",
    }


# --- The server -------------------------------------------------------------------------------


def _server_env() -> dict[str, str]:
    env = dict(os.environ)  # PETITIONER_DATA_KEY (or var/keys) too: the cases are under it
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DATABASE_URL=os.environ.get("DATABASE_URL") or _database_url(),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _database_url() -> str:
    """The URL of the database this process uses (the embedded one when DATABASE_URL is unset)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{_read(log)}")
        try:
            if _request(port, MINIMAL)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 20 s:\n{_read(log)}")


def _children(pid: int) -> list[int]:
    """The gunicorn workers (Linux /proc; an empty list elsewhere, and no CPU column)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def _read(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


# --- The load ---------------------------------------------------------------------------------
# Raw sockets, one request per connection (gunicorn's sync workers close after each response):
# the client does as little as possible, so the server's work is what differs between URLs.


def _raw_request(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: text/html",
        "Accept-Language: zh-CN,zh;q=0.9,en;q=0.8",
        "Connection: close",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _fetch(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _request(port: int, path: str, headers: dict[str, str] | None = None):
    response = _fetch(port, _raw_request(port, path, headers))
    head, _sep, body = response.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), parsed, body


def _load(
    port: int,
    path: str,
    seconds: float,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> tuple[int, float]:
    """Requests done by ``CLIENTS`` clients sending requests back to back, and the time taken."""
    raw = _raw_request(port, path, headers)
    prefix = f"HTTP/1.1 {expect} ".encode()
    counts = [0] * CLIENTS
    errors: list[str] = []
    start = time.monotonic()
    stop = start + seconds

    def client(index: int) -> None:
        done = 0
        while time.monotonic() < stop:
            response = _fetch(port, raw)
            if not response.startswith(prefix):
                errors.append(response[:200].decode(errors="replace"))
                break
            done += 1
        counts[index] = done

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if errors:
        raise SystemExit(f"{path} answered: {errors[0]}")
    return sum(counts), elapsed

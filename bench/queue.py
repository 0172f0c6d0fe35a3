"""The task queue's throughput, and what queueing a mail adds to a request.

``python -m bench queue`` (``make bench BENCH=queue``), on the bench database:

- jobs deferred per second: ``queue_mail`` (the outbox row and its procrastinate job), each
  in its own committed transaction, as a request does (target: 200/s or more);
- mails delivered per second by one worker, run as in production (``procrastinate worker``:
  its own psycopg connector, concurrency 1), to a local SMTP sink (aiosmtpd on a loopback
  port), every message marked sent in the outbox (target: 50/s or more). Twice: with the
  database connection kept between jobs (``CONN_MAX_AGE=60``, as deploy/ sets it; the
  target), and with Django's default of a new connection for every job (``CONN_MAX_AGE=0``);
- what queueing one mail adds to a request: the same view (a POST that changes a row in a
  transaction) with and without ``queue_mail``, through Django's test client in turn, round by
  round; the median of the rounds' differences (target: 1 ms or less).

Wall-clock figures move with the machine's other load (printed with the load average). Beside
them, where the database runs on this machine, the same figures from CPU time (this process's
and its database backend's, from /proc), which other load hardly changes. About 30 s.
The bench's own messages are addressed to the sink and deleted at the end.
"""

from __future__ import annotations

import os
import socket
import statistics
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from procrastinate.contrib.django import app

from accounts.models import Message
from accounts.outbox import queue_mail
from bench.urls import BENCH_USER

ABOUT = "bench"
DEFERRED = 1000
DELIVERED = 400
REQUESTS = 100  # per view and round
ROUNDS = 15


class Sink:
    """Accepts every mail and counts it."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


class CpuClock:
    """CPU seconds of this process and of the database backend serving it (None if that
    backend is not on this machine)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float | None:
        try:
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return time.process_time() + (int(fields[11]) + int(fields[12])) / self.tick


def run() -> None:
    settings.DEBUG = False  # measure what production runs (no query log)
    load = os.getloadavg()[0]
    _clean()
    try:
        deferred = _deferral_rate()
        _clean()
        # In this order: the worker thread's connection takes the setting when it (re)connects.
        reconnecting = _delivery_rate(conn_max_age=0)
        _clean()
        delivered = _delivery_rate(conn_max_age=60)
        _clean()
        added = _request_overhead()
    finally:
        _clean()
    print(f"load average {load:.1f} on {os.cpu_count()} cores; one worker, concurrency 1")
    print(f"{'':<48}{'wall clock':>12}{'CPU time':>10}{'target':>9}")
    _report("jobs deferred per second (committed)", deferred, 200, higher=True)
    _report("mails delivered per second, CONN_MAX_AGE=60", (delivered, None), 50, higher=True)
    print(f"{'  (a new connection for every job: CONN_MAX_AGE=0)':<48}{reconnecting:>12.2f}")
    _report("ms a queued mail adds to a request", added, 1, higher=False)


def _report(label: str, values: tuple[float, float | None], target: float, higher: bool) -> None:
    wall, cpu = values
    met = wall >= target if higher else wall <= target
    shown_cpu = f"{cpu:.2f}" if cpu is not None else "-"
    sign = ">=" if higher else "<="
    verdict = "PASS" if met else "FAIL (wall clock)"
    print(f"{label:<48}{wall:>12.2f}{shown_cpu:>10}{sign:>5} {target:<3} {verdict}")


def _deferral_rate() -> tuple[float, float | None]:
    cpu = CpuClock()
    cpu_start, started = cpu(), time.perf_counter()
    for i in range(DEFERRED):
        queue_mail("sink@localhost", f"bench {i}", "body", about=ABOUT)
    wall, cpu_end = time.perf_counter() - started, cpu()
    return DEFERRED / wall, (DEFERRED / (cpu_end - cpu_start) if cpu_end is not None else None)


def _delivery_rate(conn_max_age: int) -> float:
    for i in range(DELIVERED):
        queue_mail("sink@localhost", f"bench {i}", "body", about=ABOUT)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": controller.port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
    worker = app.connector.get_worker_connector()
    database = settings.DATABASES["default"]  # the dict every thread's connection reads
    kept = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = conn_max_age
    try:
        with override_settings(**smtp), app.replace_connector(worker):
            started = time.perf_counter()
            app.run_worker(
                wait=False, install_signal_handlers=False, listen_notify=False, queues=["outbox"]
            )
            elapsed = time.perf_counter() - started
    finally:
        database["CONN_MAX_AGE"] = kept
        controller.stop()
    sent = Message.objects.filter(about=ABOUT, state=Message.State.SENT).count()
    assert sent == sink.count == DELIVERED, (sent, sink.count)
    return sent / elapsed


def _request_overhead() -> tuple[float, float | None]:
    """The median over the rounds of the time one queued mail adds to a request."""
    get_user_model().objects.get_or_create(username=BENCH_USER)  # the row the views change
    client = Client()
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=hosts):
        for url in ("/bench/change/", "/bench/change-and-mail/"):
            assert client.post(url, secure=True).status_code == 200, url  # warm-up
        cpu = CpuClock()
        wall_added, cpu_spent = [], {"/bench/change/": 0.0, "/bench/change-and-mail/": 0.0}
        for _round in range(ROUNDS):
            times = {}
            for url in cpu_spent:
                cpu_start, started = cpu(), time.perf_counter()
                for _ in range(REQUESTS):
                    client.post(url, secure=True)
                times[url] = (time.perf_counter() - started) * 1000 / REQUESTS
                cpu_end = cpu()
                if cpu_end is not None:
                    cpu_spent[url] += cpu_end - cpu_start
            wall_added.append(times["/bench/change-and-mail/"] - times["/bench/change/"])
    total = ROUNDS * REQUESTS
    cpu_added = (cpu_spent["/bench/change-and-mail/"] - cpu_spent["/bench/change/"]) * 1000
    return statistics.median(wall_added), (cpu_added / total if cpu_end is not None else None)


def _clean() -> None:
    """Drop the bench's messages and any job still waiting for one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE task_name = 'accounts.send_message' "
            "AND status = 'todo'"
        )
    Message.objects.filter(about=ABOUT).delete()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

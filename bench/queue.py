"""The task queue's throughput, and what queueing a mail adds to a request.

``python -m bench queue`` (``make bench BENCH=queue``), on the bench database:

- jobs deferred per second: ``queue_mail`` (the outbox row and its procrastinate job), each
  in its own committed transaction, as a request does (target: 200/s or more);
- mails delivered per second by one worker, run as in production (``procrastinate worker``:
  its own psycopg connector, concurrency 1), to a local SMTP sink (aiosmtpd on a loopback
  port), every message marked sent in the outbox (target: 50/s or more);
- what queueing one mail adds to a request: the same view (a POST that changes a row in a
  transaction) with and without ``queue_mail``, through Django's test client in turn, round by
  round; the median of the rounds' differences (target: 1 ms or less).

The bench's own messages are addressed to the sink and deleted at the end. About 30 s.
"""

from __future__ import annotations

import socket
import statistics
import time

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
TARGETS = {"deferred": 200.0, "delivered": 50.0, "added_ms": 1.0}


class Sink:
    """Accepts every mail and counts it."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def run() -> None:
    settings.DEBUG = False  # measure what production runs (no query log)
    _clean()
    try:
        deferred = _deferral_rate()
        _clean()
        delivered, sent = _delivery_rate()
        _clean()
        plain_ms, added_ms = _request_overhead()
    finally:
        _clean()
    print(f"{'':<52}{'measured':>12}{'target':>12}")
    rows = [
        ("jobs deferred per second (queue_mail, committed)", deferred, ">= 200", "deferred"),
        (f"mails delivered per second (1 worker, {sent} sent)", delivered, ">= 50", "delivered"),
        (f"ms added to a request by one queued mail (of {plain_ms:.2f})", added_ms, "<= 1"),
    ]
    missed = 0
    for label, value, target, *key in rows:
        ok = value <= TARGETS["added_ms"] if not key else value >= TARGETS[key[0]]
        missed += not ok
        print(f"{label:<52}{value:>12.2f}{target:>12}  {'PASS' if ok else 'FAIL'}")
    print("queue: all targets met" if not missed else f"queue: {missed} target(s) missed")


def _deferral_rate() -> float:
    started = time.perf_counter()
    for i in range(DEFERRED):
        queue_mail("sink@localhost", f"bench {i}", "body", about=ABOUT)
    return DEFERRED / (time.perf_counter() - started)


def _delivery_rate() -> tuple[float, int]:
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
    try:
        with override_settings(**smtp), app.replace_connector(app.connector.get_worker_connector()):
            started = time.perf_counter()
            app.run_worker(
                wait=False, install_signal_handlers=False, listen_notify=False, queues=["outbox"]
            )
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    sent = Message.objects.filter(about=ABOUT, state=Message.State.SENT).count()
    assert sent == sink.count == DELIVERED, (sent, sink.count)
    return sent / elapsed, sent


def _request_overhead() -> tuple[float, float]:
    """Median per-request time of the plain view, and the median added by the mail."""
    get_user_model().objects.get_or_create(username=BENCH_USER)  # the row the views change
    client = Client()
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=hosts):
        for url in ("/bench/change/", "/bench/change-and-mail/"):
            assert client.post(url, secure=True).status_code == 200, url  # warm-up
        plain, added = [], []
        for _round in range(ROUNDS):
            without = _per_request_ms(client, "/bench/change/")
            with_mail = _per_request_ms(client, "/bench/change-and-mail/")
            plain.append(without)
            added.append(with_mail - without)
    return statistics.median(plain), statistics.median(added)


def _per_request_ms(client: Client, url: str) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.post(url, secure=True)
    return (time.perf_counter() - started) * 1000 / REQUESTS


def _clean() -> None:
    """Drop the bench's messages and any job still waiting for one."""
    ids = list(Message.objects.filter(about=ABOUT).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE task_name = 'accounts.send_message' "
            "AND status = 'todo'"
        )
    Message.objects.filter(pk__in=ids).delete()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

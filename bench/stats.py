"""How fast the statistics are with a million cases (``python -m bench stats``).

Uses the register bench's million cases (built once, ``bench/register_build.py``), classified
once by ``bench/stats_build.py``. Signs in a petition office user and measures, in the same
run, the register's first page (the yardstick) and the statistics page for a month and for a
year (all breakdowns), and the year's Excel workbook and Word report: median server times,
as ratios to the register's first page, and the queries of one page.

Targets (issue 11): a month's page <= 3x the register's first page, a year's <= 10x, the
year's files <= 20x; at most 20 queries for the page.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.register import TARGET_ROWS, _client, _pad
from bench.register_build import build
from bench.stats_build import classify, count_summary, spread

MAX_QUERIES = 20


def _median_ms(client: Client, url: str, runs: int) -> tuple[float, int]:
    response = client.get(url, secure=True)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    return statistics.median(times), len(queries.captured_queries)


def run() -> None:
    print(f"Making sure {TARGET_ROWS:,} benchmark cases exist and are classified ...", flush=True)
    seconds = build(TARGET_ROWS) + classify() + spread()
    print(f"  ready ({seconds:.0f} s)" if seconds else "  already there", flush=True)
    print("Making sure the statistics' summary counts them ...", flush=True)
    counted = count_summary(loaded=bool(seconds))
    print(f"  counted ({counted:.0f} s)" if counted else "  already counted", flush=True)
    settings.DEBUG = False
    client = _client()
    year = timezone.localdate().year - 1  # the last whole year
    month = f"/stats/?kind=month&year={year}&month=11"
    whole = f"/stats/?kind=year&year={year}"
    register_ms, _queries = _median_ms(client, "/cases/", 20)
    print(f"{'request':<36} {'median ms':>10} {'ratio':>7} {'queries':>8}  result")
    print(f"{_pad('register, first page', 36)} {register_ms:>10.1f} {1:>7.1f}")
    checks = [
        ("statistics page, a month", month, 3, 3),
        ("statistics page, a year", whole, 10, 3),
        ("Excel workbook, a year", f"/stats/report.xlsx?kind=year&year={year}", 20, 1),
        ("Word report, a year", f"/stats/report.docx?kind=year&year={year}", 20, 1),
    ]
    failed = 0
    for label, url, target, runs in checks:
        median, queries = _median_ms(client, url, runs)
        ratio = median / register_ms
        ok = ratio <= target and queries <= MAX_QUERIES
        failed += not ok
        verdict = "PASS" if ok else f"FAIL (target <= {target}x, <= {MAX_QUERIES} queries)"
        print(f"{_pad(label, 36)} {median:>10.1f} {ratio:>7.1f} {queries:>8}  {verdict}")
    print("stats: all targets met" if not failed else f"stats: {failed} target(s) missed")

"""How fast the register (台账) is with a million cases.

``python -m bench register`` (part of ``make bench``):

1. Makes sure the configured database holds a million benchmark cases
   (``bench/register_build.py``): built once in a single SQL statement from 20,000 realistic
   Chinese titles and texts (``bench/register_texts.py``) and kept for the next run.
2. Signs in a petition office user and asks the register, through Django's test client, for
   the first page, a filtered page, a page 500,000 rows deep (by its cursor) and searches for
   噪音 and 异味: the median server time of 20 requests each and the number of queries of one.

The build takes about two and a half minutes on two cores. Requests are measured with DEBUG
off, as production runs.

Targets (issue 3): pages <= 10 ms with at most 3 queries whatever the page size; search
<= 50 ms.
"""

from __future__ import annotations

import statistics
import time
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from bench.register_build import build
from petitions.models import Case
from petitions.paging import SORTS, encode_cursor
from schedules.models import District

TARGET_ROWS = 1_000_000
RUNS = 20
DEEP_ROWS = 500_000
PAGE_TARGET_MS = 10.0
SEARCH_TARGET_MS = 50.0
MAX_QUERIES = 3
BENCH_USER = "bench-clerk"


def _client() -> Client:
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"email": "bench@localhost"}
    )
    user.groups.add(Group.objects.get(name=Role.PETITION_OFFICE))
    client = Client()
    client.force_login(user)
    return client


def _measure(client: Client, url: str) -> tuple[float, int]:
    response = client.get(url)  # warm-up: caches, connection, templates
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries.captured_queries)


def _deep_cursor() -> str:
    sort = SORTS["-received"]
    case = Case.objects.order_by(*sort.ordering()).only("received_at", "id")[DEEP_ROWS]
    return encode_cursor("-received", sort.values_of(case))


def _pad(text: str, width: int) -> str:
    """Left-align by display width: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def run() -> None:
    print(f"Making sure {TARGET_ROWS:,} benchmark cases exist ...", flush=True)
    seconds = build(TARGET_ROWS)
    if seconds:
        print(f"  built in {seconds:.0f} s", flush=True)
    else:
        print("  already there (built by an earlier run)", flush=True)
    settings.DEBUG = False  # measure what production runs
    client = _client()
    district = District.SHUANGTA.value
    checks = [
        ("first page (20 rows)", "/cases/", PAGE_TARGET_MS),
        ("first page (100 rows)", "/cases/?per_page=100", PAGE_TARGET_MS),
        (
            "filtered: in progress in 双塔区",
            f"/cases/?state=in_progress&district={district}",
            PAGE_TARGET_MS,
        ),
        ("500,000 rows deep", f"/cases/?after={_deep_cursor()}", PAGE_TARGET_MS),
        ("search 噪音", "/cases/?q=噪音", SEARCH_TARGET_MS),
        ("search 异味", "/cases/?q=异味", SEARCH_TARGET_MS),
    ]
    print(f"{'request':<36} {'median ms':>10} {'queries':>8}  result")
    failed = 0
    for label, url, target in checks:
        median, queries = _measure(client, url)
        ok = median <= target and queries <= MAX_QUERIES
        failed += not ok
        verdict = "PASS" if ok else f"FAIL (target <= {target:g} ms, <= {MAX_QUERIES} queries)"
        print(f"{_pad(label, 36)} {median:>10.1f} {queries:>8}  {verdict}", flush=True)
    print("register: all targets met" if not failed else f"register: {failed} target(s) missed")

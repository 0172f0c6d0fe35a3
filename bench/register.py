"""How fast the register (台账) is with a million cases, as a ratio to plain Django.

``python -m bench register`` (part of ``make bench``):

1. Makes sure the configured database holds a million benchmark cases
   (``bench/register_build.py``): built once in a single SQL statement from 20,000 realistic
   Chinese titles and texts (``bench/register_texts.py``) and 100,000 petitioners with
   encrypted, hashed names and phones, and kept for the next run.
2. Signs in a petition office user and asks, through Django's test client, for the reference
   (``bench/urls.py``: a plain Django list of the same cases, keyset-paged, 20 rows of the same
   columns in a bare template, no filters) and for each register page in turn: the first page,
   a filtered page, a page 500,000 rows deep (by its cursor), searches by words, by case
   number, by name and by phone. Each register request is timed right after a reference
   request, and the figure is the median of those pairs' ratios: absolute times differ two- or
   threefold from machine to machine, and the machine's other load drifts, but a neighbouring
   pair sees nearly the same machine. The number of queries of one request is counted too.

Requests are measured with DEBUG off, as production runs. The build takes about two and a half
minutes on two cores.

Targets (issue 9): pages (first, filtered, deep) <= 2.0x the reference, searches by number,
name or phone <= 2.0x, searches by words <= 5x, each with at most 3 queries. The worklist's
figure belongs to the worklist (``WORKLIST_URL``): reported once it exists.
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
from django.urls import NoReverseMatch, clear_url_caches, reverse

from accounts.roles import Role
from bench.register_build import FIRST_SEQUENCE, build, petitioner
from petitions.models import Case
from petitions.paging import SORTS, encode_cursor
from schedules.models import District

TARGET_ROWS = 1_000_000
PAIRS = 25  # reference and register requests, timed in turn
DEEP_ROWS = 500_000
PAGE_RATIO = 2.0
EXACT_SEARCH_RATIO = 2.0
TEXT_SEARCH_RATIO = 5.0
MAX_QUERIES = 3
BENCH_USER = "bench-clerk"
REFERENCE = "/bench/register-reference/"
WORKLIST_URL = "petitions:worklist"  # another branch adds it; its figure shows up then


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


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def _measure(client: Client, url: str) -> tuple[float, float, float]:
    """Median ratio to the reference, and the medians of both times in milliseconds."""
    for _ in range(2):  # warm-up: caches, connection, templates
        _timed(client, url)
        _timed(client, REFERENCE)
    ratios, own, reference = [], [], []
    for pair in range(PAIRS):
        if pair % 2:  # alternate which goes first
            base, mine = _timed(client, REFERENCE), _timed(client, url)
        else:
            mine, base = _timed(client, url), _timed(client, REFERENCE)
        ratios.append(mine / base)
        own.append(mine)
        reference.append(base)
    return statistics.median(ratios), statistics.median(own), statistics.median(reference)


def _deep_case() -> Case:
    sort = SORTS["-received"]
    return Case.objects.order_by(*sort.ordering()).only("received_at", "id", "year", "sequence")[
        DEEP_ROWS
    ]


def _pad(text: str, width: int) -> str:
    """Left-align by display width: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _checks() -> list[tuple[str, str | None, float | None]]:
    """(label, URL, target ratio): no target is information only; no URL is not there yet."""
    deep = _deep_case()
    cursor = encode_cursor("-received", SORTS["-received"].values_of(deep))
    number = f"{settings.CASE_NUMBER_PREFIX}〔{deep.year}〕{deep.sequence:04d}"
    name, phone = petitioner(12_345)
    phone = f"{phone[3:6]} {phone[6:10]} {phone[10:]}"  # as read out: 139 0001 2345
    assert deep.sequence > FIRST_SEQUENCE
    try:
        worklist = reverse(WORKLIST_URL)
    except NoReverseMatch:
        worklist = None
    return [
        ("first page (20 rows)", "/cases/", PAGE_RATIO),
        ("first page (100 rows)", "/cases/?per_page=100", None),
        (
            "filtered: in progress in 双塔区",
            f"/cases/?state=in_progress&district={District.SHUANGTA.value}",
            PAGE_RATIO,
        ),
        ("500,000 rows deep", f"/cases/?after={cursor}", PAGE_RATIO),
        ("search words 噪音", "/cases/?q=噪音", TEXT_SEARCH_RATIO),
        ("search words 异味", "/cases/?q=异味", TEXT_SEARCH_RATIO),
        (
            f"search number {deep.year}-{deep.sequence}",
            f"/cases/?q={deep.year}-{deep.sequence}",
            EXACT_SEARCH_RATIO,
        ),
        (f"search number {number}", f"/cases/?q={number}", EXACT_SEARCH_RATIO),
        (f"search name {name}", f"/cases/?q={name}", EXACT_SEARCH_RATIO),
        (f"search phone {phone}", f"/cases/?q={phone}", EXACT_SEARCH_RATIO),
        ("worklist", worklist, PAGE_RATIO),
    ]


def run() -> None:
    print(f"Making sure {TARGET_ROWS:,} benchmark cases exist ...", flush=True)
    seconds = build(TARGET_ROWS)
    if seconds:
        print(f"  built in {seconds:.0f} s", flush=True)
    else:
        print("  already there (built by an earlier run)", flush=True)
    settings.DEBUG = False  # measure what production runs
    settings.ROOT_URLCONF = "bench.urls"  # the app's URLs and the reference view
    clear_url_caches()
    client = _client()
    _timed(client, REFERENCE)
    print(
        f"reference: plain Django list, 20 rows, {_queries(client, REFERENCE)} queries; "
        f"each figure: median of {PAIRS} (register / reference) pairs"
    )
    print(f"{'request':<44} {'ratio':>6} {'ms':>7} {'ref ms':>7} {'queries':>8}  result")
    failed = 0
    for label, url, target in _checks():
        if url is None:
            print(f"{_pad(label, 44)} {'-':>6} {'':>7} {'':>7} {'':>8}  not in this branch yet")
            continue
        ratio, own, reference = _measure(client, url)
        queries = _queries(client, url)
        if target is None:
            verdict = "(information)"
        elif ratio <= target and queries <= MAX_QUERIES:
            verdict = "PASS"
        else:
            failed += 1
            verdict = f"FAIL (target <= {target:g}x, <= {MAX_QUERIES} queries)"
        print(
            f"{_pad(label, 44)} {ratio:>5.2f}x {own:>7.1f} {reference:>7.1f} {queries:>8}  "
            f"{verdict}",
            flush=True,
        )
    print("register: all targets met" if not failed else f"register: {failed} target(s) missed")

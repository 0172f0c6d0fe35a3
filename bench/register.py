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
   pair sees nearly the same machine. The number of queries of a request is counted too (the
   median of five requests: the shared change stamps cost one query per process at most
   twice a second, which one request in many pays).

Requests are measured with DEBUG off, as production runs. The build takes about two and a half
minutes on two cores.

Then the worklist (``/work/``) of three people, each timed against the same reference: the
office's (the bench clerk), a handling unit's (a member of the busiest branch office, about
100,000 cases) and a leader's (in charge of one in twenty of their duty days' cases). Its
queries are counted twice: all of them, and those that read the cases (its lists and counts).

``BENCH_REGISTER_ONLY=worklists`` measures the worklists alone (while working on them); the
full run, as ``make bench`` makes it, measures everything.

Targets (issue 9): pages (first, filtered, deep) <= 2.0x the reference, searches by number,
name or phone <= 2.0x, searches by words <= 5x, each with at most 3 queries; the worklist
<= 2.0x, with at most 3 queries on the cases (signing in, the leader record and the next duty
day are the page's own).
"""

from __future__ import annotations

import os
import statistics
import time
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, reverse

from accounts.roles import Role
from bench.register_build import FIRST_SEQUENCE, _triggers_off, build, petitioner
from petitions.models import Case
from petitions.paging import SORTS, encode_cursor
from schedules.models import District, Leader, Unit

TARGET_ROWS = 1_000_000
PAIRS = 25  # reference and register requests, timed in turn
DEEP_ROWS = 500_000
PAGE_RATIO = 2.0
EXACT_SEARCH_RATIO = 2.0
TEXT_SEARCH_RATIO = 5.0
MAX_QUERIES = 3
QUERY_SAMPLES = 5  # requests whose queries are counted (the median)
BENCH_USER = "bench-clerk"
UNIT_USER = "bench-unit"
LEADER_USER = "bench-leader"
IN_CHARGE_EVERY = 20  # the bench leader is in charge of one in so many of their cases
REFERENCE = "/bench/register-reference/"
WORKLIST_URL = "work:home"


def _client(username: str = BENCH_USER, role: str = Role.PETITION_OFFICE) -> Client:
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@localhost"}
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def _unit_client() -> Client:
    """A member of the branch office with the most cases."""
    client = _client(UNIT_USER, Role.HANDLING_UNIT)
    busiest = (
        Case.objects.exclude(unit=None)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("unit", flat=True)[0]
    )
    user = get_user_model().objects.get(username=UNIT_USER)
    user.units.set([Unit.objects.get(pk=busiest)])
    return client


def _leader_client() -> Client:
    """The first leader, signed in, in charge (包案) of one in ``IN_CHARGE_EVERY`` of the cases
    taken on their duty days (the build leaves nobody in charge: set once, kept)."""
    client = _client(LEADER_USER, Role.LEADER)
    user = get_user_model().objects.get(username=LEADER_USER)
    leader = Leader.objects.order_by("rotation_order", "pk").first()
    Leader.objects.filter(user=user).exclude(pk=leader.pk).update(user=None)
    leader.user = user
    leader.save(update_fields=["user"])
    with transaction.atomic(), connection.cursor() as cursor, _triggers_off(cursor):
        cursor.execute(
            "UPDATE petitions_case SET leader_in_charge_id = %s WHERE leader_id = %s "
            "AND leader_in_charge_id IS NULL AND sequence > %s AND id %% %s = 0 "
            "AND NOT EXISTS (SELECT 1 FROM petitions_case c WHERE c.leader_in_charge_id = %s)",
            [leader.pk, leader.pk, FIRST_SEQUENCE, IN_CHARGE_EVERY, leader.pk],
        )
    return client


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _queries(client: Client, url: str) -> tuple[int, int]:
    """All the queries of a request, and those that read the cases: the usual request's (the
    median of a few), since a process reads the shared change stamps (``accounts.stamps``) at
    most twice a second, whatever its traffic, and one request in many pays that read."""
    counted = []
    for _ in range(QUERY_SAMPLES):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        on_cases = [q for q in queries.captured_queries if '"petitions_case"' in q["sql"]]
        counted.append((len(queries.captured_queries), len(on_cases)))
    return (
        int(statistics.median(n for n, _on in counted)),
        int(statistics.median(on for _n, on in counted)),
    )


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
    """(label, URL, target ratio) of the register: no target is information only."""
    deep = _deep_case()
    cursor = encode_cursor("-received", SORTS["-received"].values_of(deep))
    number = f"{settings.CASE_NUMBER_PREFIX}〔{deep.year}〕{deep.sequence:04d}"
    name, phone = petitioner(12_345)
    phone = f"{phone[3:6]} {phone[6:10]} {phone[10:]}"  # as read out: 139 0001 2345
    assert deep.sequence > FIRST_SEQUENCE
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
    ]


def _worklists() -> list[tuple[str, Client]]:
    return [
        ("worklist: the office", _client()),
        ("worklist: a unit (busiest branch office)", _unit_client()),
        ("worklist: a leader (in charge of cases)", _leader_client()),
    ]


def _report(client: Client, label: str, url: str, target: float | None, worklist: bool) -> bool:
    """Measure one request and print its line; False when it misses its target."""
    ratio, own, reference = _measure(client, url)
    queries, on_cases = _queries(client, url)
    counted = on_cases if worklist else queries
    shown = f"{queries} ({on_cases})" if worklist else str(queries)
    met = target is None or (ratio <= target and counted <= MAX_QUERIES)
    if target is None:
        verdict = "(information)"
    elif met:
        verdict = "PASS"
    else:
        what = "on the cases" if worklist else "queries"
        verdict = f"FAIL (target <= {target:g}x, <= {MAX_QUERIES} {what})"
    print(
        f"{_pad(label, 44)} {ratio:>5.2f}x {own:>7.1f} {reference:>7.1f} {shown:>8}  {verdict}",
        flush=True,
    )
    return met


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
        f"reference: plain Django list, 20 rows, {_queries(client, REFERENCE)[0]} queries; "
        f"each figure: median of {PAIRS} (page / reference) pairs"
    )
    print(f"{'request':<44} {'ratio':>6} {'ms':>7} {'ref ms':>7} {'queries':>8}  result")
    failed = 0
    worklists_only = os.environ.get("BENCH_REGISTER_ONLY", "") == "worklists"
    for label, url, target in [] if worklists_only else _checks():
        failed += not _report(client, label, url, target, worklist=False)
    print("worklists: queries in all (of which on the cases)")
    worklist = reverse(WORKLIST_URL)
    for label, person in _worklists():
        failed += not _report(person, label, worklist, PAGE_RATIO, worklist=True)
    print("register: all targets met" if not failed else f"register: {failed} target(s) missed")

"""The statistics bench's data: what the million benchmark cases are about.

The register bench's cases (``bench/register_build.py``) already spread over five years, the
channels, districts and states. This adds, once, what the reports break down by: one
pollution type for most cases and a second for some (air and noise the most common, as in the
Ministry's monthly figures), a sub-type of that type for most, and an industry (construction,
catering and manufacturing the most common); a tenth stays unclassified, as old cases are.
Three set-based statements, never a statement per case.

The rates need dates that vary as real ones do: refusals decided 1 to 20 days after receipt
(some late), an approved 30-day extension for one accepted case in twenty, and one answer in
twenty-five given 45 days later than the register's data has it (late, unless extended). The
loads run with triggers off, so the statistics' summary is counted again afterwards.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Sum

from bench.register_build import FIRST_SEQUENCE, _triggers_off
from petitions.models import Case
from petitions.stats_models import StatMarks
from petitions.stats_summary import refresh, summary_ready

# (code, cumulative share) of the first type; a second type follows for 15% of the cases.
TYPE_SHARES = [
    ("air", 0.38),
    ("noise", 0.66),
    ("water", 0.78),
    ("solid_waste", 0.85),
    ("soil", 0.87),
    ("radiation", 0.88),
    ("ecology", 0.90),
]
INDUSTRY_SHARES = [("E", 0.25), ("H", 0.42), ("C", 0.62), ("A", 0.70), ("R", 0.74), ("O", 0.80)]

BENCH = f"c.sequence > {FIRST_SEQUENCE}"


def _choose(shares: list[tuple[str, float]], draw: str) -> str:
    whens = " ".join(f"WHEN {draw} < {share} THEN '{code}'" for code, share in shares)
    return f"CASE {whens} END"


TYPES_SQL = f"""
INSERT INTO petitions_pollutiontype_cases (pollutiontype_id, case_id)
SELECT DISTINCT p.id, d.id FROM (
    SELECT c.id, {_choose(TYPE_SHARES, "((c.id * 7907) % 1000) / 1000.0")} AS code
    FROM petitions_case c WHERE {BENCH}
    UNION ALL
    SELECT c.id, {_choose(TYPE_SHARES, "((c.id * 104729) % 900) / 1000.0")}
    FROM petitions_case c WHERE {BENCH} AND (c.id * 31) % 100 < 15
) AS d JOIN petitions_pollutiontype p ON p.code = d.code
"""

SUBTYPES_SQL = """
INSERT INTO petitions_pollutionsubtype_cases (pollutionsubtype_id, case_id)
SELECT s.id, l.case_id FROM petitions_pollutiontype_cases l
JOIN LATERAL (
    SELECT id FROM petitions_pollutionsubtype s
    WHERE s.pollution_type_id = l.pollutiontype_id
    ORDER BY s."order", s.id
    OFFSET (l.case_id % (SELECT count(*) FROM petitions_pollutionsubtype x
                         WHERE x.pollution_type_id = l.pollutiontype_id)) LIMIT 1
) s ON TRUE
WHERE (l.case_id * 17) % 10 < 7
"""

INDUSTRY_SQL = f"""
UPDATE petitions_case c SET industry_id = i.id
FROM petitions_industry i
WHERE {BENCH} AND i.code = {_choose(INDUSTRY_SHARES, "((c.id * 7919) % 1000) / 1000.0")}
"""


SPREAD_SQL = [
    f"""UPDATE petitions_case c SET closed_at = c.received_at + interval '1 day' * (1 + c.id % 20)
    WHERE {BENCH} AND c.state = 'not_accepted'""",
    f"""UPDATE petitions_case c SET extension_days = 30, extension_state = 'approved',
        extension_reason = '需现场监测，延期办理'
    WHERE {BENCH} AND c.accepted_at IS NOT NULL AND c.id % 20 = 0""",
    f"""UPDATE petitions_case c SET answered_at = c.answered_at + interval '45 days',
        closed_at = c.closed_at + interval '45 days'
    WHERE {BENCH} AND c.answered_at IS NOT NULL AND c.id % 25 = 0
      AND coalesce(c.closed_at, c.answered_at) + interval '45 days' < now()""",
]


def _spread_done(cursor) -> bool:
    cursor.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM petitions_case c WHERE "
        + BENCH
        + " AND c.state = 'not_accepted' AND c.closed_at IS NULL)"
    )
    return cursor.fetchone()[0]


def spread() -> float:
    """Vary the decisions' and answers' dates unless done; returns the seconds it took."""
    with connection.cursor() as cursor:
        if _spread_done(cursor):
            return 0.0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, _triggers_off(cursor):
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for statement in SPREAD_SQL:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) petitions_case")
    return time.perf_counter() - started


def summary_current() -> bool:
    """Whether the statistics' summary counts every case with the running settings (a load
    with triggers off, here or by the register bench, leaves it behind)."""
    if not summary_ready():
        return False
    counted = StatMarks.objects.aggregate(n=Sum("cases"))["n"] or 0
    return counted == Case.objects.count()


def count_summary(loaded: bool) -> float:
    """Count the statistics' summary again after a load here (``loaded``), or when it misses
    cases or settings; returns the seconds it took."""
    if not loaded and summary_current():
        return 0.0
    started = time.perf_counter()
    refresh()
    with connection.cursor() as cursor:
        for table in ("petitions_stat_day", "petitions_stat_breakdown", "petitions_stat_marks"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def classify() -> float:
    """Classify the benchmark cases unless done; returns the seconds it took."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM petitions_pollutiontype_cases l "
            "JOIN petitions_case c ON c.id = l.case_id WHERE " + BENCH + ")"
        )
        if cursor.fetchone()[0]:
            return 0.0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, _triggers_off(cursor):
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(TYPES_SQL)
        cursor.execute(SUBTYPES_SQL)
        cursor.execute(INDUSTRY_SQL)
    with connection.cursor() as cursor:
        for table in (
            "petitions_case",
            "petitions_pollutiontype_cases",
            "petitions_pollutionsubtype_cases",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started

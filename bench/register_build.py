"""Building the register bench's data set: ``target`` cases (a million by default) in one SQL
statement, kept in the bench database for the next run.

Benchmark cases are recognised by their sequence numbers (above ``FIRST_SEQUENCE`` in a year,
which no real office reaches). Each row of a generated series (date of receipt, channel, a
state that fits the case's age) is joined to one of the realistic texts
(``bench/register_texts.py``) and to one of ``PETITIONERS`` petitioners, ten cases each: name and
phone encrypted and hashed in Python as intake stores them (a few seconds for all), both copied
into temporary tables first. A data set built before names were encrypted is built again.
History triggers are switched off for the load (the cases are not real changes), the GIN index
is dropped for the load and built once at the end, and the table is vacuumed and analysed
afterwards.
"""

from __future__ import annotations

import contextlib
import io
import random
import time
from collections.abc import Iterator

import pgtrigger
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from bench.register_texts import GIVEN, SURNAMES, TEXTS, generate_texts
from petitions.crypto import current_ring, encrypt
from petitions.identity import normalize_name
from petitions.models import Case
from schedules.models import District, Leader, Unit

FIRST_SEQUENCE = 100_000  # benchmark cases are numbered above this in each year
YEARS = 5
PETITIONERS = 100_000  # ten cases each; 1,200 names, each shared by about 80 petitioners


def petitioner(i: int) -> tuple[str, str]:
    """The name and phone (E.164) of bench petitioner ``i``."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
    return name, f"+86139{i:08d}"


def _bench_cases():
    return Case.objects.filter(sequence__gt=FIRST_SEQUENCE)


def _reference_data() -> tuple[list[int], dict[str, list[int]], list[int]]:
    """Leaders, units (a branch office per district, sections) and the office user."""
    for order, (name, position) in enumerate(
        [
            ("厚春华", "局长"),
            ("王晓东", "副局长"),
            ("孙守堂", "副局长"),
            ("傅博", "副局长"),
            ("郭大维", "执法队队长"),
        ]
    ):
        Leader.objects.get_or_create(
            name=name, defaults={"position": position, "rotation_order": order}
        )
    for district in District:
        name = f"{district.label.removesuffix('区').removesuffix('市').removesuffix('县')}分局"
        Unit.objects.get_or_create(
            name=str(name),
            defaults={"kind": Unit.Kind.BRANCH_OFFICE, "district": district.value},
        )
    for name in ["大气环境科", "水生态环境科", "土壤与固体废物科", "综合行政执法队"]:
        kind = Unit.Kind.ENFORCEMENT_TEAM if "执法" in name else Unit.Kind.SECTION
        Unit.objects.get_or_create(name=name, defaults={"kind": kind})
    leaders = list(Leader.objects.order_by("rotation_order", "pk").values_list("pk", flat=True))[:5]
    branches: dict[str, list[int]] = {}
    for pk, district in Unit.objects.filter(kind=Unit.Kind.BRANCH_OFFICE).values_list(
        "pk", "district"
    ):
        branches.setdefault(district, []).append(pk)
    sections = list(Unit.objects.exclude(kind=Unit.Kind.BRANCH_OFFICE).values_list("pk", flat=True))
    return leaders, branches, sections


def _copy_texts(cursor) -> None:
    cursor.execute(
        "CREATE TEMP TABLE bench_text (id int PRIMARY KEY, district text, location text, "
        "title text, content text, category text, classification text, "
        "bigrams varchar(2)[]) ON COMMIT DROP"
    )
    buffer = io.StringIO()
    for i, row in enumerate(generate_texts(random.Random(20240112))):
        district, location, title, content, category, classification, grams = row
        array = (
            "{"
            + ",".join('"' + g.replace("\\", "\\\\").replace('"', '\\"') + '"' for g in grams)
            + "}"
        )
        fields = [str(i), district, location, title, content, category, classification, array]
        buffer.write("\t".join(f.replace("\\", "\\\\").replace("\t", " ") for f in fields) + "\n")
    _copy(cursor, "bench_text", buffer)


def _copy(cursor, table: str, buffer: io.StringIO) -> None:
    buffer.seek(0)
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor  # Django's wrapper -> psycopg
    with raw.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _copy_petitioners(cursor) -> None:
    """Names and phones encrypted under the newest key with their lookup hashes, as intake
    stores them; the cases share them (a petitioner's cases all carry the same tokens)."""
    cursor.execute(
        "CREATE TEMP TABLE bench_petitioner (id int PRIMARY KEY, name text, name_hash text, "
        "phone text, phone_hash text) ON COMMIT DROP"
    )
    ring = current_ring()
    buffer = io.StringIO()
    for i in range(PETITIONERS):
        name, phone = petitioner(i)
        fields = [
            str(i),
            ring.encrypt(name),
            ring.lookup_hash(normalize_name(name)),
            ring.encrypt(phone),
            ring.lookup_hash(phone),
        ]
        buffer.write("\t".join(fields) + "\n")
    _copy(cursor, "bench_petitioner", buffer)


def _literal(value) -> str:
    """A constant as SQL, for the default of a column this module does not know."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "'{}'" if not value else "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def _column_sql(leaders: list[int], branches: dict[str, list[int]], sections: list[int]) -> dict:
    """The SQL expression of each column, over ``s`` (the series) and ``t`` (the text)."""
    return {
        **_registration_columns(),
        **_petitioner_columns(),
        **_routing_columns(leaders, branches, sections),
        **_progress_columns(),
    }


def _registration_columns() -> dict:
    """What the desk records: number, channel, the matter, and the bookkeeping columns."""
    prefix = settings.CASE_NUMBER_PREFIX.replace("'", "''")
    return {
        "number": f"'{prefix}〔' || s.year || '〕' || s.sequence",
        "year": "s.year",
        "sequence": "s.sequence",
        "query_code": f"'{encrypt('K7P3Q9M2')}'",
        "submission_token": "gen_random_uuid()",
        "channel": "s.channel",
        "received_at": "s.received_at",
        "people_count": "CASE WHEN s.r2 < 0.03 THEN 5 + (s.i % 20) ELSE 1 END",
        "representatives": "''",
        "is_group": "s.r2 < 0.03",
        "district": "t.district",
        "location": "t.location",
        "title": "t.title",
        "content": "t.content",
        "category": "CASE WHEN s.state = 'not_accepted' THEN '0' ELSE t.category END",
        "classification": "t.classification",
        "skipped_level": "s.r2 BETWEEN 0.03 AND 0.05",
        "in_litigation": "s.r2 BETWEEN 0.05 AND 0.06",
        "referral_reason_id": "NULL",
        "referral_note": "''",
        "duty_id": "NULL",
        "repeat_of_id": "NULL",
        "is_repeat": "s.r3 < 0.08",
        "search_bigrams": "t.bigrams",
        "created_by_id": "NULL",
        "created_at": "s.received_at",
        "updated_at": "now()",
        "version": "1",
    }


def _petitioner_columns() -> dict:
    """The petitioner's name and phone (``p``, encrypted and hashed); the same encrypted ID
    number and address for all (never shown by the register, nor searched in the bench)."""
    return {
        "petitioner_name": "p.name",
        "petitioner_name_hash": "p.name_hash",
        "petitioner_phone": "p.phone",
        "petitioner_phone_hash": "p.phone_hash",
        "petitioner_id_number": f"'{encrypt('211302198001011237')}'",
        "petitioner_id_hash": "''",
        "petitioner_address": f"'{encrypt('辽宁省朝阳市双塔区凌河街道友谊小区')}'",
    }


def _routing_columns(
    leaders: list[int], branches: dict[str, list[int]], sections: list[int]
) -> dict:
    """The leader of a leaders' day, and the unit: mostly the district's branch office."""
    branch_cases = " ".join(
        f"WHEN '{district}' THEN {units[0]}" for district, units in branches.items() if units
    )
    leader_array = "ARRAY[" + ",".join(map(str, leaders)) + "]::bigint[]"
    section_array = "ARRAY[" + ",".join(map(str, sections or [0])) + "]::bigint[]"
    return {
        "leader_id": f"CASE WHEN s.channel IN ('reception_day','visit_day') "
        f"THEN ({leader_array})[1 + (s.month_index % {max(len(leaders), 1)})] END"
        if leaders
        else "NULL",
        "unit_id": f"CASE WHEN s.state IN ('registered','accepted','not_accepted') THEN NULL "
        f"WHEN s.r3 < 0.8 THEN (CASE t.district {branch_cases} END) "
        f"ELSE ({section_array})[1 + s.i % {max(len(sections), 1)}] END",
        "instructions": "''",
        "identity_released": "s.r3 > 0.7",
    }


def _progress_columns() -> dict:
    """State, time limits, answer and feedback, consistent with the state."""
    answered = "s.state IN ('answered','closed','review','second_review')"
    accepted = "s.state NOT IN ('registered','not_accepted')"
    return {
        "state": "s.state",
        "acceptance_due": "(s.received_at + interval '15 days')::date",
        "accepted_at": f"CASE WHEN {accepted} THEN s.accepted_at END",
        "due_date": f"CASE WHEN s.state IN ('review','second_review') "
        f"THEN (now() + interval '1 day' * (s.i % 30))::date "
        f"WHEN {accepted} THEN (s.accepted_at + interval '60 days')::date END",
        "extension_days": "0",
        "extension_reason": "''",
        "extension_state": "''",
        "answer": f"CASE WHEN {answered} THEN '经调查核实，您反映的问题属实，"
        f"已责令有关单位限期整改，我局将持续跟踪督办。' ELSE '' END",
        "answered_at": f"CASE WHEN {answered} THEN s.accepted_at + interval '1 day' * "
        f"(20 + s.i % 35) END",
        "review_request_due": f"CASE WHEN {answered} THEN (s.accepted_at + interval '1 day' * "
        f"(50 + s.i % 35))::date END",
        "review_level": "CASE s.state WHEN 'review' THEN 1 WHEN 'second_review' THEN 2 ELSE 0 END",
        "satisfaction": "CASE WHEN s.state <> 'closed' THEN '' WHEN s.r2 < 0.7 THEN 'satisfied' "
        "WHEN s.r2 < 0.9 THEN 'basically' ELSE 'not_satisfied' END",
        "closed_at": "CASE WHEN s.state = 'closed' THEN s.accepted_at + interval '1 day' * "
        "(30 + s.i % 35) END",
    }


SERIES_SQL = """
WITH raw AS (
    SELECT i,
           now() - interval '{years} years' * (1 - (i - 1)::float8 / {rows})
               + interval '1 second' * ((i * 37) % 60) AS received_at,
           random() AS r1, random() AS r2, random() AS r3
    FROM generate_series(1::bigint, {rows}) AS i
), aged AS (
    SELECT raw.*,
           extract(year FROM received_at AT TIME ZONE '{tz}')::int AS year,
           (extract(year FROM received_at) * 12 + extract(month FROM received_at))::int
               AS month_index,
           extract(epoch FROM now() - received_at) / 86400 AS age,
           received_at + interval '1 hour' * (24 + (i * 11) % 216) AS accepted_at
    FROM raw
)
SELECT aged.*,
       {first} + row_number() OVER (PARTITION BY year ORDER BY i) AS sequence,
       CASE WHEN r1 < 0.25 THEN 'visit' WHEN r1 < 0.40 THEN 'letter' WHEN r1 < 0.62 THEN 'phone'
            WHEN r1 < 0.90 THEN 'online' WHEN r1 < 0.96 THEN 'reception_day'
            ELSE 'visit_day' END AS channel,
       CASE
         WHEN age < 3 THEN CASE WHEN r3 < 0.7 THEN 'registered' ELSE 'accepted' END
         WHEN age < 15 THEN CASE WHEN r3 < 0.3 THEN 'registered' WHEN r3 < 0.55 THEN 'accepted'
                                 WHEN r3 < 0.6 THEN 'not_accepted' ELSE 'assigned' END
         WHEN age < 60 THEN CASE WHEN r3 < 0.05 THEN 'not_accepted'
                                 WHEN r3 < 0.25 THEN 'assigned' WHEN r3 < 0.75 THEN 'in_progress'
                                 WHEN r3 < 0.9 THEN 'answer_drafted' ELSE 'answered' END
         WHEN age < 120 THEN CASE WHEN r3 < 0.05 THEN 'not_accepted'
                                  WHEN r3 < 0.08 THEN 'in_progress'
                                  WHEN r3 < 0.1 THEN 'answer_drafted' WHEN r3 < 0.3 THEN 'answered'
                                  ELSE 'closed' END
         ELSE CASE WHEN r3 < 0.05 THEN 'not_accepted' WHEN r3 < 0.053 THEN 'review'
                   WHEN r3 < 0.054 THEN 'second_review' ELSE 'closed' END
       END AS state
FROM aged
"""


@contextlib.contextmanager
def _triggers_off(cursor) -> Iterator[None]:
    """Loading benchmark rows is not a change to record: no history events (nor FK checks).

    A superuser (CI, the embedded server) switches every trigger off for the transaction;
    otherwise the history triggers are skipped through pgtrigger.
    """
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        uris = [
            f"petitions.Case:{trigger.name}"
            for model, trigger in pgtrigger.registered()
            if model is Case
        ]
        with pgtrigger.ignore(*uris):
            yield
    else:
        yield


def _insert_sql(target: int) -> str:
    """One ``INSERT ... SELECT`` of ``target`` cases: the series joined to the texts."""
    leaders, branches, sections = _reference_data()
    columns = _column_sql(leaders, branches, sections)
    fields = [f for f in Case._meta.concrete_fields if f.column != "id"]
    exprs = []
    for field in fields:
        if field.attname in columns:
            exprs.append(columns[field.attname])
        else:  # a field added since this was written: its default as a literal
            exprs.append(_literal(field.get_default()))
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    series = SERIES_SQL.format(
        years=YEARS, rows=target, first=FIRST_SEQUENCE, tz=settings.TIME_ZONE.replace("'", "")
    )
    return (
        f"INSERT INTO petitions_case ({names}) SELECT {', '.join(exprs)} "
        f"FROM ({series}) AS s JOIN bench_text AS t ON t.id = (s.i * 7919) % {TEXTS} "
        f"JOIN bench_petitioner AS p ON p.id = s.i % {PETITIONERS}"
    )


def _is_current() -> bool:
    """Built with encrypted, hashed names and phones (an older build had plain names)."""
    first = _bench_cases().order_by("pk").values_list(
        "petitioner_name_hash", "petitioner_phone_hash"
    )
    sample = first.first()
    return bool(sample and all(sample))


def build(target: int) -> float:
    """Load ``target`` benchmark cases unless they are there; returns the seconds it took."""
    existing = _bench_cases().count()
    if existing == target and _is_current():
        return 0.0
    started = time.perf_counter()
    insert = _insert_sql(target)
    with transaction.atomic(), connection.cursor() as cursor, _triggers_off(cursor):
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if existing:
            print(f"  removing {existing} cases of an unfinished or older build", flush=True)
            cursor.execute("DELETE FROM petitions_case WHERE sequence > %s", [FIRST_SEQUENCE])
        _copy_texts(cursor)
        _copy_petitioners(cursor)
        # The GIN index is built once at the end: much faster than 200 million insertions.
        cursor.execute("DROP INDEX IF EXISTS case_bigrams_gin")
        print(f"  inserting {target:,} cases ...", flush=True)
        cursor.execute(insert)
        print("  indexing bigrams ...", flush=True)
        cursor.execute("CREATE INDEX case_bigrams_gin ON petitions_case USING gin (search_bigrams)")
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, as autovacuum would soon: measure the settled table.
        cursor.execute("VACUUM (ANALYZE) petitions_case")
    return time.perf_counter() - started

"""The worklists' queries (``petitions/worklists.py``): built once, kept per person and day.

A worklist asks the database three times (its case rows in a ``UNION ALL``, its supervisions,
all its counts), and the database answers in a millisecond or two down its indexes; building
those querysets and compiling them to SQL takes Python longer than that. The SQL and its
parameters depend only on who asks and on which day: their roles, units and leader record
(what ``Case.visible_to`` and the sections read of them), the day, and the lists' sizes. So
each compiled query is kept in this process's memory under that key (:func:`viewer_key`;
``petitions/kept_sql.py``), and the next worklist of the same person on the same day sends the
same SQL without compiling it again. Nothing of the answer is kept: the rows and counts are
read afresh on every page. A change of role, unit membership or leader link makes another
key; the kept SQL is never stale, it is only unused.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import CharField, QuerySet, Value, Window
from django.db.models.functions import RowNumber

from accounts.roles import roles_of
from petitions.casework_models import unit_ids_of
from petitions.kept_sql import Compiled, compiled
from schedules.models import Leader


def viewer_key(user, today: datetime.date, leader: Leader | None) -> tuple:
    """What the worklist's SQL depends on: the person, the day, their roles, units and leader
    record, and the settings of the lists' dates (a person's units are ids loaded with them,
    else a subquery on their id)."""
    ids = unit_ids_of(user)
    units = tuple(sorted(ids)) if isinstance(ids, list) else None
    return (
        "worklist",
        user.pk,
        today,
        frozenset(roles_of(user)),
        units,
        leader.pk if leader else None,
        settings.DUE_SOON_DAYS,
        settings.ACCEPTANCE_DAYS,
    )


def first_rows(
    parts: dict[str, QuerySet], fields: Iterable[str], rows: int, key: Hashable | None
) -> dict[str, list[dict[str, Any]]]:
    """The first ``rows`` of each ordered queryset, in its order, in one query (each part of
    the union reads only those rows, down its index): ``{part: [values, ...]}``."""
    fields = tuple(fields)

    def build() -> Compiled:
        selects = [
            query.values(*fields).annotate(
                section=Value(name, output_field=CharField()),
                rank=Window(RowNumber(), order_by=list(query.query.order_by)),
            )[:rows]
            for name, query in parts.items()
        ]
        union = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
        sql, params = union.query.sql_with_params()
        return sql, tuple(params), tuple(parts)

    kept = None if key is None else (key, "rows", tuple(parts), fields, rows)
    sql, params, names = compiled(kept, build)
    ranked: dict[str, list[tuple[int, dict[str, Any]]]] = {name: [] for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        for record in cursor.fetchall():
            values = dict(zip(columns, record, strict=True))
            ranked[values.pop("section")].append((values.pop("rank"), values))
    return {
        name: [values for _rank, values in sorted(found, key=lambda pair: pair[0])]
        for name, found in ranked.items()
    }


def count_each(
    queries: dict[str, QuerySet], cap: int, key: Hashable | None = None
) -> dict[str, int]:
    """Count several querysets (each up to ``cap``) in one query: a subquery each.

    One filtered by the due date keeps its order: the first ``cap`` rows are read down the
    due-date index, never the whole backlog. The others drop it, so that a state's count
    reads that state's index alone (an index-only scan), not the table rows.
    """

    def build() -> Compiled:
        selects, params, names = [], [], []
        for name, query in queries.items():
            if query.query.is_empty():
                continue
            if "due_key" not in query.query.annotations:  # no need of order: the index alone
                query = query.order_by()
            sql, query_params = query.values("pk")[:cap].query.sql_with_params()
            selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
            params.extend(query_params)
            names.append(name)
        return "SELECT " + ", ".join(selects), tuple(params), tuple(names)

    counts = dict.fromkeys(queries, 0)
    sql, params, names = compiled(None if key is None else (key, tuple(queries), cap), build)
    if names:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return counts

"""Keyset paging of the register (台账): its sort orders, and a page found by one index seek.

A page is "the next N rows after this position in the sort order": the position (a cursor in
the URL) is the sort key of a row, and the page is found by one index seek however deep in the
list, where a counting paginator would read every matching row on every page. The register
therefore shows "next" and "previous", never "page 7 of N" (``make bench`` holds it to 10 ms a
page with a million cases).

Apart from the register's form (``petitions/forms/register.py``, which offers the sorts of
``SORTS``) and rules (``petitions/register.py``, which calls ``fetch_page``) because it knows
nothing of requests or forms: only the sort orders, the cursors and the query of one page.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    BooleanField,
    DateField,
    DateTimeField,
    Expression,
    F,
    IntegerField,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from petitions.models import DUE_KEY, NO_DUE_DATE, Case

# --------------------------------------------------------------------------- sort orders


@dataclass(frozen=True)
class Sort:
    """One sort order of the register, and the keyset that pages through it."""

    label: Any
    keys: tuple[str, ...]  # "received_at", "id", "due_key", "year", "sequence"
    descending: bool

    def expressions(self) -> list[Expression]:
        return [KEY_EXPRESSIONS[key]() for key in self.keys]

    def ordering(self, reverse: bool = False) -> list[Any]:
        descending = self.descending != reverse
        return [e.desc() if descending else e.asc() for e in self.expressions()]

    def values_of(self, case: Case) -> list[Any]:
        return [KEY_VALUES[key](case) for key in self.keys]


KEY_EXPRESSIONS = {
    "received_at": lambda: F("received_at"),
    "id": lambda: F("id"),
    "due_key": lambda: DUE_KEY,  # the very expression of the model's index
    "year": lambda: F("year"),
    "sequence": lambda: F("sequence"),
}
KEY_VALUES = {
    "received_at": lambda case: case.received_at,
    "id": lambda case: case.pk,
    "due_key": lambda case: case.due_date or NO_DUE_DATE,
    "year": lambda case: case.year,
    "sequence": lambda case: case.sequence,
}
KEY_FIELDS = {
    "received_at": DateTimeField,
    "id": BigIntegerField,
    "due_key": DateField,
    "year": IntegerField,
    "sequence": IntegerField,
}
KEY_PARSERS = {
    "received_at": datetime.datetime.fromisoformat,
    "id": int,
    "due_key": datetime.date.fromisoformat,
    "year": int,
    "sequence": int,
}

SORTS = {
    "-received": Sort(gettext_lazy("Received, newest first"), ("received_at", "id"), True),
    "received": Sort(gettext_lazy("Received, oldest first"), ("received_at", "id"), False),
    "due": Sort(gettext_lazy("Due date, earliest first"), ("due_key", "id"), False),
    "-due": Sort(gettext_lazy("Due date, latest first"), ("due_key", "id"), True),
    "-number": Sort(gettext_lazy("Case number, highest first"), ("year", "sequence"), True),
    "number": Sort(gettext_lazy("Case number, lowest first"), ("year", "sequence"), False),
}


# --------------------------------------------------------------------------- keyset paging


class RowCompare(Expression):
    """``(a, b) < (x, y)``: a row comparison PostgreSQL answers with one index seek.

    Written out because ``a < x OR (a = x AND b < y)`` is not used as an index condition.
    """

    conditional = True

    def __init__(self, lhs: list[Expression], operator: str, rhs: list[Value]) -> None:
        if operator not in ("<", ">"):
            raise ValueError(operator)
        super().__init__(output_field=BooleanField())
        self.lhs, self.operator, self.rhs = list(lhs), operator, list(rhs)

    def get_source_expressions(self) -> list[Expression]:
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        self.lhs, self.rhs = list(exprs[: len(self.lhs)]), list(exprs[len(self.lhs) :])

    def as_sql(self, compiler, connection) -> tuple[str, list[Any]]:
        sides, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expression in side:
                sql, expression_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(expression_params)
            sides.append(f"({', '.join(parts)})")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def encode_cursor(sort_key: str, values: list[Any]) -> str:
    """A position in the list, for the URL: the sort and the sort key of one row."""
    plain = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
    raw = json.dumps([sort_key, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort_key: str, token: str) -> list[Any] | None:
    """The position in ``token``, or ``None`` if it is malformed or for another sort order."""
    if not token or len(token) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if not isinstance(data, list) or data[0] != sort_key:
            return None
        keys = SORTS[sort_key].keys
        if len(data) != len(keys) + 1:
            return None
        values = [KEY_PARSERS[key](value) for key, value in zip(keys, data[1:], strict=True)]
        if any(isinstance(v, datetime.datetime) and timezone.is_naive(v) for v in values):
            return None
        # In UTC: a forged offset (-23:59) is valid in Python but out of PostgreSQL's range.
        return [
            v.astimezone(datetime.UTC) if isinstance(v, datetime.datetime) else v for v in values
        ]
    except (ValueError, TypeError, IndexError, OverflowError, binascii.Error, UnicodeDecodeError):
        return None


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def fetch_page(
    queryset: QuerySet,
    sort_key: str,
    size: int,
    after: str = "",
    before: str = "",
    wrap: Callable[[Any], Any] | None = None,
) -> Page:
    """One page of ``queryset`` in the given sort, after or before a cursor: one query.

    ``wrap`` turns each fetched row (e.g. a ``values()`` dict) into what the page shows.
    """
    sort = SORTS[sort_key]
    keys = sort.expressions()

    def position(values: list[Any], later: bool) -> RowCompare:
        operator = "<" if sort.descending == later else ">"
        rhs = [
            Value(value, output_field=KEY_FIELDS[key]())
            for key, value in zip(sort.keys, values, strict=True)
        ]
        return RowCompare(keys, operator, rhs)

    before_values = decode_cursor(sort_key, before)
    if before_values is not None:
        queryset = queryset.filter(position(before_values, later=False))
        rows = list(queryset.order_by(*sort.ordering(reverse=True))[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = True
    else:
        after_values = decode_cursor(sort_key, after)
        if after_values is not None:
            queryset = queryset.filter(position(after_values, later=True))
        rows = list(queryset.order_by(*sort.ordering())[: size + 1])
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after_values is not None
    if wrap is not None:
        rows = [wrap(row) for row in rows]
    return Page(
        rows=rows,
        next_cursor=encode_cursor(sort_key, sort.values_of(rows[-1]))
        if rows and more_after
        else None,
        previous_cursor=encode_cursor(sort_key, sort.values_of(rows[0]))
        if rows and more_before
        else None,
    )

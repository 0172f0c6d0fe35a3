"""SQL compiled once per process and sent again: the worklists' and the statistics' queries.

Building a queryset and compiling it to SQL takes Python longer than the database takes to
answer these queries down their indexes or summary rows. A query whose SQL depends only on a
few things (who asks, the kind of period, the settings) is compiled once and kept in this
process's memory under a key saying what it depends on; the next request sends the same SQL.

Values that change from one request to the next (a period's bounds, today) are :class:`Slot`
expressions in the queryset: compiled as a placeholder whose parameter is a :class:`Marker`,
replaced by each request's value when the kept SQL is sent. Nothing of an answer is kept: the
rows are read afresh every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Value

Compiled = tuple[str, tuple, tuple[str, ...]]  # SQL, its parameters, the names of its parts

KEPT_MAX = 1000  # compiled queries kept per process: a day's worth of people and periods
_kept: dict[Hashable, Any] = {}


def compiled(key: Hashable | None, build: Callable[[], Any]) -> Any:
    """What ``build`` makes (a query compiled), kept under ``key``; built afresh without a key."""
    if key is None:
        return build()
    found = _kept.get(key)
    if found is None:
        if len(_kept) >= KEPT_MAX:  # a day's worth of people and periods: start again
            _kept.clear()
        found = _kept[key] = build()
    return found


def forget_compiled() -> None:
    _kept.clear()


@dataclass(frozen=True)
class Marker:
    """Where a request's value goes among a kept query's parameters."""

    name: str


class Slot(Value):
    """A value given anew to each sending of kept SQL (see the module's docstring): compiled as
    a bare placeholder, its parameter the ``Marker`` of ``name``."""

    def __init__(self, name: str, output_field) -> None:
        super().__init__(Marker(name), output_field=output_field)

    def as_sql(self, compiler, connection):
        return "%s", [self.value]


@dataclass(frozen=True)
class KeptRows:
    """A ``values()`` queryset compiled: its SQL, parameters, column names and the converters
    of its columns (as ``SQLCompiler.get_converters`` gives them)."""

    sql: str
    params: tuple
    names: tuple[str, ...]
    converters: dict

    @classmethod
    def of(cls, queryset: QuerySet) -> KeptRows:
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        if query.selected:  # as ``ValuesIterable`` names the columns
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        return cls(sql, tuple(params), names, compiler.get_converters(fields))

    def rows(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rows, as ``values()`` gives them, with ``values`` in place of the markers."""
        params = [values[p.name] if type(p) is Marker else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        names = self.names
        if not self.converters:
            return [dict(zip(names, row, strict=True)) for row in rows]
        return [dict(zip(names, self._converted(row), strict=True)) for row in rows]

    def _converted(self, row: tuple) -> list:
        """The row through its columns' converters (``SQLCompiler.apply_converters``), with
        this thread's connection, not the compiling one's."""
        row = list(row)
        for position, (converters, expression) in self.converters.items():
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


def kept_rows(
    key: Hashable | None, build: Callable[[], QuerySet], values: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The rows of the ``values()`` queryset ``build`` makes with :class:`Slot` values, compiled
    once per ``key`` (each time without one), read with this request's ``values``."""
    return compiled(key, lambda: KeptRows.of(build())).rows(values)

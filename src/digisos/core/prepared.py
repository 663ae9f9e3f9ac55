"""A read compiled to SQL once per process and database, then run with each call's values.

For the hottest reads (the case systems poll the delivery list all day) building the queryset and compiling it
cost more Python than converting the rows it returns: Django compiles a queryset anew on every evaluation. A
PreparedQuery builds it once with placeholder values, remembers which SQL parameters they became, and on each
call runs the same SQL with the call's values, converting the rows with the same converters the ORM would
(so a datetime is aware and a UUID is a UUID on PostgreSQL and SQLite alike).

    listing = PreparedQuery(
        lambda kommunenummer, after, limit: Delivery.objects.filter(...)[:limit].values_list(...),
        bound=("kommunenummer", "after"),
    )
    rows = listing.rows(kommunenummer="4601", after=0, limit=51)  # compiled once per limit

Arguments in `bound` become SQL parameters and must reach the SQL as they are given (strings, integers);
the others (a LIMIT, which Django writes into the SQL) are part of what is compiled, so keep them few.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Placeholders no constant of a query equals: a string no query writes, and an integer within every integer
# column's range (Django drops a lookup whose value is out of its column's range, since it cannot match).
_TEXT = "\x00placeholder-{}\x00"
_NUMBER = 2_146_473_600


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *, bound: tuple[str, ...]) -> None:
        self.build = build
        self.bound = bound
        self._compiled: dict[Hashable, tuple[str, list[tuple[str | None, Any]], dict]] = {}
        self._lock = threading.Lock()

    def rows(self, *, using: str = "default", **values: Any) -> list[list[Any]]:
        """The query's rows for these values, as lists of converted column values."""
        static = tuple(sorted((name, value) for name, value in values.items() if name not in self.bound))
        key = (using, static)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(using, dict(static), [type(values[name]) for name in self.bound])
            with self._lock:
                self._compiled[key] = compiled
        sql, slots, converters = compiled
        # A bound value takes its placeholder's type: the PostgreSQL backend binds integers as Int4 or Int8.
        params = [fixed if name is None else type(fixed)(values[name]) for name, fixed in slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        return rows

    def _compile(
        self, using: str, static: dict[str, Any], types: list[type]
    ) -> tuple[str, list[tuple[str | None, Any]], list]:
        placeholders = {
            name: (_NUMBER + index if kind is int else _TEXT.format(index))
            for index, (name, kind) in enumerate(zip(self.bound, types, strict=True))
        }
        compiler = self.build(**placeholders, **static).query.get_compiler(using)
        sql, params = compiler.as_sql()
        names = {value: name for name, value in placeholders.items()}
        slots = [(names.get(param) if isinstance(param, int | str) else None, param) for param in params]
        found = {name for name, _ in slots if name is not None}
        if found != set(self.bound):
            # A bound value the ORM converted (a UUID, a model) or dropped: it cannot be swapped in afterwards.
            raise ValueError(f"Arguments {sorted(set(self.bound) - found)} did not reach the SQL as given.")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, slots, list(compiler.get_converters(fields).items())

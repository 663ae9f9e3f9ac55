"""A values() query compiled to SQL once per process, for the reads behind the busiest logged-in pages.

Building a queryset with joins, annotations and subqueries and compiling it to SQL cost the case page about
3 ms of CPU on every request: as much as the whole trivial logged-in page. The SQL is the same each time but
for a few values (the person, the case, a date), so it is compiled once, from the ORM's own queryset built
with sample values, and each call runs that SQL with its own values in the samples' places. The rows come back
through the compiler's own converters (JSON decoded, dates typed), as the queryset's values() would give them.

Only on PostgreSQL, where a UUID, a number or a text is passed to the driver as it is: elsewhere (the quick
start's SQLite) each call builds and runs the queryset as usual.
"""

import enum
import json
import re
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connections, models
from django.db.models import QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    positions: tuple[tuple[int, ...], ...]  # where each argument goes in params (one or more places)
    names: tuple[str, ...]
    compiler: Any
    converters: dict[int, Any]


class PreparedValues:
    """`build(*arguments)` returns a values() queryset; `rows(*arguments)` its rows as dicts.

    `samples`: one value per argument, of the argument's type, that appears nowhere else in the query's
    parameters (the compiled SQL's parameters are matched against them to find each argument's places: an
    argument the query uses twice, as a municipality in both halves of a union, fills both).

    `native_timestamps`: timestamptz columns are loaded by psycopg's own loader (C), not by the Python one
    Django registers: the same instant in the session's time zone (UTC, which Django sets), with a
    ZoneInfo("UTC") instead of datetime.timezone.utc. For rows that are only serialised, where Django's
    loader cost a sixth of the delivery list's CPU (a time per joined row).

    `literal_constants`: the query's own constants (every parameter that is not an argument: a status, a
    channel) are written into the SQL as literals, and only the arguments stay parameters. psycopg prepares a
    statement run often (prepare_threshold), and PostgreSQL then plans it once for any arguments (a generic
    plan) if that plan is as good as planning each time; but a partial index's condition (`status IN (...)`)
    can only be proved from literals, so with the constants as parameters the generic plan cannot use the index,
    and PostgreSQL planned the inbox list's five-table query again on every request (1.4 ms, twice its
    execution). Only for values of the code's own (str, int, bool), never for anything a user gave."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *samples: Any,
        using: str = "default",
        native_timestamps: bool = False,
        literal_constants: bool = False,
    ) -> None:
        self._build = build
        self._samples = samples
        self._using = using
        self._native_timestamps = native_timestamps
        self._literal_constants = literal_constants
        # By connection: each thread has its own, and the compiler's converters are bound to it.
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def rows(self, *arguments: Any) -> list[dict[str, Any]]:
        connection = connections[self._using]
        if connection.vendor != "postgresql":
            return list(self._build(*arguments))
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = list(compiled.params)
        for places, value in zip(compiled.positions, arguments, strict=True):
            for place in places:
                params[place] = value
        with connection.cursor() as cursor:
            if self._native_timestamps:
                cursor.cursor.adapters.register_loader(_timestamptz_oid(), _native_timestamptz_loader())
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        if compiled.converters:
            found = compiled.compiler.apply_converters(found, compiled.converters)
        return [dict(zip(compiled.names, row, strict=True)) for row in found]

    def sql(self, *arguments: Any) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters with these arguments in place, to use as a subquery of a larger
        statement (PostgreSQL only: the SQL text is the same object on every call, so a caller may key a cache
        of its own statements on it)."""
        connection = connections[self._using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = list(compiled.params)
        for places, value in zip(compiled.positions, arguments, strict=True):
            for place in places:
                params[place] = value
        return compiled.sql, params

    def _compile(self, connection: Any) -> _Compiled:
        queryset = self._build(*self._samples)
        query = queryset.query
        compiler = query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        positions = []
        for sample in self._samples:
            places = [i for i, param in enumerate(params) if type(param) is type(sample) and param == sample]
            if not places:
                raise ValueError(f"sample {sample!r} is not in the query's parameters")
            positions.append(tuple(places))
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        # As ValuesIterable names the columns: in values()'s order when the query keeps it.
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        if len(names) != len(fields):
            raise ValueError("PreparedValues needs a values() queryset")
        if self._literal_constants:
            sql, params, positions = _with_literal_constants(connection, sql, list(params), positions)
        compiled = self._compiled[connection] = _Compiled(
            sql=sql,
            params=tuple(params),
            positions=tuple(positions),
            names=names,
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )
        return compiled


_PLACEHOLDER = re.compile(r"%%|%s")


def _with_literal_constants(
    connection: Any, sql: str, params: list[Any], positions: list[tuple[int, ...]]
) -> tuple[str, list[Any], list[tuple[int, ...]]]:
    """The SQL with each parameter that is not at an argument's position, and is a str, int or bool, written
    as an SQL literal (quoted by psycopg); the remaining parameters and the arguments' new positions."""
    from psycopg import sql as psycopg_sql

    connection.ensure_connection()
    arguments = {place for places in positions for place in places}
    kept: list[Any] = []
    new_positions = {}
    number = 0

    def replace(match: re.Match) -> str:
        nonlocal number
        if match.group(0) == "%%":
            return "%%"
        index, number = number, number + 1
        value = params[index]
        constant = _plain(value)
        if index not in arguments and constant is not None:
            literal = psycopg_sql.Literal(constant).as_string(connection.connection)
            return literal.replace("%", "%%")
        new_positions[index] = len(kept)
        kept.append(value)
        return "%s"

    written = _PLACEHOLDER.sub(replace, sql)
    if number != len(params):
        raise ValueError("the compiled SQL's placeholders do not match its parameters")
    return written, kept, [tuple(new_positions[place] for place in places) for places in positions]


def _plain(value: Any) -> str | int | bool | None:
    """A constant as the plain str, int or bool it stands for (a TextChoices member, psycopg's Int4), or None
    for any other value (left a parameter)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    return None


def _timestamptz_oid() -> int:
    from psycopg.postgres import types

    return types["timestamptz"].oid


def _native_timestamptz_loader() -> Any:
    import psycopg
    from psycopg.pq import Format

    return psycopg.adapters.get_loader(_timestamptz_oid(), Format.TEXT)


# (model, column names) → the UPDATE's SQL, with %s for each value and the key last, and its fields.
_UPDATES: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}


def _update_sql(
    connection: Any, model: type[models.Model], names: tuple[str, ...]
) -> tuple[str, tuple[Any, ...]]:
    key = (model, names, connection.vendor)
    found = _UPDATES.get(key)
    if found is None:
        meta = model._meta
        fields = tuple(meta.get_field(name) for name in names)
        quote = connection.ops.quote_name
        columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        # Only the model's own quoted names go into the text; every value is a parameter.
        sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        found = _UPDATES[key] = (sql, fields)
    return found


def _update_params(
    connection: Any, model: type[models.Model], fields: tuple[Any, ...], pk: Any, values: dict
) -> list:
    params = save_values(connection, fields, values.values())
    params.append(model._meta.pk.get_db_prep_value(pk, connection))
    return params


# PostgreSQL: the field classes whose get_db_prep_save gives a value of these exact types back as it is (text
# for a CharField, a date for a DateField, ...). Exact classes only: a subclass may prepare its own way.
_AS_IS: dict[type, tuple[type, ...]] = {
    models.CharField: (str, type(None)),
    models.TextField: (str, type(None)),
    models.FloatField: (float, type(None)),
    models.BooleanField: (bool,),
    models.DateField: (date, type(None)),
    models.UUIDField: (uuid.UUID, type(None)),
}


_INTEGERS: dict[type, str] = {
    kind: kind().get_internal_type()
    for kind in (
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveBigIntegerField,
        models.PositiveSmallIntegerField,
    )
}


def save_values(connection: Any, fields: Sequence[Any], values: Iterable[Any]) -> list[Any]:
    """`[field.get_db_prep_save(value, connection) for each]`, the parameters the ORM's update() or create()
    would send. On PostgreSQL a plain value of the field's own type (above; an aware datetime for a
    DateTimeField; a dict or a list for a JSONField, adapted as Django adapts it) skips the field's chain of
    four or five calls to the same parameter: the event post writes some forty columns on every report."""
    if connection.vendor != "postgresql":
        return [
            field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)
        ]
    params = []
    for field, value in zip(fields, values, strict=True):
        kind = field.__class__
        if type(value) in _AS_IS.get(kind, ()):
            params.append(value)
        elif kind is models.JSONField and type(value) in (dict, list):
            params.append(connection.ops.adapt_json_value(value, field.encoder))
        elif kind is models.DateTimeField and type(value) is datetime and value.tzinfo is not None:
            params.append(value)
        elif kind in _INTEGERS and type(value) is int:
            # As Django sends a number: wrapped in psycopg's type of the column's size (Int4, Int8, ...).
            params.append(connection.ops.adapt_integerfield_value(value, _INTEGERS[kind]))
        else:
            params.append(field.get_db_prep_save(value, connection))
    return params


def update_row(model: type[models.Model], pk: Any, values: dict[str, Any], *, using: str = "default") -> int:
    """`model.objects.filter(pk=pk).update(**values)` without building and compiling a queryset: the SQL is
    written once per model and set of fields, and each value goes to the driver as the ORM's update() would
    send it (`get_db_prep_save`). Plain values only (no expressions); like update(), no auto_now and no
    signals. Returns the number of rows updated (0 or 1)."""
    return update_rows((model, pk, values), using=using)


def update_rows(
    *updates: tuple[type[models.Model], Any, dict[str, Any]],
    before: Sequence[tuple[str, list[Any]]] = (),
    using: str = "default",
) -> int:
    """Several `update_row`s, each (model, pk, values), in one statement on PostgreSQL (all but the last as
    data-modifying WITH clauses: one round trip); one after the other elsewhere. `before`: other data-modifying
    statements (SQL with %s, parameters) that go into the same statement as WITH clauses (PostgreSQL), run first
    elsewhere; none may read what another writes (they share one snapshot). Returns the number of rows the last
    update updated."""
    connection = connections[using]
    statements = [sql for sql, _params in before]
    params: list[Any] = [list(group) for _sql, group in before]
    for model, pk, values in updates:
        sql, fields = _update_sql(connection, model, tuple(values))
        statements.append(sql)
        params.append(_update_params(connection, model, fields, pk, values))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            clauses = ", ".join(f"u{index} AS ({sql})" for index, sql in enumerate(statements[:-1]))
            cursor.execute(f"WITH {clauses} {statements[-1]}", [p for group in params for p in group])
        else:
            for sql, group in zip(statements, params, strict=True):
                cursor.execute(sql, group)
        return cursor.rowcount


# (model, column names, SQL fragments, guarded, vendor) → the INSERT's SQL and its fields.
_INSERTS: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], bool]] = {}


def insert_row(
    model: type[models.Model],
    values: dict[str, Any],
    *,
    fragments: dict[str, tuple[str, list[Any]]] | None = None,
    using: str = "default",
) -> Any:
    """`model.objects.create(**values)`'s INSERT without the model instance, its signals and the compiler: the
    SQL is written once per model and set of fields, each value prepared as the ORM prepares it. `fragments`
    gives a column an SQL expression of its own (its text, with %s for its parameters) instead of a value.
    Fields with defaults or auto_now_add are not filled in: pass every value. Returns the new primary key."""
    connection = connections[using]
    fragments = fragments or {}
    sql, fields, returning = _insert_sql(connection, model, tuple(values), fragments, guarded=False)
    params = _insert_params(connection, fields, values, fragments)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            return cursor.fetchone()[0]
        return connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)


def _insert_sql(
    connection: Any,
    model: type[models.Model],
    names: tuple[str, ...],
    fragments: dict[str, tuple[str, list[Any]]],
    *,
    guarded: bool,
) -> tuple[str, tuple[Any, ...], bool]:
    """The INSERT's SQL (with RETURNING the key where the database can), its fields, and whether it returns.
    `guarded`: `INSERT … SELECT … FROM changed` instead, a clause of write_if_unchanged's statement."""
    key = (
        model,
        names,
        tuple((name, sql) for name, (sql, _) in fragments.items()),
        guarded,
        connection.vendor,
    )
    found = _INSERTS.get(key)
    if found is None:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = tuple(meta.get_field(name) for name in names)
        columns = [quote(field.column) for field in fields] + [
            quote(meta.get_field(name).column) for name in fragments
        ]
        places = ", ".join(["%s"] * len(fields) + [sql for sql, _ in fragments.values()])
        returning = not guarded and connection.features.can_return_columns_from_insert
        # Only the model's own quoted names and the callers' fixed fragments go into the text.
        source = f"SELECT {places} FROM changed" if guarded else f"VALUES ({places})"  # noqa: S608
        sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) {source}"
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        found = _INSERTS[key] = (sql, fields, returning)
    return found


def _insert_params(
    connection: Any,
    fields: tuple[Any, ...],
    values: dict[str, Any],
    fragments: dict[str, tuple[str, list[Any]]],
) -> list[Any]:
    params = save_values(connection, fields, values.values())
    for _, fragment_params in fragments.values():
        params.extend(fragment_params)
    return params


# --- Writes guarded by one row's compare-and-set, in one statement --------------------------------------------


@dataclass(frozen=True)
class Write:
    """One data-modifying clause of `write_if_unchanged`'s statement: its SQL, which reads the guarding UPDATE's
    row as `changed` (so that it writes only when that row was written), and its parameters. `name`: what
    other clauses call it (a CTE's name), when they refer to it."""

    sql: str
    params: list[Any]
    name: str | None = None


# (model, written column names, compared column names, vendor) → the guarding UPDATE's SQL and its fields.
_GUARDED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], tuple[Any, ...]]] = {}


def update_write(
    model: type[models.Model], pk: Any, values: dict[str, Any], *, using: str = "default"
) -> Write:
    """`update_row`'s UPDATE as a clause of `write_if_unchanged`: it writes only if the guarding row was."""
    connection = connections[using]
    sql, fields = _update_sql(connection, model, tuple(values))
    return Write(
        f"{sql} AND EXISTS (SELECT 1 FROM changed)",  # noqa: S608 (the model's own SQL)
        _update_params(connection, model, fields, pk, values),
    )


# (model, written column names, vendor) → the UPDATE from one JSON record's SQL, its fields and each field's
# conversion to a JSON value (None: a field this form does not take; update_write's form is used).
_RECORD_UPDATES: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], tuple[Any, ...] | None]] = {}


def record_update_write(
    model: type[models.Model], pk: Any, values: dict[str, Any], *, using: str = "default"
) -> Write:
    """`update_write`'s UPDATE with its values as one JSON parameter, unpacked into the table's row type by
    jsonb_populate_record, instead of a parameter per column: the read model's row is some twenty-five columns,
    eight of them JSON, and psycopg adapting and sending each of them separately was a fifth of the event post's
    own CPU. The JSON is written once by the standard library (as Django writes a JSONField's value) and
    PostgreSQL parses it once. Only for columns of plain types (text, numbers, flags, dates, aware times, JSON
    without an encoder of its own); a model with any other falls back to `update_write`'s form."""
    connection = connections[using]
    key = (model, tuple(values), connection.vendor)
    found = _RECORD_UPDATES.get(key)
    if found is None:
        found = _RECORD_UPDATES[key] = _record_update(connection, model, tuple(values))
    sql, fields, converters = found
    if converters is None:
        return update_write(model, pk, values, using=using)
    record = {
        field.column: convert(value)
        for field, convert, value in zip(fields, converters, values.values(), strict=True)
    }
    # No NaN nor Infinity: PostgreSQL's JSON has neither (nor has a report: exchange.validation.parse_json).
    text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    return Write(sql, [text, model._meta.pk.get_db_prep_value(pk, connection)])


def _record_update(
    connection: Any, model: type[models.Model], names: tuple[str, ...]
) -> tuple[str, tuple[Any, ...], tuple[Any, ...] | None]:
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    converters = tuple(_json_converter(field) for field in fields)
    if connection.vendor != "postgresql" or any(convert is None for convert in converters):
        return "", fields, None
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(f"{quote(field.column)} = r.{quote(field.column)}" for field in fields)
    # Only the model's own quoted names go into the text; the values are the one JSON parameter.
    sql = (
        f"UPDATE {table} SET {columns} FROM jsonb_populate_record(NULL::{table}, %s::jsonb) AS r "  # noqa: S608
        f"WHERE {table}.{quote(meta.pk.column)} = %s AND EXISTS (SELECT 1 FROM changed)"
    )
    return sql, fields, converters


def _same(value: Any) -> Any:
    return value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _aware_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # as Django would store it (made aware, with a warning), never guessed here
        raise TypeError("record_update_write takes aware times only")
    return value.isoformat()


_JSON_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    models.CharField: _same,
    models.TextField: _same,
    models.FloatField: _same,
    models.BooleanField: _same,
    models.DateField: _iso,
    models.DateTimeField: _aware_iso,
    **dict.fromkeys(_INTEGERS, _same),
}


def _json_converter(field: Any) -> Callable[[Any], Any] | None:
    """How a value of `field` goes into the JSON record, so that jsonb_populate_record gives the column what the
    field's own get_db_prep_save would: None for a field whose values need more (exact classes only)."""
    kind = field.__class__
    if kind is models.JSONField:
        return _same if field.encoder is None else None
    return _JSON_CONVERTERS.get(kind)


def insert_write(
    model: type[models.Model],
    values: dict[str, Any],
    *,
    fragments: dict[str, tuple[str, list[Any]]] | None = None,
    using: str = "default",
) -> Write:
    """`insert_row`'s INSERT as a clause of `write_if_unchanged`: one row if the guarding row was written, none
    otherwise."""
    connection = connections[using]
    sql, fields, _ = _insert_sql(connection, model, tuple(values), fragments or {}, guarded=True)
    return Write(sql, _insert_params(connection, fields, values, fragments or {}))


def write_if_unchanged(
    model: type[models.Model],
    pk: Any,
    values: dict[str, Any],
    *,
    unchanged: dict[str, Any],
    then: list[Write],
    using: str = "default",
) -> bool:
    """One statement (PostgreSQL only): `UPDATE model SET values WHERE pk AND each `unchanged` column still
    holds its value` (a compare-and-set against what the caller read earlier without a lock), and each of
    `then` in the same statement, writing only if that row was written. Returns whether it was.

    No transaction of its own is needed: the statement is atomic, and PostgreSQL checks the condition against
    the newest version of the row once it holds the row's lock (a concurrent writer's commit is waited for and
    then seen), so a caller that read the row, worked out its writes in Python and sends them here never
    overwrites a change made in between: it gets False and can read again. The row lock is held only while
    the statement runs, not while the caller's Python works."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("write_if_unchanged needs PostgreSQL's data-modifying WITH clauses")
    key = (model, tuple(values), tuple(unchanged), connection.vendor)
    found = _GUARDED.get(key)
    if found is None:
        sql, fields = _update_sql(connection, model, tuple(values))
        meta = model._meta
        quote = connection.ops.quote_name
        compared = tuple(meta.get_field(name) for name in unchanged)
        conditions = "".join(f" AND {quote(field.column)} IS NOT DISTINCT FROM %s" for field in compared)
        found = _GUARDED[key] = (f"{sql}{conditions} RETURNING 1", fields, compared)
    guard, fields, compared = found
    params = _update_params(connection, model, fields, pk, values)
    params.extend(
        field.get_db_prep_value(value, connection)
        for field, value in zip(compared, unchanged.values(), strict=True)
    )
    clauses = [f"changed AS ({guard})"]
    for index, write in enumerate(then):
        clauses.append(f"{write.name or f'w{index}'} AS ({write.sql})")
        params.extend(write.params)
    with connection.cursor() as cursor:
        # Every data-modifying clause runs to completion whether or not the main query reads it.
        # Only the model's own quoted names and the clauses' fixed SQL go into the text.
        cursor.execute(f"WITH {', '.join(clauses)} SELECT count(*) FROM changed", params)  # noqa: S608
        return cursor.fetchone()[0] == 1

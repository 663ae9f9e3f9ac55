"""Queueing background work that reads the current state when it runs: one waiting run per argument.

A case system posts a case's events many times a minute; each post used to queue its own notify_case, so a
worker that fell behind ran the same case's notification once per post, and every post paid the ORM's
create() (about as much CPU as the rest of the post's writes). A run that reads the current state when it
starts covers every change committed before it, so one waiting run per argument is enough.
"""

import enum
import logging
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TASKS_LOGGER, Task, normalize_json

from .prepared import Write, save_values

# The backend's own logger, for the same debug line its enqueue() writes.
log = logging.getLogger(TASKS_LOGGER)

# (connection vendor, table) → the coalescing INSERT's SQL and its fields, written once per process.
# What a task's waiting row is matched on; the row's other columns are its INSERT's.
_MATCHED = ("status", "task_path", "queue_name", "backend_name", "priority", "run_after", "args_kwargs")
# What differs between two calls of the same task; the rest of the statement's parameters are the same each
# time, so they are prepared once per task (the ORM's create() prepared all fifteen, with a model instance).
_VARYING = ("id", "enqueued_at", "args_kwargs")


@dataclass(frozen=True)
class Queued:
    """A call of a task to queue once (enqueue_once) with a change, for code that writes the change itself:
    the exchange's report writes it in the report's own statement (queued_writes)."""

    task: Task
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple[Any, ...]
    # (parameter index, field) for each varying value
    varying: tuple[tuple[int, Any], ...]
    # The parts of `sql`, for queued_writes: the waiting run's locking SELECT (its parameters are the first
    # `matched` of `params`), and the INSERT's text up to its condition.
    waiting: str
    insert: str
    matched: int


_PREPARED: dict[tuple[Any, ...], _Prepared] = {}


def enqueue_once(task: Task, *args: Any) -> bool:
    """`task.enqueue(*args)` unless the same call is already waiting (READY) in the database backend, in which
    case that waiting run serves this caller too. Returns whether a run was queued.

    Call it inside the transaction of the change the task is to see. The waiting row is locked (FOR UPDATE)
    until this transaction ends: the db_worker claims with SKIP LOCKED, so it cannot start the waiting run
    before this change is committed; one it has claimed already is RUNNING, no longer waiting, and a new run is
    queued. Other backends (the tests' immediate one) and other databases (the quick start's SQLite) enqueue
    as usual."""
    found = _prepared_for(task)
    if found is None:
        task.enqueue(*args)
        return True
    prepared, connection, backend = found
    params, task_id = _params(prepared, connection, args)
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        queued = cursor.rowcount == 1
    if queued and log.isEnabledFor(logging.DEBUG):
        log.debug("Task id=%s path=%s enqueued backend=%s", task_id, task.module_path, backend.alias)
    return queued


def queued_writes(call: Queued, *, name: str) -> list[Write] | None:
    """`enqueue_once(call.task, *call.args)` as clauses of core.prepared.write_if_unchanged's statement: a run
    queued only if the guarding row was written and no run of the same call is waiting (the waiting one locked
    until the statement's transaction ends, as enqueue_once does). `name` names the clauses (unique in the
    statement). None where enqueue_once would not write a row itself (another backend or database): the caller
    then calls enqueue_once after its write."""
    found = _prepared_for(call.task)
    if found is None:
        return None
    prepared, connection, _ = found
    params, _ = _params(prepared, connection, call.args)
    waiting = f"{name}_waiting"
    return [
        Write(prepared.waiting, params[: prepared.matched], name=waiting),
        Write(
            f"{prepared.insert} WHERE NOT EXISTS (SELECT 1 FROM {waiting}) "  # noqa: S608 (fixed SQL)
            "AND EXISTS (SELECT 1 FROM changed)",
            params[prepared.matched :],
            name=name,
        ),
    ]


def _prepared_for(task: Task) -> tuple[_Prepared, Any, DatabaseBackend] | None:
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    connection = connections[router.db_for_write(DBTaskResult) or "default"]
    if not isinstance(backend, DatabaseBackend) or connection.vendor != "postgresql":
        return None
    key = (task.module_path, task.priority, task.queue_name, task.run_after, backend.alias, connection.alias)
    return _PREPARED.get(key) or _prepare(key, task, backend, connection), connection, backend


def _literal(value: Any, connection: Any, *, null: bool) -> str | None:
    """`value` as an SQL literal if it is a plain constant (None only where `null`: `= NULL` matches nothing);
    None to keep it a parameter."""
    from psycopg import sql

    if isinstance(value, enum.Enum):  # a TextChoices member: its plain value
        value = value.value
    if value is None and not null:
        return None
    if isinstance(value, bool):
        pass
    elif isinstance(value, str | int):  # psycopg's Int2 and the like: the plain number
        value = str(value) if isinstance(value, str) else int(value)
    elif value is not None:
        return None
    return sql.Literal(value).as_string(connection.connection).replace("%", "%%")


def _params(prepared: _Prepared, connection: Any, args: tuple[Any, ...]) -> tuple[list[Any], Any]:
    """The statement's parameters for a run with these arguments, and the run's id."""
    from django_tasks_db.models import DBTaskResult

    values = {
        "id": DBTaskResult._meta.pk.get_default(),
        "enqueued_at": timezone.now(),
        "args_kwargs": normalize_json({"args": list(args), "kwargs": {}}),
    }
    params = list(prepared.params)
    fields = [field for _, field in prepared.varying]
    for (index, _), value in zip(
        prepared.varying,
        save_values(connection, fields, [values[field.name] for field in fields]),
        strict=True,
    ):
        params[index] = value
    return params, values["id"]


def _prepare(key: tuple[Any, ...], task: Task, backend: DatabaseBackend, connection: Any) -> _Prepared:
    """The statement and its parameters for `task`, from a row built as the backend builds one."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend.validate_task(task)
    meta = DBTaskResult._meta
    sample = DBTaskResult(
        id=meta.pk.get_default(),
        args_kwargs={},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        # As the backend's pre_save receiver stores "no run_after".
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    inserted = tuple(meta.concrete_fields)
    matched = tuple(meta.get_field(name) for name in _MATCHED)
    connection.ensure_connection()
    values = [
        field.get_db_prep_save(field.pre_save(sample, add=True), connection) for field in matched + inserted
    ]
    # The task's own constants (its path, queue, status, priority, the empty columns of a new run) are written
    # into the text as literals, and only what differs between calls stays a parameter: the report writes this
    # in one statement with its other writes, and psycopg parses a statement of over 50 parameters again on
    # every call. Only values of the code's and the backend's own (str, int, bool, None), quoted by psycopg.
    places, params, varying = [], [], []
    for index, (field, value) in enumerate(zip(matched + inserted, values, strict=True)):
        literal = None if field.name in _VARYING else _literal(value, connection, null=index >= len(matched))
        if literal is None:
            if field.name in _VARYING:
                varying.append((len(params), field))
            places.append("%s")
            params.append(value)
        else:
            places.append(literal)
    conditions = " AND ".join(
        f"{quote(field.column)} = {place}" for field, place in zip(matched, places, strict=False)
    )
    columns = ", ".join(quote(field.column) for field in inserted)
    # The waiting run is locked, not only seen: see enqueue_once. Only the model's own quoted names and the
    # constants quoted by psycopg go into the text.
    waiting = f"SELECT 1 FROM {table} WHERE {conditions} LIMIT 1 FOR UPDATE"  # noqa: S608
    insert = f"INSERT INTO {table} ({columns}) SELECT {', '.join(places[len(matched) :])}"
    sql = f"WITH waiting AS ({waiting}) {insert} WHERE NOT EXISTS (SELECT 1 FROM waiting)"  # noqa: S608
    matched_params = sum(1 for place in places[: len(matched)] if place == "%s")
    prepared = _PREPARED[key] = _Prepared(
        sql=sql,
        params=tuple(params),
        varying=tuple(varying),
        waiting=waiting,
        insert=insert,
        matched=matched_params,
    )
    return prepared

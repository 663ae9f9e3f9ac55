"""Queueing background work that reads the current state when it runs: one waiting run per argument.

A case system posts a case's events many times a minute; each post used to queue its own notify_case, so a
worker that fell behind ran the same case's notification once per post, and every post paid the ORM's
create() (about as much CPU as the rest of the post's writes). A run that reads the current state when it
starts covers every change committed before it, so one waiting run per argument is enough.
"""

import logging
from typing import Any

from django.db import connections, router
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TASKS_LOGGER, Task, normalize_json

# The backend's own logger, for the same debug line its enqueue() writes.
log = logging.getLogger(TASKS_LOGGER)

# (connection vendor, table) → the coalescing INSERT's SQL and its fields, written once per process.
_SQL: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}


def enqueue_once(task: Task, *args: Any) -> bool:
    """`task.enqueue(*args)` unless the same call is already waiting (READY) in the database backend, in which
    case that waiting run serves this caller too. Returns whether a run was queued.

    Call it inside the transaction of the change the task is to see. The waiting row is locked (FOR UPDATE)
    until this transaction ends: the db_worker claims with SKIP LOCKED, so it cannot start the waiting run
    before this change is committed; one it has claimed already is RUNNING, no longer waiting, and a new run is
    queued. Other backends (the tests' immediate one) and other databases (the quick start's SQLite) enqueue
    as usual."""
    backend = task.get_backend()
    from django_tasks_db.models import DBTaskResult, get_date_max

    connection = connections[_database(DBTaskResult)]
    if not isinstance(backend, DatabaseBackend) or connection.vendor != "postgresql":
        task.enqueue(*args)
        return True
    backend.validate_task(task)
    row = DBTaskResult(
        id=DBTaskResult._meta.pk.get_default(),
        args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        # As the backend's pre_save receiver stores "no run_after".
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )
    sql, fields = _coalescing_sql(connection, DBTaskResult)
    values = [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]
    match = [
        _prep(DBTaskResult, name, getattr(row, name), connection)
        for name in (
            "status",
            "task_path",
            "queue_name",
            "backend_name",
            "priority",
            "run_after",
            "args_kwargs",
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match, *values])
        queued = cursor.rowcount == 1
    if queued and log.isEnabledFor(logging.DEBUG):
        log.debug("Task id=%s path=%s enqueued backend=%s", row.id, row.task_path, row.backend_name)
    return queued


def _database(model: Any) -> str:
    return router.db_for_write(model) or "default"


def _prep(model: Any, name: str, value: Any, connection: Any) -> Any:
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _coalescing_sql(connection: Any, model: Any) -> tuple[str, tuple[Any, ...]]:
    key = (connection.vendor, model._meta.db_table)
    found = _SQL.get(key)
    if found is None:
        meta = model._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        fields = tuple(meta.concrete_fields)
        columns = ", ".join(quote(field.column) for field in fields)
        places = ", ".join(["%s"] * len(fields))
        matched = " AND ".join(
            f"{quote(meta.get_field(name).column)} = %s"
            for name in (
                "status",
                "task_path",
                "queue_name",
                "backend_name",
                "priority",
                "run_after",
                "args_kwargs",
            )
        )
        # The waiting run is locked, not only seen: see enqueue_once. Only the model's own quoted names go into
        # the text; every value is a parameter.
        sql = (
            f"WITH waiting AS (SELECT 1 FROM {table} WHERE {matched} LIMIT 1 FOR UPDATE) "  # noqa: S608
            f"INSERT INTO {table} ({columns}) SELECT {places} WHERE NOT EXISTS (SELECT 1 FROM waiting)"
        )
        found = _SQL[key] = (sql, fields)
    return found

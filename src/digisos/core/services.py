"""Writes owned by core: the audit log."""

from collections.abc import Callable
from functools import cache
from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from .models import AuditEntry
from .prepared import Write, insert_row, insert_write

log = structlog.get_logger(__name__)


def record_audit(
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    actor_id: int | None = None,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    subject_pid: str = "",
) -> AuditEntry:
    """Append one audit entry. Call it inside the transaction of the change it describes.

    The actor is a saved user, or `actor_id` alone (a service that acts for a case system holds only its
    user's id): the entry then reads the user's name in its own INSERT, no round trip of its own (and the
    returned entry's `actor` is empty, not the name)."""
    values = _audit_values(actor_id, action, object_type, object_id, before, after, subject_pid)
    name: str | None
    # The INSERT is written once per process (core.prepared.insert_row): on the case systems' hot path the
    # ORM's create() cost more than the rest of the audit entry.
    if actor_id is not None:
        name = None
        entry_id = insert_row(AuditEntry, values, fragments={"actor": _actor_name(actor_id)})
    else:
        if actor is not None and actor.is_authenticated:
            name, values["actor_id"] = actor.get_username(), actor.pk
        else:
            name = "system"
        entry_id = insert_row(AuditEntry, {**values, "actor": name})
    entry = AuditEntry(id=entry_id, actor=name or "", **values)
    entry._state.adding = False
    _log_audit(values, name)
    return entry


def audit_write(
    *,
    actor_id: int,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> tuple[Write, Callable[[], None]]:
    """`record_audit(actor_id=…)`'s entry as a clause of core.prepared.write_if_unchanged's statement: the entry
    exists exactly when the guarded change does. Returns the clause and what to call once the statement has
    written it (the log line record_audit writes)."""
    values = _audit_values(actor_id, action, object_type, object_id, before, after, "")
    # The entry's constants (the code's own action and object type) as literals in the text, quoted by
    # psycopg: the statement it joins stays under the 50 parameters above which psycopg parses it on every call.
    constants = ("action", "object_type", "subject_pid")
    fragments = {name: (_literal(values[name]), []) for name in constants}
    fragments["actor"] = _actor_name(actor_id)
    written = {name: value for name, value in values.items() if name not in constants}
    write = insert_write(AuditEntry, written, fragments=fragments)
    return write, lambda: _log_audit(values, None)


def _literal(text: str) -> str:
    # Once per text and process (the code's own few constants): quoting through psycopg on every entry cost
    # the case systems' event post as much as the rest of its audit entry.
    found = _LITERALS.get(text)
    if found is None:
        from psycopg import sql

        connection.ensure_connection()
        found = _LITERALS[text] = sql.Literal(str(text)).as_string(connection.connection).replace("%", "%%")
    return found


_LITERALS: dict[str, str] = {}


def _audit_values(
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    subject_pid: str,
) -> dict[str, Any]:
    return {
        "at": timezone.now(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "subject_pid": subject_pid,
        "request_id": structlog.contextvars.get_contextvars().get("request_id", ""),
    }


def _log_audit(values: dict[str, Any], name: str | None) -> None:
    log.info(
        "audit",
        action=values["action"],
        object_type=values["object_type"],
        object_id=values["object_id"],
        actor=name,
        actor_id=values["actor_id"],
    )


def _actor_name(actor_id: int) -> tuple[str, list[Any]]:
    """The user's name read in the INSERT itself (no round trip of its own), or "user <id>" if none."""
    return _actor_name_sql(), [actor_id, f"user {actor_id}"]


@cache
def _actor_name_sql() -> str:
    User = get_user_model()
    quote = connection.ops.quote_name
    name = quote(User._meta.get_field(User.USERNAME_FIELD).column)
    return (
        f"COALESCE((SELECT {name} FROM {quote(User._meta.db_table)} "  # noqa: S608 (quoted names only)
        f"WHERE {quote(User._meta.pk.column)} = %s), %s)"
    )

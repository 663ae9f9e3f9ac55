"""Writes owned by core: the audit log."""

from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from .models import AuditEntry
from .prepared import insert_row

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
    request_id = structlog.contextvars.get_contextvars().get("request_id", "")
    values = {
        "at": timezone.now(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "subject_pid": subject_pid,
        "request_id": request_id,
    }
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
    log.info(
        "audit",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=name,
        actor_id=values["actor_id"],
    )
    return entry


def _actor_name(actor_id: int) -> tuple[str, list[Any]]:
    """The user's name read in the INSERT itself (no round trip of its own), or "user <id>" if none."""
    User = get_user_model()
    quote = connection.ops.quote_name
    name = quote(User._meta.get_field(User.USERNAME_FIELD).column)
    sql = (
        f"COALESCE((SELECT {name} FROM {quote(User._meta.db_table)} "  # noqa: S608 (quoted names only)
        f"WHERE {quote(User._meta.pk.column)} = %s), %s)"
    )
    return sql, [actor_id, f"user {actor_id}"]

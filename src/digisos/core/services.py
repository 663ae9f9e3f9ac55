"""Writes owned by core: the audit log."""

from typing import Any

import structlog
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from .models import AuditEntry

log = structlog.get_logger(__name__)


def record_audit(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    subject_pid: str = "",
) -> AuditEntry:
    """Append one audit entry. Call it inside the transaction of the change it describes."""
    authenticated = actor is not None and actor.is_authenticated
    request_id = structlog.contextvars.get_contextvars().get("request_id", "")
    entry = AuditEntry.objects.create(
        actor=actor.get_username() if authenticated else "system",
        actor_id=actor.pk if authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        subject_pid=subject_pid,
        request_id=request_id,
    )
    log.info("audit", action=action, object_type=object_type, object_id=str(object_id), actor=entry.actor)
    return entry

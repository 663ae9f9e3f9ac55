"""Writes owned by core: the audit log."""

from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

from .models import AuditEntry

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
    returned entry's `actor` is that expression, not the name)."""
    request_id = structlog.contextvars.get_contextvars().get("request_id", "")
    name: Any
    if actor_id is not None:
        User = get_user_model()
        stored = User.objects.filter(pk=actor_id).values(User.USERNAME_FIELD)[:1]
        name = Coalesce(Subquery(stored), Value(f"user {actor_id}"))
    elif actor is not None and actor.is_authenticated:
        name, actor_id = actor.get_username(), actor.pk
    else:
        name = "system"
    entry = AuditEntry.objects.create(
        actor=name,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        subject_pid=subject_pid,
        request_id=request_id,
    )
    log.info(
        "audit",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=name if isinstance(name, str) else None,
        actor_id=actor_id,
    )
    return entry

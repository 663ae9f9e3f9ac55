"""Every write of follow-up: the access decision and its audit, in one call."""

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .audit import audit_logger, cef_line
from .models import AccessDecision
from .policy import Decision, Employee, decide

log = structlog.get_logger(__name__)


def check_access(
    employee: Employee,
    *,
    pid: str,
    purpose: str | None,
    kind: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Decision:
    """Asks the policy and writes its answer, PERMIT or DENY, to the database and the CEF audit log.

    Call it before reading anything about the person, and show nothing unless it permits. The ordinary log
    gets the outcome and reason only, never the person."""
    now = now or timezone.now()
    decision = decide(employee, pid=pid, purpose=purpose, kind=kind, now=now)
    request_id = _request_id(request)
    AccessDecision.objects.create(
        at=now,
        actor_id=employee.user_id,
        actor_ident=employee.ident,
        actor_role=employee.role or "",
        actor_kommunenummer=employee.kommunenummer or "",
        actor_enhetsnummer=employee.enhetsnummer or "",
        subject_pid=pid,
        purpose=purpose or "",
        data_kind=kind,
        flow=decision.flow,
        outcome=decision.outcome,
        reason=decision.reason.value,
        request_id=request_id,
    )
    audit_logger().info(
        cef_line(
            employee=employee,
            pid=pid,
            purpose=purpose or "",
            kind=kind,
            decision=decision,
            at=now,
            request_id=request_id,
            path=request.path if request is not None else "",
            method=request.method or "" if request is not None else "",
        )
    )
    log.info("followup.access", outcome=decision.outcome, reason=decision.reason.value, kind=kind)
    return decision


def _request_id(request: HttpRequest | None) -> str:
    if request is not None and getattr(request, "request_id", ""):
        return str(request.request_id)  # type: ignore[attr-defined]
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


def delete_expired_access_decisions(*, now: datetime | None = None) -> int:
    """The retention the data-flow register states for "audit.lookups" (settings.AUDIT_RETENTION_DAYS)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AccessDecision.objects.filter(at__lt=cutoff).delete()
    if deleted:
        log.info("followup.access_decisions_deleted", count=deleted)
    return deleted

"""Every write of follow-up: the access decision and its audit, in one call."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from digisos.core.prepared import insert_row

from .audit import audit_logger, cef_line
from .models import AccessDecision
from .policy import Decision, Employee, decide_kinds

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
    return check_access_kinds(employee, pid=pid, purpose=purpose, kinds=[kind], request=request, now=now)[
        kind
    ]


def check_access_kinds(
    employee: Employee,
    *,
    pid: str,
    purpose: str | None,
    kinds: list[str],
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> dict[str, Decision]:
    """`check_access` for every kind of data one view shows (the person overview's panels): one decision per
    kind, written as one audit row and one CEF line per look — per distinct answer, so a look whose kinds all got
    the same answer (as a view that asks policy.kinds_for's kinds does) is one row naming every kind and flow, and
    the audit and the citizen's "Hvem har sett opplysningene mine" still name each kind that was shown."""
    now = now or timezone.now()
    decisions = decide_kinds(employee, pid=pid, purpose=purpose, kinds=kinds, now=now)
    request_id = _request_id(request)
    answers: dict[tuple[bool, str], list[tuple[str, Decision]]] = {}
    for kind, decision in decisions.items():
        answers.setdefault((decision.permitted, decision.reason.value), []).append((kind, decision))
    looks = [(_joined(kind for kind, _ in group), group[0][1], _flows(group)) for group in answers.values()]
    # Each row by its INSERT written once per process (core/prepared.py): no model instance, no compiler, and
    # no transaction of its own around the one statement (bulk_create's BEGIN and COMMIT were two round trips
    # more on every look). A look is one row, two when its kinds were answered differently.
    for kind, decision, flow in looks:
        insert_row(
            AccessDecision,
            {
                "at": now,
                "actor_id": employee.user_id,
                "actor_ident": employee.ident,
                "actor_role": employee.role or "",
                "actor_kommunenummer": employee.kommunenummer or "",
                "actor_enhetsnummer": employee.enhetsnummer or "",
                "subject_pid": pid,
                "purpose": purpose or "",
                "data_kind": kind,
                "flow": flow,
                "outcome": decision.outcome,
                "reason": decision.reason.value,
                "request_id": request_id,
            },
        )
    logger = audit_logger()
    for kind, decision, flow in looks:
        logger.info(
            cef_line(
                employee=employee,
                pid=pid,
                purpose=purpose or "",
                kind=kind,
                decision=replace(decision, flow=flow),
                at=now,
                request_id=request_id,
                path=request.path if request is not None else "",
                method=request.method or "" if request is not None else "",
            )
        )
        log.info("followup.access", outcome=decision.outcome, reason=decision.reason.value, kind=kind)
    return decisions


def _joined(values: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(str(value) for value in values if value))


def _flows(group: list[tuple[str, Decision]]) -> str:
    return _joined(decision.flow for _, decision in group)


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

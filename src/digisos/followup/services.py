"""Every write of follow-up: the access decision and its audit, in one call; the special authorisations for
address-protected persons, granted and withdrawn with an audit entry each."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from digisos.accounts.models import User
from digisos.core.prepared import insert_row
from digisos.core.services import record_audit

from .audit import audit_logger, cef_line
from .models import AccessDecision, ProtectedAccessGrant
from .policy import Decision, Employee, KnownRelation, decide_kinds

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
    known: KnownRelation | None = None,
) -> dict[str, Decision]:
    """`check_access` for every kind of data one view shows (the person overview's panels): one decision per
    kind, written as one audit row and one CEF line per look — per distinct answer, so a look whose kinds all got
    the same answer (as a view that asks policy.kinds_for's kinds does) is one row naming every kind and flow, and
    the audit and the citizen's "Hvem har sett opplysningene mine" still name each kind that was shown.
    `known`: the person's relation as policy.employee_and_relation read it with the employee's groups."""
    now = now or timezone.now()
    decisions = decide_kinds(employee, pid=pid, purpose=purpose, kinds=kinds, now=now, known=known)
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


def grant_protected_access(user: User, level: str, *, by: User | None, reason: str) -> ProtectedAccessGrant:
    """Authorises the employee to see persons with this level of address protection (the policy reads it at the
    next look). Refused, with what to do, for a user who is not an employee, an unknown level, no reason, an
    administrator granting it to themselves, or a grant already in force."""
    if user.kind != User.Kind.EMPLOYEE:
        raise ValidationError(_("Særskilt tilgang kan bare gis til ansatte. Velg en ansatt."))
    if level not in ProtectedAccessGrant.Level.values:
        raise ValidationError(_("Velg nivå: fortrolig eller strengt fortrolig adresse."))
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor den ansatte trenger tilgangen."))
    if by is not None and by.pk == user.pk:  # four eyes: no one authorises themselves
        raise ValidationError(
            _("Du kan ikke gi deg selv særskilt tilgang. Be en annen administrator om det.")
        )
    with transaction.atomic():
        if (
            ProtectedAccessGrant.objects.select_for_update()
            .filter(user=user, level=level, withdrawn_at__isnull=True)
            .exists()
        ):
            raise ValidationError(
                _("Den ansatte har allerede denne tilgangen. Trekk den tilbake før du gir en ny.")
            )
        grant = ProtectedAccessGrant.objects.create(
            user=user, level=level, reason=reason.strip(), granted_at=timezone.now(), granted_by=by
        )
        record_audit(
            actor=by,
            action="followup.protected_access.granted",
            object_type="followup.ProtectedAccessGrant",
            object_id=str(grant.pk),
            after={"employee": user.get_username(), "level": level, "reason": grant.reason},
        )
    log.info("followup.protected_access_granted", level=level)
    return grant


def withdraw_protected_access(grant: ProtectedAccessGrant, *, by: User | None) -> bool:
    """Ends the grant now: the employee's next look at such a person is denied, without a new login. False
    when it was already withdrawn (nothing is written)."""
    with transaction.atomic():
        current = ProtectedAccessGrant.objects.select_for_update().get(pk=grant.pk)
        if current.withdrawn_at is not None:
            return False
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = by
        current.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record_audit(
            actor=by,
            action="followup.protected_access.withdrawn",
            object_type="followup.ProtectedAccessGrant",
            object_id=str(current.pk),
            before={"employee": current.user.get_username(), "level": current.level, "active": True},
            after={"employee": current.user.get_username(), "level": current.level, "active": False},
        )
    grant.withdrawn_at, grant.withdrawn_by = current.withdrawn_at, by
    log.info("followup.protected_access_withdrawn", level=current.level)
    return True

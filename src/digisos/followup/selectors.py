"""Reads of follow-up: the data-flow register as the privacy page shows it, and the citizen's own lookups."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digisos.accounts.models import User
from digisos.core.dataflows import (
    FLOWS,
    NO_PERSONAL_DATA,
    RETENTION_RULES,
    DataFlow,
    FlowKind,
    RetentionRule,
    uses_flow,
)
from digisos.core.models import PeriodicRun
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case
from digisos.municipalities.models import Municipality, NavOffice
from digisos.soker.constants import SENDT
from digisos.soker.labels import status_label

from .models import AccessDecision, NksAgreement
from .policy import NAV_OFFICE_ROLE, NKS_ROLE, RELATION_WINDOW, DataKind, Employee, Purpose

# The privacy page's sections, in the order a citizen meets them.
SECTIONS: tuple[tuple[FlowKind, Promise], ...] = (
    (FlowKind.REGISTER, _("Opplysninger vi henter fra registre")),
    (FlowKind.DELIVERY, _("Det vi sender til kommunen")),
    (FlowKind.CITIZEN_VIEW, _("Det kommunen sender tilbake til deg")),
    (FlowKind.EMPLOYEE_VIEW, _("Når ansatte ser opplysningene dine")),
    (FlowKind.NOTIFICATION, _("Varsler til deg")),
    (FlowKind.STATISTICS, _("Statistikk")),
    (FlowKind.AUDIT, _("Logg over hvem som har sett opplysningene dine")),
)


@dataclass(frozen=True)
class Section:
    kind: FlowKind
    heading: Promise
    flows: list[DataFlow]


@uses_flow(NO_PERSONAL_DATA)  # the register itself: no one's data
def privacy_sections() -> list[Section]:
    """Every declared flow, grouped by kind; a kind not in SECTIONS gets its own section last, so a flow
    can never be left off the page."""
    sections = [
        Section(kind, heading, [flow for flow in FLOWS.values() if flow.kind == kind])
        for kind, heading in SECTIONS
    ]
    shown = {kind for kind, _heading in SECTIONS}
    for kind in FlowKind:
        if kind not in shown:
            sections.append(Section(kind, _("Annet"), [flow for flow in FLOWS.values() if flow.kind == kind]))
    return [section for section in sections if section.flows]


@dataclass(frozen=True)
class Lookup:
    """One look at the citizen's data, as the citizen sees it: the office or service, never the employee."""

    at: datetime
    looked_by: str
    purpose: str
    data_kind: str


@uses_flow("audit.lookups")
def my_lookups(user: User, *, limit: int = 200) -> list[Lookup]:
    """The looks at the user's own data that were permitted, newest first, in three queries whatever the
    number. A denied look showed nothing, so it is not a look; it stays in the audit for the supervisor."""
    if not user.pid:
        return []
    decisions = list(
        AccessDecision.objects.filter(subject_pid=user.pid, outcome=AccessDecision.Outcome.PERMIT)
        .only("at", "actor_role", "actor_kommunenummer", "actor_enhetsnummer", "purpose", "data_kind")
        .order_by("-at", "-id")[:limit]
    )
    municipalities = dict(
        Municipality.objects.filter(
            kommunenummer__in={d.actor_kommunenummer for d in decisions if d.actor_kommunenummer}
        ).values_list("kommunenummer", "name")
    )
    offices = dict(
        NavOffice.objects.filter(
            enhetsnummer__in={d.actor_enhetsnummer for d in decisions if d.actor_enhetsnummer}
        ).values_list("enhetsnummer", "name")
    )
    purposes, kinds = dict(Purpose.choices), dict(DataKind.choices)
    return [
        Lookup(
            at=decision.at,
            looked_by=_looked_by(decision, municipalities, offices),
            purpose=str(purposes.get(decision.purpose, decision.purpose)),
            data_kind=str(kinds.get(decision.data_kind, decision.data_kind)),
        )
        for decision in decisions
    ]


def _looked_by(decision: AccessDecision, municipalities: dict[str, str], offices: dict[str, str]) -> str:
    # The unit, never the person: the employee's name and ident stay in the audit.
    if decision.actor_role == NKS_ROLE:
        return str(_("NAV Kontaktsenter"))
    if decision.actor_role == NAV_OFFICE_ROLE:
        name = offices.get(decision.actor_enhetsnummer)
        return name if name else str(_("NAV-kontoret"))
    name = municipalities.get(decision.actor_kommunenummer)
    return str(_("%(name)s kommune") % {"name": name}) if name else str(_("Kommunen"))


@dataclass(frozen=True)
class RetentionRow:
    rule: RetentionRule
    last_run: datetime | None


@uses_flow(NO_PERSONAL_DATA)  # the rules and when their jobs last ran
def retention_rows() -> list[RetentionRow]:
    """Every retention rule with when its job was last started (core.PeriodicRun), in one query."""
    runs = dict(
        PeriodicRun.objects.filter(
            name__in=[rule.periodic_task for rule in RETENTION_RULES if rule.periodic_task]
        ).values_list("name", "last_enqueued_at")
    )
    return [RetentionRow(rule, runs.get(rule.periodic_task or "")) for rule in RETENTION_RULES]


# --- What an employee sees of one person, after the policy permitted it ------------------------------------
# Employee-facing: every public reader here names its flow (tests/followup/test_dataflow_register.py).
EMPLOYEE_FACING = True


@dataclass(frozen=True)
class CaseRow:
    """One case as the employee's overview lists it: no documents, no account numbers."""

    case_id: str
    title: str
    sent_at: datetime
    municipality: str
    office: str
    status: str
    open_tasks: int
    next_deadline: datetime | None
    decisions: list[dict]
    last_payment_date: date | None
    last_payment_amount: float | None


@uses_flow("employee.nav_office")
def office_overview(employee: Employee, pid: str, *, now: datetime | None = None) -> list[CaseRow]:
    """The person's cases at the employee's municipality or NAV office, within the relation window. Call only
    after followup.services.check_access permitted the look."""
    cases = _recent_cases(pid, now)
    if employee.role == MUNICIPAL_CASEWORKER_ROLE:
        cases = cases.filter(municipality_id=employee.kommunenummer or "")
    elif employee.role == NAV_OFFICE_ROLE and employee.enhetsnummer:
        cases = cases.filter(Q(office_id=employee.enhetsnummer) | Q(state__office=employee.enhetsnummer))
    else:
        return []
    return _rows(cases)


@uses_flow("employee.nks")
def nks_overview(employee: Employee, pid: str, *, now: datetime | None = None) -> list[CaseRow]:
    """Modia's slice: the person's cases within 15 months in municipalities whose NKS agreement is on."""
    if employee.role != NKS_ROLE:
        return []
    agreed = NksAgreement.objects.filter(active=True).values("municipality_id")
    return _rows(_recent_cases(pid, now).filter(municipality_id__in=agreed))


def _recent_cases(pid: str, now: datetime | None) -> QuerySet[Case]:
    now = now or timezone.now()
    return Case.objects.filter(owner__pid=pid, updated_at__gte=now - RELATION_WINDOW)


def _rows(cases: QuerySet[Case]) -> list[CaseRow]:
    """Two queries whatever the number of cases: the cases with their state, and the office names."""
    listed = list(
        cases.select_related("application", "state", "municipality")
        .defer("soker", "state__view", "application__answers")
        .order_by("-created_at")
    )
    office_of = {case.id: _office_id(case) for case in listed}
    names = dict(
        NavOffice.objects.filter(enhetsnummer__in={o for o in office_of.values() if o}).values_list(
            "enhetsnummer", "name"
        )
    )
    rows = []
    for case in listed:
        state = getattr(case, "state", None)
        rows.append(
            CaseRow(
                case_id=str(case.id),
                title=(
                    str(_("Søknad %(reference)s") % {"reference": case.application.reference})
                    if case.application_id
                    else str(_("Papirsøknad"))
                ),
                sent_at=case.created_at,
                municipality=case.municipality.name,
                office=names.get(office_of[case.id], office_of[case.id] or ""),
                status=status_label(state.status if state else SENDT),
                open_tasks=state.open_tasks if state else 0,
                next_deadline=state.next_deadline if state else None,
                decisions=list(state.decisions) if state else [],
                last_payment_date=state.last_payment_date if state else None,
                last_payment_amount=state.last_payment_amount if state else None,
            )
        )
    return rows


def _office_id(case: Case) -> str:
    state = getattr(case, "state", None)
    return (state.office if state and state.office else None) or case.office_id or ""

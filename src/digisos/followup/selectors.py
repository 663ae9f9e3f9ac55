"""Reads of follow-up: the data-flow register as the privacy page shows it, and the citizen's own lookups."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
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
    get_flow,
    uses_flow,
)
from digisos.core.models import PeriodicRun
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case, DeliveredFile
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
        return str(_("Nav Kontaktsenter"))
    if decision.actor_role == NAV_OFFICE_ROLE:
        name = offices.get(decision.actor_enhetsnummer)
        return name if name else str(_("Nav-kontoret"))
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


def _recent_cases(pid: str, now: datetime) -> QuerySet[Case]:
    return Case.objects.filter(owner__pid=pid, updated_at__gte=now - RELATION_WINDOW)


def _office_id(case: Case) -> str:
    state = getattr(case, "state", None)
    return (state.office if state and state.office else None) or case.office_id or ""


# --- The person overview's panels, from the stored case read model ----------------------------------------
# How many months the assistance timeline shows (the "24 months of payments").
TIMELINE_MONTHS = 24
# The rows each list panel shows; the rest are counted ("20 of 200").
PANEL_ROWS = 20
# The stored view's parts the panels read: only these keys leave the database, not the whole view.
_VIEW_PARTS = ("tasks", "conditions", "letters")


@dataclass(frozen=True)
class Panel:
    """What a panel says about where its data comes from and on what legal basis (the data-flow register)."""

    source: str
    legal_basis: str


@dataclass(frozen=True)
class DecisionRow:
    case_title: str
    sak_title: str
    outcome: str
    at: datetime | None


@dataclass(frozen=True)
class RequestRow:
    case_title: str
    document_type: str
    deadline: datetime | None


@dataclass(frozen=True)
class ConditionRow:
    case_title: str
    title: str
    status: str


@dataclass(frozen=True)
class DocumentRow:
    case_title: str
    name: str  # the name only: no link, no file


@dataclass(frozen=True)
class PaymentRow:
    case_title: str
    day: date | None
    amount: float
    status: str
    description: str
    recipient: str
    account: str  # "" when someone other than the person is paid (Modia shows no account then)


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first of the month
    amount: float
    share: float  # of the largest month, 0–100, for the chart


@dataclass
class PersonOverview:
    """The panels a permitted look shows. A panel is None when the policy did not permit its kind of data."""

    cases: list[CaseRow]
    panel: Panel
    decisions: list[DecisionRow] | None = None
    requests: list[RequestRow] | None = None
    conditions: list[ConditionRow] | None = None
    months: list[MonthRow] | None = None
    payments: list[PaymentRow] | None = None
    documents: list[DocumentRow] | None = None
    kinds: frozenset[str] = frozenset()
    # Each list's full length, when it is longer than the PANEL_ROWS shown (newest or soonest first).
    totals: dict[str, int] = field(default_factory=dict)

    def cut(self) -> "PersonOverview":
        """Every list to its first PANEL_ROWS, its full length kept in `totals`: a page of 200 cases stays a
        page one can read, and renders in the time of one with 20."""
        for name in ("cases", "decisions", "requests", "conditions", "payments", "documents"):
            rows = getattr(self, name)
            if rows is not None and len(rows) > PANEL_ROWS:
                self.totals[name] = len(rows)
                setattr(self, name, rows[:PANEL_ROWS])
        return self


def _panel(flow_key: str) -> Panel:
    return Panel(source=str(get_flow(Case.FLOW).source), legal_basis=str(get_flow(flow_key).legal_basis))


@uses_flow("employee.nav_office")
def office_person_overview(
    employee: Employee, pid: str, *, kinds: set[str], now: datetime | None = None
) -> PersonOverview:
    """The caseworker's whole picture of the person at their municipality or office: cases, decisions, payments
    per month, open requests and deadlines, conditions and document names — each only for a kind of data in
    `kinds` (what the policy permitted). Three queries whatever the number of cases."""
    now = now or timezone.now()
    cases = _recent_cases(pid, now)
    if employee.role == MUNICIPAL_CASEWORKER_ROLE:
        cases = cases.filter(municipality_id=employee.kommunenummer or "")
    elif employee.role == NAV_OFFICE_ROLE and employee.enhetsnummer:
        cases = cases.filter(Q(office_id=employee.enhetsnummer) | Q(state__office=employee.enhetsnummer))
    else:
        cases = cases.none()
    return _overview(cases, kinds, now, panel=_panel("employee.nav_office"), nks=False)


@uses_flow("employee.nks")
def nks_person_overview(
    employee: Employee, pid: str, *, kinds: set[str], now: datetime | None = None
) -> PersonOverview:
    """Modia's fields, read-only: applications within 15 months in municipalities whose NKS agreement is on,
    status, office, requests and deadlines, decisions, payments (no account number when a third party is paid)
    and attachment names (no file)."""
    now = now or timezone.now()
    cases = _recent_cases(pid, now)
    if employee.role == NKS_ROLE:
        cases = cases.filter(
            municipality_id__in=NksAgreement.objects.filter(active=True).values("municipality_id")
        )
    else:
        cases = cases.none()
    return _overview(cases, kinds, now, panel=_panel("employee.nks"), nks=True)


def _overview(
    cases: QuerySet[Case], kinds: set[str], now: datetime, *, panel: Panel, nks: bool
) -> PersonOverview:
    with_payments = DataKind.PAYMENTS in kinds
    parts = {f"view_{part}": KeyTransform(part, "state__page_view") for part in _VIEW_PARTS}
    deferred = ["soker", "state__view", "state__page_view", "state__recent_history", "application__answers"]
    if not with_payments:
        deferred.append("state__payments")
    listed = list(
        cases.select_related("application", "state", "municipality")
        .defer(*deferred)
        .annotate(**parts)
        .order_by("-created_at")
    )
    names = dict(
        NavOffice.objects.filter(enhetsnummer__in={_office_id(c) for c in listed} - {""}).values_list(
            "enhetsnummer", "name"
        )
    )
    overview = PersonOverview(cases=[], panel=panel, kinds=frozenset(kinds))
    if DataKind.CASES not in kinds:
        return overview
    overview.cases = [_row(case, names) for case in listed]
    titles = {row.case_id: row.title for row in overview.cases}
    overview.decisions = _decisions(listed, titles)
    overview.requests = _requests(listed, titles)
    overview.conditions = [] if nks else _conditions(listed, titles)
    if with_payments:
        payments = [(titles[str(c.id)], p) for c in listed if hasattr(c, "state") for p in c.state.payments]
        overview.months = _months(payments, now)
        overview.payments = _payment_rows(payments) if nks else None
    document_kind = DataKind.ATTACHMENT_NAMES if nks else DataKind.DOCUMENTS
    if document_kind in kinds:
        files = DeliveredFile.objects.filter(
            delivery__case__in=[c.id for c in listed], role=DeliveredFile.Role.VEDLEGG
        ).values_list("delivery__case_id", "filename")
        overview.documents = [DocumentRow(titles[str(case_id)], name) for case_id, name in files]
        if not nks:  # the case system's letters by title: the office may see them, NKS only attachment names
            overview.documents += [
                DocumentRow(titles[str(c.id)], letter.get("title") or "")
                for c in listed
                for letter in (getattr(c, "view_letters", None) or [])
                if letter.get("title")
            ]
    return overview.cut()


def _row(case: Case, names: dict[str, str]) -> CaseRow:
    state = getattr(case, "state", None)
    office = _office_id(case)
    return CaseRow(
        case_id=str(case.id),
        title=(
            str(_("Søknad %(reference)s") % {"reference": case.application.reference})
            if case.application_id
            else str(_("Papirsøknad"))
        ),
        sent_at=case.created_at,
        municipality=case.municipality.name,
        office=names.get(office, office),
        status=status_label(state.status if state else SENDT),
        open_tasks=state.open_tasks if state else 0,
        next_deadline=state.next_deadline if state else None,
        decisions=list(state.decisions) if state else [],
        last_payment_date=state.last_payment_date if state else None,
        last_payment_amount=state.last_payment_amount if state else None,
    )


def _decisions(listed: list[Case], titles: dict[str, str]) -> list[DecisionRow]:
    rows = [
        DecisionRow(
            titles[str(case.id)],
            decision.get("title") or "",
            _outcome(decision.get("outcome") or ""),
            _instant(decision.get("at")),
        )
        for case in listed
        if hasattr(case, "state")
        for decision in case.state.decisions
    ]
    return sorted(rows, key=lambda row: row.at or datetime.min.replace(tzinfo=UTC), reverse=True)


_OUTCOMES = {
    "INNVILGET": _("Innvilget"),
    "DELVIS_INNVILGET": _("Delvis innvilget"),
    "AVSLATT": _("Avslått"),
    "AVVIST": _("Avvist"),
}


def _outcome(outcome: str) -> str:
    return str(_OUTCOMES.get(outcome, _("Ikke oppgitt")))


def _requests(listed: list[Case], titles: dict[str, str]) -> list[RequestRow]:
    """The documents the caseworker asked for and not yet received, soonest deadline first."""
    rows = [
        RequestRow(titles[str(case.id)], task.get("document_type") or "", _instant(task.get("deadline")))
        for case in listed
        for task in (getattr(case, "view_tasks", None) or [])
        if task.get("from_caseworker")
    ]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda row: row.deadline or far)


def _conditions(listed: list[Case], titles: dict[str, str]) -> list[ConditionRow]:
    return [
        ConditionRow(titles[str(case.id)], condition.get("title") or "", condition.get("status") or "")
        for case in listed
        for condition in (getattr(case, "view_conditions", None) or [])
    ]


def _months(payments: list[tuple[str, dict]], now: datetime) -> list[MonthRow]:
    """Assistance paid per month for the last TIMELINE_MONTHS months, oldest first, every month listed (a month
    without payments is 0, so the pattern shows)."""
    first = _month_start(timezone.localdate(now), -(TIMELINE_MONTHS - 1))
    sums: dict[date, float] = {}
    for _title, payment in payments:
        if payment.get("status") != "UTBETALT":
            continue
        day = _day(payment.get("paid_date")) or _day(payment.get("due_date"))
        if day is None or day < first:
            continue
        month = day.replace(day=1)
        sums[month] = sums.get(month, 0.0) + float(payment.get("amount") or 0)
    largest = max(sums.values(), default=0.0)
    months = [_month_start(first, offset) for offset in range(TIMELINE_MONTHS)]
    return [
        MonthRow(
            month, sums.get(month, 0.0), round(100 * sums.get(month, 0.0) / largest, 1) if largest else 0.0
        )
        for month in months
    ]


def _payment_rows(payments: list[tuple[str, dict]]) -> list[PaymentRow]:
    rows = [
        PaymentRow(
            case_title=title,
            day=_day(payment.get("paid_date")) or _day(payment.get("due_date")),
            amount=float(payment.get("amount") or 0),
            status=str(payment.get("status") or ""),
            description=str(payment.get("description") or ""),
            recipient=str(payment.get("recipient") or ""),
            # No account number when another is paid, even if the case system sent one.
            account="" if payment.get("other_recipient") else str(payment.get("account") or ""),
        )
        for title, payment in payments
    ]
    return sorted(rows, key=lambda row: row.day or date.min, reverse=True)


def _month_start(day: date, offset: int) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None

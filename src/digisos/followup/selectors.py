"""Reads of follow-up: the data-flow register as the privacy page shows it, and the citizen's own lookups."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple

import structlog
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.core.dataflows import (
    FLOWS,
    NAV_REGISTERS_BASIS,
    NO_PERSONAL_DATA,
    RETENTION_RULES,
    DataFlow,
    FlowKind,
    RetentionRule,
    get_flow,
    uses_flow,
)
from digisos.core.models import PeriodicRun
from digisos.core.prepared import PreparedValues
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case, CaseItem, CaseState
from digisos.municipalities.models import Municipality, NavOffice
from digisos.registers import registry
from digisos.registers.ports import HousingAllowanceCase, HousingAllowancePayment
from digisos.soker.constants import SENDT, UtbetalingStatus, Utfall
from digisos.soker.labels import status_texts, title_texts

from .models import AccessDecision, NksAgreement
from .policy import NAV_OFFICE_ROLE, NKS_ROLE, RELATION_WINDOW, DataKind, Employee, Purpose

log = structlog.get_logger(__name__)

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
    """One look at the citizen's data, as the citizen sees it: the office or service, never the employee, and
    every kind of data that look showed."""

    at: datetime
    looked_by: str
    purpose: str
    data_kind: (
        str  # the kinds the look showed, in the order the policy was asked ("Søknader…, Utbetalinger…")
    )


# A look is audited in one row naming its kinds, comma-separated (followup.services.check_access_kinds; rows
# written before that have one kind each): the rows of one look share their time, employee, purpose and request,
# and are shown as one line.
_LOOK_KEY = ("at", "actor_ident", "actor_role", "purpose", "request_id")


@uses_flow("audit.lookups")
def my_lookups(user: User, *, limit: int = 200) -> list[Lookup]:
    """The looks at the user's own data that were permitted, newest first, one line per look (not one per
    panel), in three queries whatever the number. A denied look showed nothing, so it is not a look; it stays in
    the audit for the supervisor."""
    if not user.pid:
        return []
    rows = list(
        AccessDecision.objects.filter(subject_pid=user.pid, outcome=AccessDecision.Outcome.PERMIT)
        .order_by("-at", "-id")
        .values(*_LOOK_KEY, "actor_kommunenummer", "actor_enhetsnummer", "data_kind", "id")[
            : limit * len(DataKind)
        ]
    )
    looks: dict[tuple, list[dict]] = {}
    for row in rows:
        looks.setdefault(tuple(row[name] for name in _LOOK_KEY), []).append(row)
    grouped = [sorted(kinds, key=lambda row: row["id"]) for kinds in list(looks.values())[:limit]]
    municipalities = dict(
        Municipality.objects.filter(
            kommunenummer__in={look[0]["actor_kommunenummer"] for look in grouped} - {""}
        ).values_list("kommunenummer", "name")
    )
    offices = dict(
        NavOffice.objects.filter(
            enhetsnummer__in={look[0]["actor_enhetsnummer"] for look in grouped} - {""}
        ).values_list("enhetsnummer", "name")
    )
    purposes, kinds = dict(Purpose.choices), dict(DataKind.choices)
    return [
        Lookup(
            at=look[0]["at"],
            looked_by=_looked_by(look[0], municipalities, offices),
            purpose=str(purposes.get(look[0]["purpose"], look[0]["purpose"])),
            data_kind=", ".join(
                str(kinds.get(kind, kind)) for row in look for kind in row["data_kind"].split(",") if kind
            ),
        )
        for look in grouped
    ]


def _looked_by(decision: dict, municipalities: dict[str, str], offices: dict[str, str]) -> str:
    # The unit, never the person: the employee's name and ident stay in the audit.
    if decision["actor_role"] == NKS_ROLE:
        return str(_("Nav Kontaktsenter"))
    if decision["actor_role"] == NAV_OFFICE_ROLE:
        name = offices.get(decision["actor_enhetsnummer"])
        return name if name else str(_("Nav-kontoret"))
    name = municipalities.get(decision["actor_kommunenummer"])
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


# The panels' rows are NamedTuples, not frozen dataclasses: as immutable, and made by one tuple allocation where a
# frozen dataclass sets each field through object.__setattr__ (some 125 rows a look: 0.1 ms less; innsyn's
# ListedCase is a NamedTuple for the same reason).
class CaseRow(NamedTuple):
    """One case as the employee's overview lists it: no documents, no account numbers."""

    case_id: str
    title: str
    sent_at: datetime
    municipality: str
    office: str
    status: str
    open_tasks: int
    next_deadline: datetime | None
    decisions: list[tuple[str, str]]  # each decision's sak title and outcome, as shown


def _recent_cases(pid: str, now: datetime) -> QuerySet[Case]:
    return Case.objects.filter(owner__pid=pid, updated_at__gte=now - RELATION_WINDOW)


def _office_id(row: dict) -> str:
    return row["state__office"] or row["office_id"] or ""


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


class DecisionRow(NamedTuple):
    case_title: str
    sak_title: str
    outcome: str
    at: datetime | None


class RequestRow(NamedTuple):
    case_title: str
    document_type: str
    deadline: datetime | None


class ConditionRow(NamedTuple):
    case_title: str
    title: str
    status: str


class DocumentRow(NamedTuple):
    case_title: str
    name: str  # the name only: no link, no file


class PaymentRow(NamedTuple):
    case_title: str
    day: date | None
    amount: float
    status: str
    description: str
    recipient: str
    account: str  # "" when someone other than the person is paid (Modia shows no account then)


class MonthRow(NamedTuple):
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
    # The state registers' panels: None when the policy did not permit DataKind.STATE_REGISTERS.
    registers: "list[RegisterPanel] | None" = None
    # Each list's full length, when it is longer than the PANEL_ROWS shown (newest or soonest first).
    totals: dict[str, int] = field(default_factory=dict)
    # The policy's reason when the look was permitted by a special authorisation for address protection
    # ("permitted_fortrolig" or "permitted_strengt_fortrolig"; policy.Reason): the page then says so, and why
    # the address is not shown. "" for every other look.
    protection: str = ""

    def cut(self) -> "PersonOverview":
        """Every list to its first PANEL_ROWS, its full length kept in `totals`: a page of 200 cases stays a
        page one can read, and renders in the time of one with 20."""
        for name in ("decisions", "requests", "conditions", "payments", "documents"):
            rows = getattr(self, name)
            if rows is not None and len(rows) > PANEL_ROWS:
                self.totals[name] = len(rows)
                setattr(self, name, rows[:PANEL_ROWS])
        return self


# --- The state registers' panels (NAV office staff only: policy.ROLE_KINDS, dataflows "employee.state_registers")
# Asked live at each permitted look, each port once, never stored. A register that fails (RegisterUnavailable or
# anything else) makes its panel say it could not be fetched; the page and the other panels stay.
STATE_REGISTERS_FLOW = "employee.state_registers"
# How far back the NAV payments panel reaches: the assistance timeline's months.
NAV_PAYMENT_MONTHS = TIMELINE_MONTHS


@dataclass(frozen=True)
class RegisterPanel:
    """One state register's panel: its rows (None when the register did not answer), source and legal basis."""

    key: str  # "nav_payments", "employment", "housing_allowance": the panel's data-testid
    heading: str
    source: str
    legal_basis: str
    rows: list | None
    total: int = 0  # the full number of rows, when more than PANEL_ROWS are shown

    @property
    def unavailable(self) -> bool:
        return self.rows is None


@dataclass(frozen=True)
class HousingAllowanceRows:
    """Husbanken's answer as the panel shows it: the bostøtte cases and the payments of the last two months."""

    cases: list[HousingAllowanceCase]
    payments: list[HousingAllowancePayment]

    def __len__(self) -> int:
        return len(self.cases) + len(self.payments)


def _register_answer(register: str, call: Callable[[], Any]) -> Any | None:
    try:
        return call()
    except Exception as error:  # fail closed for the panel, never the page; never the person in the log
        log.warning("followup.register_unavailable", register=register, error=type(error).__name__)
        return None


@uses_flow(STATE_REGISTERS_FLOW)
def state_register_panels(
    pid: str, *, now: datetime | None = None, housing_consent: bool = False
) -> list[RegisterPanel]:
    """NAV payments (the timeline's months), employment from Aa-registeret and — only when the person consented
    to it in the application (`housing_consent`) — bostøtte from Husbanken, each labelled with its register (the
    register flow's source) and its legal basis: NAV-loven § 16 for NAV's own registers, the consent for
    Husbanken's (dataflows "employee.state_registers"). Without consent Husbanken is not asked at all. Call only
    after the policy permitted DataKind.STATE_REGISTERS; asks each register once and no database."""
    today = timezone.localdate(now or timezone.now())
    basis = str(NAV_REGISTERS_BASIS)
    consent_basis = str(get_flow("register.husbanken").legal_basis)
    since = _month_start(today, -(NAV_PAYMENT_MONTHS - 1))
    payments = _register_answer(
        "nav_utbetalinger", lambda: registry.nav_utbetalinger().get_payments(pid, since=since)
    )
    employments = _register_answer("aaregister", lambda: registry.aaregister().get_employments(pid))
    panels: list[tuple[str, Promise, str, Any, str]] = [
        (
            "nav_payments",
            _("Utbetalinger fra Nav"),
            "register.nav_utbetalinger",
            None if payments is None else sorted(payments, key=lambda row: row.date, reverse=True),
            basis,
        ),
        (
            "employment",
            _("Arbeidsforhold"),
            "register.aaregister",
            None
            if employments is None
            else sorted(employments, key=lambda row: (row.end_date is None, row.start_date), reverse=True),
            basis,
        ),
    ]
    if housing_consent:
        housing = _register_answer(
            "husbanken", lambda: registry.husbanken().get_housing_allowance(pid, on=today)
        )
        panels.append(
            (
                "housing_allowance",
                _("Bostøtte"),
                "register.husbanken",
                None
                if housing is None
                else HousingAllowanceRows(
                    list(housing.cases), sorted(housing.payments, key=lambda row: row.date, reverse=True)
                ),
                consent_basis,
            )
        )
    return [
        RegisterPanel(
            key=key,
            heading=str(heading),
            source=str(get_flow(register_flow).source),
            legal_basis=panel_basis,
            rows=rows[:PANEL_ROWS] if isinstance(rows, list) else rows,
            total=len(rows) if isinstance(rows, list) and len(rows) > PANEL_ROWS else 0,
        )
        for key, heading, register_flow, rows, panel_basis in panels
    ]


def _panel(flow_key: str) -> Panel:
    return _language_panel(flow_key, get_language())


# A panel's texts, translated once per flow and language in a process (as core.formatting's formatters are): the
# data-flow register's texts, no one's data.
@cache
def _language_panel(flow_key: str, language: str | None) -> Panel:
    return Panel(source=str(get_flow(Case.FLOW).source), legal_basis=str(get_flow(flow_key).legal_basis))


@uses_flow("employee.nav_office")
def office_person_overview(
    employee: Employee, pid: str, *, kinds: set[str], now: datetime | None = None
) -> PersonOverview:
    """The caseworker's whole picture of the person at their municipality or office: cases, decisions, payments
    per month, open requests and deadlines, conditions and document names — each only for a kind of data in
    `kinds` (what the policy permitted). One query whatever the number of cases (two with the state registers)."""
    now = now or timezone.now()
    panel = _panel("employee.nav_office")
    ids = _office_case_ids(employee, pid, now - RELATION_WINDOW)
    if ids is not None:
        overview = _overview_in_database(None, kinds, now, panel=panel, nks=False, ids=ids)
    else:
        overview = _overview(_office_cases(employee, pid, now), kinds, now, panel=panel, nks=False)
    # Office staff only, even if a caller passes the kind for another role (the policy already says so).
    if DataKind.STATE_REGISTERS in kinds and DataKind.CASES in kinds and employee.role == NAV_OFFICE_ROLE:
        overview.registers = state_register_panels(
            pid, now=now, housing_consent=housing_allowance_consented(_office_cases(employee, pid, now))
        )
    return overview


def _office_cases(employee: Employee, pid: str, now: datetime) -> QuerySet[Case]:
    cases = _recent_cases(pid, now)
    if employee.role == MUNICIPAL_CASEWORKER_ROLE:
        return cases.filter(municipality_id=employee.kommunenummer or "")
    if employee.role == NAV_OFFICE_ROLE and employee.enhetsnummer:
        return cases.filter(Q(office_id=employee.enhetsnummer) | Q(state__office=employee.enhetsnummer))
    return cases.none()


# What the overview's statement reads of each case (_write_panel_sql's `listed`), by these names: the case's own
# columns; its read model row is read only for the cases shown, its lists from its items (CaseItem) by its owner.
_LISTED = ("id", "created_at", "application_id", "municipality_id", "owner_id", "office_id")
_LISTED_NKS = _LISTED
# The person's cases an overview reads, as _office_cases and nks_person_overview select them, with the columns
# above, compiled to SQL once per process (core/prepared.py): building and compiling the queryset was 0.6 ms of
# CPU on every look.
_SAMPLE_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
_MUNICIPALITY_CASES = PreparedValues(
    lambda pid, since, kommunenummer: Case.objects.filter(
        owner__pid=pid, updated_at__gte=since, municipality_id=kommunenummer
    ).values(*_LISTED),
    "sample-pid",
    _SAMPLE_SINCE,
    "sample-kommune",
)
_OFFICE_CASES = PreparedValues(
    lambda pid, since, office, reported_office: Case.objects.filter(
        Q(office_id=office) | Q(state__office=reported_office), owner__pid=pid, updated_at__gte=since
    ).values(*_LISTED),
    "sample-pid",
    _SAMPLE_SINCE,
    "sample-office",
    "sample-reported-office",
)
_NKS_CASES = PreparedValues(
    lambda pid, since: Case.objects.filter(
        owner__pid=pid,
        updated_at__gte=since,
        municipality_id__in=NksAgreement.objects.filter(active=True).values("municipality_id"),
    ).values(*_LISTED_NKS),
    "sample-pid",
    _SAMPLE_SINCE,
)


def _office_case_ids(employee: Employee, pid: str, since: datetime) -> tuple[str, list[Any]] | None:
    """The SQL of _office_cases (its _LISTED columns) on PostgreSQL; None elsewhere, or when the employee has no
    cases to see."""
    if connection.vendor != "postgresql":
        return None
    if employee.role == MUNICIPAL_CASEWORKER_ROLE:
        return _MUNICIPALITY_CASES.sql(pid, since, employee.kommunenummer or "")
    if employee.role == NAV_OFFICE_ROLE and employee.enhetsnummer:
        return _OFFICE_CASES.sql(pid, since, employee.enhetsnummer, employee.enhetsnummer)
    return None


@uses_flow(STATE_REGISTERS_FLOW)
def housing_allowance_consented(cases: QuerySet[Case]) -> bool:
    """Whether the person said yes, in the application of a case the employee may see, to bostøtte being
    fetched from Husbanken (the answer `inntekt.bostotte_samtykke`, kept with the application's working copy for
    200 days). Bostøtte is neither NAV's nor the social service's data, so NAV-loven § 16 does not reach it:
    the consent is its only basis (dataflows "register.husbanken"). One query."""
    return cases.filter(application__answers__inntekt__bostotte_samtykke=True).exists()


@uses_flow("employee.nks")
def nks_person_overview(
    employee: Employee, pid: str, *, kinds: set[str], now: datetime | None = None
) -> PersonOverview:
    """Modia's fields, read-only: applications within 15 months in municipalities whose NKS agreement is on,
    status, office, requests and deadlines, decisions, payments (no account number when a third party is paid)
    and attachment names (no file)."""
    now = now or timezone.now()
    panel = _panel("employee.nks")
    if employee.role == NKS_ROLE and connection.vendor == "postgresql":
        ids = _NKS_CASES.sql(pid, now - RELATION_WINDOW)
        return _overview_in_database(None, kinds, now, panel=panel, nks=True, ids=ids)
    cases = _recent_cases(pid, now)
    if employee.role == NKS_ROLE:
        cases = cases.filter(
            municipality_id__in=NksAgreement.objects.filter(active=True).values("municipality_id")
        )
    else:
        cases = cases.none()
    return _overview(cases, kinds, now, panel=panel, nks=True)


# What the overview reads of each case: plain columns (values(), no model instances: 200 cases as models with
# their application, state and municipality were most of the page's time), and of the stored view only the parts
# the panels show.
_CASE_COLUMNS = (
    "id",
    "created_at",
    "application_id",
    "application__reference",
    "municipality__name",
    "office_id",
    "state__office",
    "state__status",
    "state__open_tasks",
    "state__next_deadline",
    "state__decisions",
)


def _overview(
    cases: QuerySet[Case], kinds: set[str], now: datetime, *, panel: Panel, nks: bool
) -> PersonOverview:
    """On PostgreSQL each panel's first PANEL_ROWS rows and its count are picked in the database
    (`_overview_in_database`); elsewhere (the quick start's SQLite) every case is read and the lists are cut
    here. Both give the same overview (tests/followup/test_person_overview.py compares them)."""
    if connection.vendor == "postgresql":
        return _overview_in_database(cases, kinds, now, panel=panel, nks=nks)
    return _overview_in_python(cases, kinds, now, panel=panel, nks=nks)


def _overview_in_python(
    cases: QuerySet[Case], kinds: set[str], now: datetime, *, panel: Panel, nks: bool
) -> PersonOverview:
    overview = PersonOverview(cases=[], panel=panel, kinds=frozenset(kinds))
    if DataKind.CASES not in kinds:
        return overview
    with_payments = DataKind.PAYMENTS in kinds
    parts = {f"view_{part}": KeyTransform(part, "state__page_view") for part in _VIEW_PARTS}
    columns = [*_CASE_COLUMNS, *parts, *(["state__payments"] if with_payments else [])]
    listed = list(cases.annotate(**parts).order_by("-created_at", "id").values(*columns))
    names = dict(
        NavOffice.objects.filter(
            enhetsnummer__in={_office_id(c) for c in listed[:PANEL_ROWS]} - {""}
        ).values_list("enhetsnummer", "name")
    )
    paper, numbered = str(_("Papirsøknad")), str(_("Søknad %(reference)s"))
    labels, ours = _label_texts(get_language()), title_texts()
    titles = {
        row["id"]: numbered % {"reference": row["application__reference"]} if row["application_id"] else paper
        for row in listed
    }
    # Only the rows shown are made into rows; the rest are counted (PersonOverview.cut keeps the totals).
    overview.cases = [_row(row, titles, names, labels, ours) for row in listed[:PANEL_ROWS]]
    if len(listed) > PANEL_ROWS:
        overview.totals["cases"] = len(listed)
    overview.decisions = _decisions(listed, titles, labels, ours)
    overview.requests = _requests(listed, titles, ours)
    overview.conditions = [] if nks else _conditions(listed, titles, labels.statuses)
    if with_payments:
        payments = [(titles[row["id"]], p) for row in listed for p in row["state__payments"] or ()]
        overview.months = _months(payments, now)
        overview.payments = _payment_rows(payments, labels.statuses) if nks else None
    document_kind = DataKind.ATTACHMENT_NAMES if nks else DataKind.DOCUMENTS
    if document_kind in kinds:
        # The attachments' names, as the case read model keeps them (CaseItem kind FILE), in the panel's order.
        files = (
            CaseItem.objects.filter(case__in=[row["id"] for row in listed], kind=CaseItem.Kind.FILE)
            .order_by("-rank_at", "-case_created_at", "case_id", "position")
            .values_list("case_id", "title")
        )
        overview.documents = [DocumentRow(titles[case_id], name) for case_id, name in files]
        if not nks:  # the case system's letters by title: the office may see them, NKS only attachment names
            overview.documents += [
                DocumentRow(titles[row["id"]], letter.get("title") or "")
                for row in listed
                for letter in row["view_letters"] or ()
                if letter.get("title")
            ]
    return overview.cut()


# --- The same overview picked in PostgreSQL: a person with 200 cases and two years of payments had some 400 kB of
# JSON decoded in Python on every look, to show 20 rows of each panel. Here only the rows shown leave the
# database, in one statement whose text is written once per process for each shape of look (_panel_sql).
#
# What that statement costs PostgreSQL (bench/followup.py's person, 200 cases): it unpacked each case's stored
# lists (CaseState's decisions, followup_view and payments) on every look, 3.8 ms of backend CPU after two rounds
# of tuning (session 12). Each panel now reads the case read model's items (exchange.CaseItem, written with each
# case's CaseState): the person's items of its kind in the panel's order from an index, stopping at PANEL_ROWS;
# the counts one index-only pass over the person's items, the months' sums an index-only range (issue 13,
# session 13).


def _overview_in_database(
    cases: QuerySet[Case] | None,
    kinds: set[str],
    now: datetime,
    *,
    panel: Panel,
    nks: bool,
    ids: tuple[str, list[Any]] | None = None,
) -> PersonOverview:
    """`ids`: the SQL selecting the cases' _LISTED columns (_LISTED_NKS for NKS) and its parameters, when the
    caller has it compiled (_office_case_ids, _NKS_CASES); else it is compiled from `cases`."""
    overview = PersonOverview(cases=[], panel=panel, kinds=frozenset(kinds))
    if DataKind.CASES not in kinds:
        return overview
    if ids is None:
        assert cases is not None
        ids_sql, ids_params = cases.values(*(_LISTED_NKS if nks else _LISTED)).query.sql_with_params()
        ids = (ids_sql, list(ids_params))
    with_payments = DataKind.PAYMENTS in kinds
    document_kind = DataKind.ATTACHMENT_NAMES if nks else DataKind.DOCUMENTS
    shape = _Shape(nks=nks, payments=with_payments, documents=document_kind in kinds)
    months_from = _month_start(timezone.localdate(now), -(TIMELINE_MONTHS - 1)) if with_payments else None
    found, totals, sums = _run_panels(shape, ids, months_from)
    # Each shown list's full length when longer than shown (as PersonOverview.cut keeps it).
    shown = ("cases", "decisions", "requests", *(("payments",) if nks else ("conditions",)))
    overview.totals.update((name, totals[name]) for name in shown if totals[name] > PANEL_ROWS)
    # The outcomes' and statuses' texts in the look's language (translated once per language, _label_texts), and
    # the titles DigiSos gives (a sak's, a document asked for) in it too, any other as the case system sent it.
    labels, ours = _label_texts(get_language()), title_texts()
    outcomes, unknown_outcome, statuses = labels
    overview.decisions = [
        DecisionRow(case_title, ours(c[0]), outcomes.get(c[1] or "", unknown_outcome), _instant(c[2]))
        for case_title, c in found["decisions"]
    ]
    overview.requests = [
        RequestRow(case_title, ours(c[0]), _instant(c[1])) for case_title, c in found["requests"]
    ]
    overview.conditions = (
        []
        if nks
        else [
            ConditionRow(case_title, c[0] or "", _status(c[1], statuses))
            for case_title, c in found["conditions"]
        ]
    )
    if months_from is not None:
        largest = max(sums.values(), default=0.0)
        months = [_month_start(months_from, offset) for offset in range(TIMELINE_MONTHS)]
        overview.months = [
            MonthRow(month, paid, round(100 * paid / largest, 1) if largest else 0.0)
            for month, paid in zip(months, [sums.get(month, 0.0) for month in months], strict=True)
        ]
        overview.payments = (
            [
                PaymentRow(
                    case_title=case_title,
                    day=_day(paid),
                    amount=float(amount or 0),
                    status=_status(status, statuses),
                    description=description or "",
                    recipient=recipient or "",
                    account="" if other == "true" else account or "",
                )
                for case_title, (paid, amount, status, description, recipient, other, account, *_) in found[
                    "payments"
                ]
            ]
            if nks
            else None
        )
    overview.cases = [
        CaseRow(
            case_id=case_id,
            title=case_title,
            sent_at=datetime.fromisoformat(created),
            municipality=municipality or "",
            office=office or "",
            status=_status(status or SENDT, statuses),
            open_tasks=int(open_tasks or 0),
            next_deadline=_instant(next_deadline),
            decisions=_decision_texts(_json(decisions), labels, ours) if decisions else [],
        )
        for case_title, (
            case_id,
            created,
            municipality,
            office,
            status,
            open_tasks,
            next_deadline,
            decisions,
        ) in (found["cases"])
    ]
    if shape.documents:
        # The attachments' names (the cases' items of kind FILE), then the letters' titles (the office only).
        rows = [DocumentRow(case_title, c[0]) for case_title, c in found["files"]]
        rows += [DocumentRow(case_title, c[0]) for case_title, c in found["letters"]]
        documents = totals["files"] + (0 if nks else totals["letters"])
        if documents > PANEL_ROWS:
            overview.totals["documents"] = documents
        overview.documents = rows[:PANEL_ROWS]
    return overview


# The cases' decisions (CaseState.decisions, a JSON array, as text): the decoder's own method, without json.loads's
# checks of the argument's type on each of the 20 cases a look.
_json = json.JSONDecoder().decode


@cache
def _title_texts(language: str | None) -> tuple[str, str]:
    """A case's title without an application, and with one (its reference in it), in `language` (the active
    one): translated once per language in a process, not at every look."""
    return str(_("Papirsøknad")), str(_("Søknad %(reference)s"))


@dataclass(frozen=True)
class _Shape:
    """What a look's statement reads: NKS's slice or the office's, with payments, with documents."""

    nks: bool
    payments: bool
    documents: bool


# Every panel's columns as text, padded to this many (one UNION ALL of the panels).
_PANEL_COLUMNS = 8
# The panels' counts, in the totals row's order.
_COUNTED = ("cases", "decisions", "requests", "conditions", "payments", "letters", "files")


# The panels' items come from the case read model's CaseItem rows (exchange/case_items.py), written with each
# case's CaseState: each panel is an index range read of the person's items of its kind in the panel's order,
# kept only when the item's case is one the look may see (`listed`), its first PANEL_ROWS. Before, every look
# unpacked the stored lists of all the person's cases (some 3.8 ms of PostgreSQL's CPU for 200 cases).
_ITEMS = CaseItem._meta.db_table
# The person: every listed case is theirs (selected by their pid), so the first names them.
_OWNER = "(SELECT owner_id FROM listed LIMIT 1)"
# Whether an item's case is listed, as a filter no index can serve: a panel then reads the person's items of its
# kind in the index's order and stops at its PANEL_ROWS rows. (`IN (SELECT id FROM listed)` let the planner
# hash-join every item of the kind and sort them; a bare `= ANY(...)` let it AND the case index's 1,800 entries.)
# The listed cases' keys are made into that array once a look (`listed_ids`), not once per panel.
_LISTED_ITEM = "coalesce(i.case_id = ANY((SELECT ids FROM listed_ids)::uuid[]), false)"
# The same filter for a read of all the person's items of some kinds (the counts, the months): a hashed subplan of
# the listed cases, built once. As `i.case_id IN (SELECT id FROM listed)` it was a join planned on PostgreSQL's
# guess of how many cases are listed, which depends on everyone else's cases: on a guess of 5 where 200 are listed
# (the generic plan with the rest of `make bench`'s data in the tables) it probed the items' indexes once per
# listed case, the months' index each time reading the whole range of the person's months (docs/performance.md,
# "Other people's data"). Inside coalesce() the subquery is not made a join, so the person's items are read once.
_LISTED_CASE = "coalesce(i.case_id IN (SELECT id FROM listed), false)"
# Whether every case of the person is listed (`listed_ids.every`: as many listed as the person has, each listed once
# — its selection joins only the one-to-one CaseState): then every item of the person's is a listed case's (an
# item's owner is its case's, case_items writes it so), and the counts' and months' filter is true before it is
# asked. It is the usual look (a person's cases at one municipality, all within the relation window); each of the
# two ranges then counts its 600–800 entries without probing the listed cases' hash for each (about 0.17 ms of
# PostgreSQL's CPU a look, s15-ovsql); else the filter decides as before. An OR, not a second statement text:
# the plan is the same whichever holds.
_EVERY_LISTED_CASE = f"((SELECT every FROM listed_ids) OR {_LISTED_CASE})"  # noqa: S608 - constant SQL
# The same for the panels' rows (each item read compared with the 200 listed keys otherwise: some 0.09 ms a look).
_EVERY_LISTED_ITEM = f"((SELECT every FROM listed_ids) OR {_LISTED_ITEM})"  # noqa: S608 - constant SQL
# Newest first (decisions, payments; conditions and letters rank alike, so newest case first), and the
# requests' soonest deadline first: the orders of the indexes CaseItem.Meta declares.
_NEWEST = "i.rank_at DESC, i.case_created_at DESC, i.case_id, i.position"
_SOONEST = "i.rank_at, i.case_created_at DESC, i.case_id, i.position"


def _item_branch(name: str, kind: str, columns: list[str], order: str) -> str:
    """A panel of the listed cases' items of `kind`: its `columns` (text, of `i`), its first PANEL_ROWS in
    `order`, each with its case (whose application the statement's end joins once for every panel's rows). Each
    panel joined the listed cases itself, hashing all 200 of them and sorting its 20 rows again: six hash tables
    a look where one does."""
    padding = ", NULL::text" * (_PANEL_COLUMNS - len(columns))
    return (
        f"(SELECT '{name}'::text, i.case_id, row_number() OVER (ORDER BY {order}), "  # noqa: S608 - this module's constant SQL; values are parameters
        f'{", ".join(columns)}{padding} FROM (SELECT * FROM "{_ITEMS}" i WHERE i.owner_id = {_OWNER} AND '
        f"i.kind = '{kind}' AND {_EVERY_LISTED_ITEM} ORDER BY {order} LIMIT {PANEL_ROWS}) i)"
    )


def _text(column: str) -> str:
    return f"to_json({column}) #>> '{{}}'"


_PANEL_SQL: dict[tuple[str, _Shape], str] = {}


def _panel_sql(ids_sql: str, shape: _Shape) -> str:
    """The statement of a look of this shape at the cases `ids_sql` selects: written once per process."""
    key = (ids_sql, shape)
    sql = _PANEL_SQL.get(key)
    if sql is None:
        sql = _PANEL_SQL[key] = _write_panel_sql(ids_sql, shape)
    return sql


def _write_panel_sql(ids_sql: str, shape: _Shape) -> str:
    application = Application._meta.db_table
    municipality, office = Municipality._meta.db_table, NavOffice._meta.db_table
    kind = CaseItem.Kind
    branches = [
        # The cases themselves, newest first, each with its municipality's name and its office's by the office
        # register (looked up for the rows shown only, by index: a join let the planner hash both tables whole).
        "(SELECT 'cases'::text, t.id, row_number() OVER (ORDER BY t.created_at DESC, t.id), "  # noqa: S608 - this module's constant SQL; values are parameters
        f"t.id::text, to_json(t.created_at) #>> '{{}}', (SELECT name FROM \"{municipality}\" WHERE kommunenummer = "
        f't.kommunenummer), coalesce((SELECT name FROM "{office}" WHERE enhetsnummer = t.office), t.office), '
        "t.status, t.open_tasks::text, to_json(t.next_deadline) #>> '{}', t.decisions::text FROM (SELECT l.id, "
        "l.created_at, l.application_id, l.kommunenummer, coalesce(nullif(s.office, ''), nullif(l.office_id, ''), "
        "'') AS office, s.status, s.open_tasks, s.next_deadline, s.decisions FROM (SELECT * FROM listed ORDER BY "
        f'created_at DESC, id LIMIT {PANEL_ROWS}) l LEFT JOIN "{CaseState._meta.db_table}" s ON s.case_id = l.id) t)',
        _item_branch("decisions", kind.DECISION, ["i.title", "i.status", _text("i.at")], _NEWEST),
        _item_branch("requests", kind.REQUEST, ["i.title", _text("i.at")], _SOONEST),
    ]
    counted = [kind.DECISION, kind.REQUEST]
    if not shape.nks:
        branches.append(_item_branch("conditions", kind.CONDITION, ["i.title", "i.status"], _NEWEST))
        counted.append(kind.CONDITION)
    if shape.payments and shape.nks:
        branches.append(
            _item_branch(
                "payments",
                kind.PAYMENT,
                # The account is stored "" when someone else is paid (case_items.item_values).
                [
                    "i.day::text",
                    "i.amount::text",
                    "i.status",
                    "i.title",
                    "i.recipient",
                    "NULL::text",
                    "i.account",
                ],
                _NEWEST,
            )
        )
        counted.append(kind.PAYMENT)
    if shape.documents:
        # The attachments' names: the listed cases' items of kind FILE (written with their deliveries' files),
        # newest delivery first, each delivery's in its files' order. They were the cases' deliveries and their
        # files joined to `listed` on every look: 200 probes of each index, planned on a guess of how many cases
        # are listed that depends on everyone else's cases (docs/performance.md, sessions 14 and 15).
        branches.append(_item_branch("files", kind.FILE, ["i.title"], _NEWEST))
        counted.append(kind.FILE)
        if not shape.nks:  # the case system's letters by title: the office may see them, NKS only attachments
            branches.append(_item_branch("letters", kind.LETTER, ["i.title"], _NEWEST))
            counted.append(kind.LETTER)
    # Each panel's full length (_COUNTED's order), counted from the panels' index over the person's items.
    lengths = ", ".join(
        f"count(*) FILTER (WHERE kind = '{name}')::text" if name in counted else "'0'"
        for name in (kind.DECISION, kind.REQUEST, kind.CONDITION, kind.PAYMENT, kind.LETTER, kind.FILE)
    )
    kinds = ", ".join(f"'{name}'" for name in counted)
    branches.append(
        f"(SELECT 'totals'::text, NULL::uuid, 0::bigint, (SELECT count(*) FROM listed)::text, {lengths}, "  # noqa: S608 - this module's constant SQL; values are parameters
        f'NULL::text FROM "{_ITEMS}" i WHERE i.owner_id = {_OWNER} AND i.kind IN ({kinds}) AND '
        f"{_EVERY_LISTED_CASE})"
    )
    if shape.payments:
        # The assistance paid per month (each case's sums, CaseItem kind "month"), added up over the cases.
        branches.append(
            "(SELECT 'months'::text, NULL::uuid, 0::bigint, to_char(i.day, 'YYYY-MM'), sum(i.amount)::text"  # noqa: S608 - this module's constant SQL; values are parameters
            f'{", NULL::text" * (_PANEL_COLUMNS - 2)} FROM "{_ITEMS}" i WHERE i.owner_id = {_OWNER} AND '
            f"i.kind = '{kind.MONTH}' AND i.rank_at >= %s AND {_EVERY_LISTED_CASE} GROUP BY i.day)"
        )
    columns = [f"c{number}" for number in range(1, _PANEL_COLUMNS + 1)]
    return (
        # The cases the look may see, their own columns only: the read model's row is read for the PANEL_ROWS
        # cases shown, and their lists from their items.
        "WITH listed AS MATERIALIZED (SELECT id, created_at, application_id, municipality_id AS kommunenummer, "  # noqa: S608 - this module's constant SQL; values are parameters
        f"office_id, owner_id FROM ({ids_sql}) selected), listed_ids AS MATERIALIZED (SELECT ARRAY(SELECT id "
        f'FROM listed) AS ids, (SELECT count(*) FROM listed) = (SELECT count(*) FROM "{Case._meta.db_table}" c '
        f"WHERE c.owner_id = {_OWNER}) AS every) SELECT p.panel, p.place, {', '.join(columns)}, a.reference "
        # The application's reference alone says the row's title (NULL: no application, a paper case): its key is
        # not sent (a UUID made per row, and hashed per row to find its title).
        "FROM (SELECT p.panel, "
        f"l.application_id, p.place, {', '.join(columns)} FROM ({' UNION ALL '.join(branches)}) p(panel, "
        # Each row's case's application (its reference is the row's title), for every panel's rows at once: the
        # listed cases hashed once, then the applications of the rows only (OFFSET 0 keeps the planner from
        # joining the applications of all the listed cases first).
        f"case_id, place, {', '.join(columns)}) LEFT JOIN listed l ON l.id = p.case_id OFFSET 0) p LEFT JOIN "
        f'"{application}" a ON a.id = p.application_id'
    )


def _run_panels(
    shape: _Shape, ids: tuple[str, list[Any]], months_from: date | None
) -> tuple[dict[str, list[tuple[str, tuple]]], dict[str, int], dict[date, float]]:
    """Runs a look's statement: each panel's rows as (the case's title, its columns) in order, each panel's full
    length, and the months' sums."""
    ids_sql, ids_params = ids
    # The months from the first of `months_from`, as CaseItem.rank_at has them (midnight UTC).
    since = datetime.combine(months_from, time.min, UTC) if months_from is not None else None
    params = [*ids_params, *([since] if since is not None else [])]
    with connection.cursor() as cursor:
        cursor.execute(_panel_sql(ids_sql, shape), params)
        rows = cursor.fetchall()
    paper, numbered = _title_texts(get_language())
    # Each application's title made once a look, not once per row: the ~125 rows shown come from 20–40 cases. By
    # the reference (a text, its hash kept by the string), NULL for a case without an application.
    titles: dict[str | None, str] = {None: paper}
    found: dict[str, list[tuple[str, tuple]]] = {name: [] for name in _COUNTED}
    totals: dict[str, int] = {}
    sums: dict[date, float] = {}
    # Sorted by a C key (panel, place) and each row's columns sliced, not unpacked into a list and made a tuple.
    rows.sort(key=_PANEL_PLACE)
    for row in rows:
        name = row[0]
        if name == "months":
            sums[date.fromisoformat(f"{row[2]}-01")] = float(row[3])
        elif name == "totals":
            totals = {
                counted: int(value or 0) for counted, value in zip(_COUNTED, row[2:_REFERENCE], strict=False)
            }
        else:
            reference = row[_REFERENCE]
            case_title = titles.get(reference)
            if case_title is None:
                case_title = titles[reference] = numbered % {"reference": reference}
            found[name].append((case_title, row[2:_REFERENCE]))
    return found, totals, sums


# A row of the statement: panel, place, the _PANEL_COLUMNS columns, the application's reference.
_PANEL_PLACE = itemgetter(0, 1)
_REFERENCE = 2 + _PANEL_COLUMNS


def _row(
    row: dict, titles: dict, names: dict[str, str], labels: "_Labels", ours: Callable[[str | None], str]
) -> CaseRow:
    office = _office_id(row)
    return CaseRow(
        case_id=str(row["id"]),
        title=titles[row["id"]],
        sent_at=row["created_at"],
        municipality=row["municipality__name"],
        office=names.get(office, office),
        status=_status(row["state__status"] or SENDT, labels.statuses),
        open_tasks=row["state__open_tasks"] or 0,
        next_deadline=row["state__next_deadline"],
        decisions=_decision_texts(row["state__decisions"] or (), labels, ours),
    )


def _decisions(
    listed: list[dict], titles: dict, labels: "_Labels", ours: Callable[[str | None], str]
) -> list[DecisionRow]:
    rows = [
        DecisionRow(
            titles[row["id"]],
            ours(decision.get("title")),
            labels.outcomes.get(decision.get("outcome") or "", labels.unknown_outcome),
            _instant(decision.get("at")),
        )
        for row in listed
        for decision in row["state__decisions"] or ()
    ]
    return sorted(rows, key=lambda row: row.at or datetime.min.replace(tzinfo=UTC), reverse=True)


class _Labels(NamedTuple):
    """The statuses and outcomes in words in one language (soker/labels.py's): `outcomes` the decisions' (an
    outcome not among them, or none, is `unknown_outcome`), `statuses` every status and outcome of the format."""

    outcomes: dict[str, str]
    unknown_outcome: str
    statuses: dict[str, str]


@cache
def _label_texts(language: str | None) -> _Labels:
    """The decisions' outcomes (and the text of an unknown one) and the statuses in words in `language` (the
    active one), translated once per language in a process, not at each look (a catalogue walk each)."""
    statuses = status_texts(language)
    return _Labels({code: statuses[code] for code in Utfall}, str(_("Ikke oppgitt")), statuses)


def _decision_texts(
    decisions: Iterable[dict], labels: _Labels, ours: Callable[[str | None], str]
) -> list[tuple[str, str]]:
    """A case's decisions (CaseState.decisions) as its row shows them: each one's sak title and outcome in words."""
    return [
        (
            ours(decision.get("title")),
            labels.outcomes.get(decision.get("outcome") or "", labels.unknown_outcome),
        )
        for decision in decisions
    ]


def _requests(listed: list[dict], titles: dict, ours: Callable[[str | None], str]) -> list[RequestRow]:
    """The documents the caseworker asked for and not yet received, soonest deadline first."""
    rows = [
        RequestRow(titles[row["id"]], ours(task.get("document_type")), _instant(task.get("deadline")))
        for row in listed
        for task in row["view_tasks"] or ()
        if task.get("from_caseworker")
    ]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda row: row.deadline or far)


def _conditions(listed: list[dict], titles: dict, statuses: dict[str, str]) -> list[ConditionRow]:
    return [
        ConditionRow(
            titles[row["id"]], condition.get("title") or "", _status(condition.get("status"), statuses)
        )
        for row in listed
        for condition in row["view_conditions"] or ()
    ]


def _months(payments: list[tuple[str, dict]], now: datetime) -> list[MonthRow]:
    """Assistance paid per month for the last TIMELINE_MONTHS months, oldest first, every month listed (a month
    without payments is 0, so the pattern shows)."""
    first = _month_start(timezone.localdate(now), -(TIMELINE_MONTHS - 1))
    sums: dict[date, float] = {}
    for _title, payment in payments:
        if payment.get("status") != UtbetalingStatus.UTBETALT:
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


def _payment_rows(payments: list[tuple[str, dict]], statuses: dict[str, str]) -> list[PaymentRow]:
    rows = [
        PaymentRow(
            case_title=title,
            day=_day(payment.get("paid_date")) or _day(payment.get("due_date")),
            amount=float(payment.get("amount") or 0),
            status=_status(payment.get("status"), statuses),
            description=str(payment.get("description") or ""),
            recipient=str(payment.get("recipient") or ""),
            # No account number when another is paid, even if the case system sent one.
            account="" if payment.get("other_recipient") else str(payment.get("account") or ""),
        )
        for title, payment in payments
    ]
    return sorted(rows, key=lambda row: row.day or date.min, reverse=True)


def _status(status: Any, statuses: dict[str, str]) -> str:
    """A status in words (`statuses`: _Labels.statuses), an unknown one as it was written, none as ""."""
    return statuses.get(status, str(status)) if status else ""


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

"""The access policy: may this employee, for this purpose, see this person's data of this kind?

One function, `decide`, answers for every employee view. It fails closed: any missing fact, unknown role,
unknown purpose, register error or absent relation is a DENY with its reason, and only a request that passes
every check is a PERMIT. `decide` writes nothing; followup.services.check_access calls it and writes the
answer to the audit (database and CEF), whatever it is. docs/privacy.md explains each rule and its law.

The checks, in order (the first that fails is the reason):

1. a purpose is given, and it is one this role may use (NKS: only "the citizen is on the phone");
2. the role may see this kind of data (NKS: the narrow Modia slice only; the state registers: NAV office
   staff only, NAV-loven § 16);
3. the person has an active case with the employee's municipality or NAV office (NKS: a case within 15 months
   in a municipality whose NKS agreement is on) — checked before the registers are asked, so a person with
   no relation to the employee is not looked up in any register at all;
4. address protection (Folkeregisteret): fortrolig and strengt fortrolig (kode 7 and 6) are denied, and so is
   a person the register does not know — unless the employee (NAV office staff or a municipal caseworker, never
   NKS) is specially authorised for that level (models.ProtectedAccessGrant, read at every look): then the look
   is permitted with the reason PERMITTED_FORTROLIG or PERMITTED_STRENGT_FORTROLIG, so the audit shows the
   authorisation was used. A fortrolig grant does not open strengt fortrolig, nor the other way round;
5. skjerming: a NAV employee's own data is denied (a grant for address protection does not lift it).

An error from either register (RegisterUnavailable or anything else) denies, as Modia does.

The person lookup reads check 3's answer with the employee's groups, in one statement (`employee_and_relation`),
before its form is validated; `decide` still applies it third, and only for the same person and window.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.accounts.models import User
from digisos.core.prepared import PreparedValues
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case
from digisos.registers.protection import protection_of

from .models import NksAgreement, ProtectedAccessGrant

NAV_OFFICE_ROLE = "veileder"
NKS_ROLE = "nks"
# A case counts as a relation for this long after it was last updated; 15 months is the window Modia shows NKS.
RELATION_WINDOW = timedelta(days=457)


class Purpose(TextChoices):
    CASEWORK = "casework", _("Oppfølging av personens sak")
    PHONE_CALL = "phone_call", _("Innbyggeren er i telefonen")


class DataKind(TextChoices):
    CASES = "cases", _("Søknader, saker og vedtak")
    PAYMENTS = "payments", _("Utbetalinger av sosialhjelp")
    DOCUMENTS = "documents", _("Dokumenter")
    ATTACHMENT_NAMES = "attachment_names", _("Navn på vedlegg")
    STATE_REGISTERS = "state_registers", _("Opplysninger fra statlige registre")


class Reason(TextChoices):
    PERMITTED = "permitted", _("Tilgang gitt")
    PERMITTED_FORTROLIG = "permitted_fortrolig", _("Tilgang gitt med særskilt tilgang til fortrolig adresse")
    PERMITTED_STRENGT_FORTROLIG = (
        "permitted_strengt_fortrolig",
        _("Tilgang gitt med særskilt tilgang til strengt fortrolig adresse"),
    )
    NO_PURPOSE = "no_purpose", _("Formål mangler")
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed", _("Formålet gjelder ikke denne rollen")
    NOT_AN_EMPLOYEE = "not_an_employee", _("Ikke en ansatt med rolle for oppslag")
    KIND_NOT_ALLOWED = "kind_not_allowed", _("Rollen kan ikke se denne typen opplysninger")
    NO_RELATION = "no_relation", _("Personen har ingen aktiv sak hos kontoret eller kommunen")
    NKS_AGREEMENT_OFF = "nks_agreement_off", _("Kommunen har ikke avtale om NKS-tilgang")
    PERSON_NOT_FOUND = "person_not_found", _("Personen finnes ikke i Folkeregisteret")
    FORTROLIG = "fortrolig", _("Personen har fortrolig adresse")
    STRENGT_FORTROLIG = "strengt_fortrolig", _("Personen har strengt fortrolig adresse")
    SKJERMET = "skjermet", _("Personen er skjermet (ansatt i Nav)")
    REGISTER_UNAVAILABLE = "register_unavailable", _("Tilgangskontrollen fikk ikke svar fra registrene")


# What each role may see, for which purpose, on which flow (digisos.core.dataflows).
ROLE_FLOWS = {
    NAV_OFFICE_ROLE: "employee.nav_office",
    MUNICIPAL_CASEWORKER_ROLE: "employee.nav_office",
    NKS_ROLE: "employee.nks",
}
ROLE_PURPOSES = {
    NAV_OFFICE_ROLE: {Purpose.CASEWORK},
    MUNICIPAL_CASEWORKER_ROLE: {Purpose.CASEWORK},
    NKS_ROLE: {Purpose.PHONE_CALL},
}
ROLE_KINDS = {
    NAV_OFFICE_ROLE: set(DataKind),
    # The state registers rest on NAV-loven § 16, sharing inside one NAV office (dataflows'
    # "employee.state_registers"): a municipal caseworker, whose relation is to the municipality and not to an
    # office, does not get them.
    MUNICIPAL_CASEWORKER_ROLE: set(DataKind) - {DataKind.STATE_REGISTERS},
    # Modia's slice: cases, payments and attachment names, never files or state registers.
    NKS_ROLE: {DataKind.CASES, DataKind.PAYMENTS, DataKind.ATTACHMENT_NAMES},
}
# The roles a special authorisation for address protection (ProtectedAccessGrant) applies to. Not NKS: Modia
# denies every graded person whatever the agent's groups (sosialhjelp-modia-api's TilgangskontrollService,
# shared/domain/nav-innsyn-fiks.md §4), and the phone service has no need to see them.
CLEARABLE_ROLES = {NAV_OFFICE_ROLE, MUNICIPAL_CASEWORKER_ROLE}
PERMITTING_REASONS = {Reason.PERMITTED, Reason.PERMITTED_FORTROLIG, Reason.PERMITTED_STRENGT_FORTROLIG}
# A kind of data with a flow of its own, whoever sees it (the role's flow otherwise).
KIND_FLOWS = {DataKind.STATE_REGISTERS: "employee.state_registers"}
ROLES = tuple(ROLE_FLOWS)


@dataclass(frozen=True)
class Employee:
    """Who asks: built from the logged-in user by `employee_of`."""

    ident: str  # NAV-ident or username: never a fødselsnummer
    role: str | None
    kommunenummer: str | None = None
    enhetsnummer: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Decision:
    permitted: bool
    reason: Reason
    flow: str = ""  # the flow the look is on, when the role has one

    @property
    def outcome(self) -> str:
        return "PERMIT" if self.permitted else "DENY"


def kinds_for(role: str | None, kinds: tuple[str, ...]) -> list[str]:
    """Of the kinds a view can show, those this role may ever be shown (ROLE_KINDS), in the view's order: a view
    asks `decide` only for these, so the audit is not filled with a refusal of the state registers at every
    municipal caseworker's look. `decide` still checks each kind; an unknown role gets every kind, and is denied."""
    allowed = ROLE_KINDS.get(role or "")
    return [kind for kind in kinds if allowed is None or kind in allowed]


def employee_of(user: User, *, enhetsnummer: str | None = None) -> Employee:
    """The employee's one access role (the first of ROLES they hold) and unit (their NAV office from the
    employee login, unless given). A user with none of the roles, or who is not an employee, gets role None,
    which every check denies."""
    role = None
    if user.is_authenticated and user.kind == User.Kind.EMPLOYEE:
        held = {row["name"] for row in _GROUP_NAMES.rows(user.pk)}
        role = _role(held)
    return _employee(user, role, enhetsnummer)


def _role(held: set[str] | list[str]) -> str | None:
    return next((name for name in ROLES if name in held), None)


def _employee(user: User, role: str | None, enhetsnummer: str | None = None) -> Employee:
    return Employee(
        ident=user.get_username(),
        role=role,
        kommunenummer=user.municipality_id,
        enhetsnummer=enhetsnummer or getattr(user, "nav_office_id", None),
        user_id=user.pk,
    )


@dataclass(frozen=True)
class KnownRelation:
    """What `_relation` answers for this person and window, read before `decide` asked for it (with the employee's
    groups, `employee_and_relation`). `decide` uses it only for the same person and the same window."""

    pid: str
    since: datetime
    reason: Reason


def employee_and_relation(user: User, *, pid: str, since: datetime) -> tuple[Employee, KnownRelation | None]:
    """`employee_of`, and in the same statement the relation check `decide` makes for a municipal caseworker or
    NAV office staff (a case of the person's at their municipality or office, updated since `since`): one round
    trip where the groups and the relation were two, each about 0.1 ms of the process's CPU and as much of
    PostgreSQL's (docs/performance.md, session 16). The relation is read for each of those roles the user holds,
    by that role's unit; `decide` still asks it only after the purpose's and the kind's checks, and never shows
    or writes it otherwise. None for NKS (its relation is two lookups of its own) and for every other user."""
    if not (user.is_authenticated and user.kind == User.Kind.EMPLOYEE) or connection.vendor != "postgresql":
        return employee_of(user), None
    employee = _employee(user, None)
    sql, params = _groups_and_relation(user.pk, pid, since, employee.kommunenummer, employee.enhetsnummer)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names, municipality_case, office_case = cursor.fetchone()
    role = _role(names)
    employee = replace(employee, role=role)
    if role == MUNICIPAL_CASEWORKER_ROLE:
        found = bool(employee.kommunenummer and municipality_case)
    elif role == NAV_OFFICE_ROLE:
        found = bool(employee.enhetsnummer and office_case)
    else:
        return employee, None
    return employee, KnownRelation(pid, since, Reason.PERMITTED if found else Reason.NO_RELATION)


# The groups' statement with the relation of each role that has one by SQL (_MUNICIPALITY_CASE, _OFFICE_CASE),
# written once per process for each set of compiled parts (PreparedValues.sql gives the same text each call).
_GROUPS_AND_RELATION: dict[tuple[str, str, str], str] = {}


def _groups_and_relation(
    user_id: int, pid: str, since: datetime, kommunenummer: str | None, enhetsnummer: str | None
) -> tuple[str, list]:
    groups_sql, groups_params = _GROUP_NAMES.sql(user_id)
    municipality_sql, municipality_params = _MUNICIPALITY_CASE.sql(pid, since, kommunenummer or "")
    office_sql, office_params = _OFFICE_CASE.sql(pid, since, enhetsnummer or "", enhetsnummer or "")
    key = (groups_sql, municipality_sql, office_sql)
    sql = _GROUPS_AND_RELATION.get(key)
    if sql is None:
        # Each role's case looked for only when the user holds the role and has its unit (CASE evaluates its
        # condition first): a municipal caseworker's look probes the person's cases once, by municipality.
        sql = _GROUPS_AND_RELATION[key] = (
            f"SELECT held.names, CASE WHEN %s AND '{MUNICIPAL_CASEWORKER_ROLE}' = ANY(held.names) THEN "  # noqa: S608 - constant SQL of compiled querysets; values are parameters
            f"EXISTS({municipality_sql}) END, CASE WHEN %s AND '{NAV_OFFICE_ROLE}' = ANY(held.names) THEN "
            f"EXISTS({office_sql}) END FROM (SELECT ARRAY({groups_sql}) AS names OFFSET 0) held"  # OFFSET 0: the groups read once, not once per use
        )
    params = [
        bool(kommunenummer),
        *municipality_params,
        bool(enhetsnummer),
        *office_params,
        *groups_params,
    ]
    return sql, params


def decide(
    employee: Employee,
    *,
    pid: str,
    purpose: str | None,
    kind: str,
    now: datetime | None = None,
    known: KnownRelation | None = None,
) -> Decision:
    """PERMIT only when every check passes; otherwise DENY with the first reason (module docstring). `known`: the
    relation already read for this person (employee_and_relation), used in its place in the order."""
    now = now or timezone.now()
    flow = _flow(employee, kind)
    if not purpose:
        return Decision(False, Reason.NO_PURPOSE, flow)
    if employee.role not in ROLE_FLOWS:
        return Decision(False, Reason.NOT_AN_EMPLOYEE, flow)
    if purpose not in ROLE_PURPOSES[employee.role]:
        return Decision(False, Reason.PURPOSE_NOT_ALLOWED, flow)
    if kind not in ROLE_KINDS[employee.role]:
        return Decision(False, Reason.KIND_NOT_ALLOWED, flow)
    if known is not None and known.pid == pid and known.since == now - RELATION_WINDOW:
        relation = known.reason
    else:
        relation = _relation(employee, pid, now)
    if relation is not Reason.PERMITTED:
        return Decision(False, relation, flow)
    protection = _protection(employee, pid)
    if protection not in PERMITTING_REASONS:
        return Decision(False, protection, flow)
    return Decision(True, protection, flow)


def _flow(employee: Employee, kind: str) -> str:
    return KIND_FLOWS.get(kind, ROLE_FLOWS.get(employee.role or "", ""))  # type: ignore[call-overload]


def _relation(employee: Employee, pid: str, now: datetime) -> Reason:
    if employee.role == NKS_ROLE:
        cases = Case.objects.filter(owner__pid=pid, updated_at__gte=now - RELATION_WINDOW)
        municipalities = set(cases.values_list("municipality_id", flat=True))
        if not municipalities:
            return Reason.NO_RELATION
        agreed = NksAgreement.objects.filter(municipality_id__in=municipalities, active=True)
        return Reason.PERMITTED if agreed.exists() else Reason.NKS_AGREEMENT_OFF
    # The others by SQL compiled once per process (no queryset built on every look).
    since = now - RELATION_WINDOW
    if employee.role == MUNICIPAL_CASEWORKER_ROLE:
        if employee.kommunenummer and _MUNICIPALITY_CASE.rows(pid, since, employee.kommunenummer):
            return Reason.PERMITTED
        return Reason.NO_RELATION
    # NAV office staff: a case at their office, by the case's office or the one the case system reported.
    if employee.enhetsnummer and _OFFICE_CASE.rows(pid, since, employee.enhetsnummer, employee.enhetsnummer):
        return Reason.PERMITTED
    return Reason.NO_RELATION


# The user's groups' names, compiled to SQL once per process (core/prepared.py).
_GROUP_NAMES = PreparedValues(lambda user_id: Group.objects.filter(user=user_id).values("name"), -7_654_321)


# A case of the person's, updated within the window, at the employee's municipality or office: compiled to SQL
# once per process (core/prepared.py), not on every look (building and compiling it was most of `decide`).
_SAMPLE_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
_MUNICIPALITY_CASE = PreparedValues(
    lambda pid, since, kommunenummer: Case.objects.filter(
        owner__pid=pid, updated_at__gte=since, municipality_id=kommunenummer
    ).values("id")[:1],
    "sample-pid",
    _SAMPLE_SINCE,
    "sample-kommune",
)
_OFFICE_CASE = PreparedValues(
    lambda pid, since, office, reported_office: Case.objects.filter(
        Q(office_id=office) | Q(state__office=reported_office), owner__pid=pid, updated_at__gte=since
    ).values("id")[:1],
    "sample-pid",
    _SAMPLE_SINCE,
    "sample-office",
    "sample-reported-office",
)


def _protection(employee: Employee, pid: str) -> Reason:
    # The rule every employee view shares (registers/protection.py, where the inbox reaches it too); the grants
    # are read only for a protected person, and only for a role they apply to.
    cleared = None
    if employee.role in CLEARABLE_ROLES and employee.user_id is not None:
        cleared = lambda level: has_protected_access(employee.user_id, level)  # noqa: E731
    return Reason(protection_of(pid, cleared=cleared).value)


def has_protected_access(user_id: int | None, level: str) -> bool:
    """Whether the employee holds a grant in force for this level now (one indexed query)."""
    if user_id is None:
        return False
    return ProtectedAccessGrant.objects.filter(
        user_id=user_id, level=level, withdrawn_at__isnull=True
    ).exists()


def decide_kinds(
    employee: Employee,
    *,
    pid: str,
    purpose: str | None,
    kinds: list[str],
    now: datetime | None = None,
    known: KnownRelation | None = None,
) -> dict[str, Decision]:
    """`decide` for each kind of data a view would show, asking the relation and the registers once: past the
    kind check every rule is the same for every kind, so the first full answer holds for the rest."""
    now = now or timezone.now()
    answers: dict[str, Decision] = {}
    full: Decision | None = None
    for kind in kinds:
        if full is not None and kind in ROLE_KINDS.get(employee.role or "", ()):
            answers[kind] = replace(full, flow=_flow(employee, kind))
            continue
        answer = decide(employee, pid=pid, purpose=purpose, kind=kind, now=now, known=known)
        if answer.reason is not Reason.KIND_NOT_ALLOWED:
            full = answer
        answers[kind] = answer
    return answers

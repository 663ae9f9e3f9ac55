"""Reads: who holds which role for a municipality, and where its onboarding stands."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F
from django.utils import timezone

from digisos.municipalities.models import Municipality, ServiceConfiguration
from digisos.registers.ports import DIGISOS_AGREEMENT_RIGHT, RegisterUnavailable
from digisos.registers.registry import altinn

from .agreements import KINDS
from .models import Agreement, Baseline, Onboarding, Role, RoleAssignment, Stage
from .path import CHECKLISTS, STAGE_OWNERS, Item
from .signing import Verification, signer


class RightsUnavailable(Exception):
    """Altinn did not answer, so we cannot tell whether the person may act for the municipality."""


def is_operator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and getattr(user, "kind", "") == "employee" and "operator" in user.role_names()  # type: ignore[attr-defined]
    )


def signs_for(user: AbstractBaseUser | AnonymousUser, organisation_number: str) -> bool:
    """True if Altinn says the person may sign DigiSos agreements for the organisation (the kommunedirektør)."""
    pid = getattr(user, "pid", None)
    if not (user.is_authenticated and pid):
        return False
    try:
        rights = altinn().get_authorisations(pid)
    except RegisterUnavailable:
        raise RightsUnavailable from None
    return any(r.orgnr == organisation_number and r.right == DIGISOS_AGREEMENT_RIGHT for r in rights)


def municipalities_signed_for(user: AbstractBaseUser | AnonymousUser) -> list[tuple[str, str, str]]:
    """(kommunenummer, organisation number, name) of each municipality the person may sign for."""
    pid = getattr(user, "pid", None)
    if not (user.is_authenticated and pid):
        return []
    try:
        rights = altinn().get_authorisations(pid)
    except RegisterUnavailable:
        raise RightsUnavailable from None
    return sorted(
        {
            (r.kommunenummer, r.orgnr, r.organisation_name)
            for r in rights
            if r.right == DIGISOS_AGREEMENT_RIGHT and r.organisation_form == "KOMM" and r.kommunenummer
        }
    )


def roles_of(user: AbstractBaseUser | AnonymousUser, onboarding: Onboarding) -> set[str]:
    """Every role the person holds for this municipality: invited ones, Altinn's signing right, operator."""
    if not user.is_authenticated:
        return set()
    # A stored kommunedirektør row is a contact address only: the right itself is Altinn's, asked each time.
    roles = set(
        RoleAssignment.objects.filter(onboarding=onboarding, user=user, ended_at__isnull=True)
        .exclude(role=Role.KOMMUNEDIREKTOR)
        .values_list("role", flat=True)
    )
    if is_operator(user):
        roles.add(Role.OPERATOR)
    if signs_for(user, onboarding.organisation_number):
        roles.add(Role.KOMMUNEDIREKTOR)
    return roles


def holders(onboarding: Onboarding, role: str) -> list[RoleAssignment]:
    return list(onboarding.assignments.filter(role=role, ended_at__isnull=True).order_by("assigned_at"))


@dataclass(frozen=True)
class ChecklistLine:
    item: Item
    done: bool
    done_at: datetime | None


def emails(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def configuration_complete(configuration: ServiceConfiguration | None) -> bool:
    """KS's wizard asks for a channel (and its account) and at least one e-mail each for the two contacts."""
    if configuration is None or not configuration.channel:
        return False
    if configuration.channel == "fiks_io" and not configuration.fiks_io_account_id:
        return False
    if configuration.channel == "svarut" and not configuration.svarut_organisation_number:
        return False
    return bool(emails(configuration.fagansvarlig_emails) and emails(configuration.teknisk_ansvarlig_emails))


def case_system_connected(onboarding: Onboarding) -> bool:
    """The exchange knows how the municipality receives: its case system (with an active client) or the inbox."""
    from digisos.exchange.models import ApiClient, Receiver

    receiver = Receiver.objects.filter(municipality_id=onboarding.municipality_id).first()
    if receiver is None:
        return False
    if receiver.channel == Receiver.Channel.INBOX:
        return True
    return ApiClient.objects.filter(municipality_id=onboarding.municipality_id, active=True).exists()


def configuration_of(onboarding: Onboarding) -> ServiceConfiguration | None:
    return ServiceConfiguration.objects.filter(municipality_id=onboarding.municipality_id).first()


def automatic_done(onboarding: Onboarding, key: str) -> bool:
    held = set(onboarding.assignments.filter(ended_at__isnull=True).values_list("role", flat=True).distinct())
    facts = {
        "administrator_named": Role.LOCAL_ADMINISTRATOR in held,
        "contacts_named": {Role.FAGANSVARLIG, Role.TEKNISK_ANSVARLIG} <= held,
        "vendor_named": Role.VENDOR in held,
        "go_live_date_booked": onboarding.go_live_date is not None,
        "go_live_approved": onboarding.go_live_approved_at is not None,
    }
    if key in KINDS:
        return onboarding.agreements.filter(kind=key, signed_pdf__isnull=False).exists()
    if key == "case_system_connected":
        return case_system_connected(onboarding)
    if key == "configuration_complete":
        return configuration_complete(configuration_of(onboarding))
    if key in TEST_EVIDENCE:
        return key in integration_seen(onboarding)
    if key == "baseline_recorded":
        return Baseline.objects.filter(onboarding=onboarding).exists()
    return facts[key]


TEST_EVIDENCE = (
    "test_collected",
    "test_status_reported",
    "test_letter_posted",
    "test_ettersendelse_collected",
)


def integration_seen(onboarding: Onboarding) -> set[str]:
    """The integration tests the exchange has seen happen for this municipality since integration began: an
    application collected and acknowledged, a status beyond SENDT reported (MOTTATT or later), a letter posted,
    an ettersendelse collected. They tick themselves and only so. In test mode only synthetic test persons can
    send to the municipality, so what is seen here comes from test applications ("send a test application")."""
    from digisos.exchange.models import Case, CaseState, Delivery

    if onboarding.stage != Stage.INTEGRATION:
        return set()
    since = onboarding.stage_entered_at
    # Digital applications only: in test mode only synthetic test persons can send one, whereas a paper case
    # (the case system's own POST /saker) could be anyone's and proves nothing about the test application.
    cases = Case.objects.filter(
        municipality_id=onboarding.municipality_id, created_at__gte=since, application__isnull=False
    )
    collected = Delivery.objects.filter(
        municipality_id=onboarding.municipality_id, created_at__gte=since, status=Delivery.Status.COLLECTED
    )
    facts = {
        "test_collected": collected.filter(kind=Delivery.Kind.SOKNAD).exists(),
        "test_status_reported": CaseState.objects.filter(case__in=cases).exclude(status="SENDT").exists(),
        "test_letter_posted": cases.filter(letters__documents__isnull=False).exists(),
        "test_ettersendelse_collected": collected.filter(kind=Delivery.Kind.ETTERSENDELSE).exists(),
    }
    return {key for key, seen in facts.items() if seen}


def checklist(onboarding: Onboarding, stage: str | None = None) -> list[ChecklistLine]:
    """The stage's checklist (the current stage by default), each item done or not."""
    items = CHECKLISTS.get(stage or onboarding.stage, ())
    ticks = dict(onboarding.ticks.values_list("key", "done_at"))
    seen = integration_seen(onboarding) if any(i.key in TEST_EVIDENCE for i in items) else set()
    return [
        ChecklistLine(
            item=i,
            done=(i.key in seen)
            if i.key in TEST_EVIDENCE
            else automatic_done(onboarding, i.key)
            if i.automatic
            else i.key in ticks,
            done_at=None if i.automatic else ticks.get(i.key),
        )
        for i in items
    ]


def missing(onboarding: Onboarding) -> list[Item]:
    return [line.item for line in checklist(onboarding) if not line.done]


def stage_owner(onboarding: Onboarding) -> str | None:
    if onboarding.stage in (Stage.LIVE, Stage.CLOSED):
        return Role.KOMMUNEDIREKTOR
    return STAGE_OWNERS.get(onboarding.stage)


WAITING_STAGES = (Stage.DECISION, Stage.AGREEMENTS, Stage.CONFIGURATION, Stage.INTEGRATION, Stage.GO_LIVE)


def waiting_too_long(now: datetime, after: timedelta) -> list[int]:
    """Onboardings whose step has waited longer than `after` and whose owner is not yet reminded of it."""
    return list(
        Onboarding.objects.filter(stage__in=WAITING_STAGES, stage_entered_at__lte=now - after)
        .exclude(reminded_wait=F("stage_entered_at"))
        .values_list("pk", flat=True)
    )


def go_live_due(today: date) -> list[int]:
    """Onboardings approved to go live on or before `today` that have not yet."""
    return list(
        Onboarding.objects.filter(
            stage=Stage.GO_LIVE, go_live_approved_at__isnull=False, go_live_date__lte=today
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class AgreementStatus:
    kind: str
    label: str
    signed: bool
    signed_at: datetime | None
    signer_name: str
    # Verified again each time it is shown: None when unsigned.
    verification: Verification | None


def agreements(onboarding: Onboarding) -> list[AgreementStatus]:
    """Each agreement of the municipality, its signature verified as it is shown."""
    stored = {a.kind: a for a in Agreement.objects.filter(onboarding=onboarding)}
    result = []
    for kind, definition in KINDS.items():
        agreement = stored.get(kind)
        signed = agreement is not None and agreement.signed_pdf is not None
        result.append(
            AgreementStatus(
                kind=kind,
                label=str(definition.label),
                signed=signed,
                signed_at=agreement.signed_at if signed else None,
                signer_name=agreement.signer_name if signed else "",
                verification=signer().verify(bytes(agreement.signed_pdf)) if signed else None,
            )
        )
    return result


@dataclass(frozen=True)
class Batch:
    day: date
    municipalities: list[tuple[str, str, bool]]  # (kommunenummer, name, approved)

    @property
    def pending(self) -> int:
        return sum(1 for *_rest, approved in self.municipalities if not approved)


def planned_batches(today: date) -> list[Batch]:
    """The weekly go-live batches from today on: who asked for each day and whether it is approved."""
    rows = (
        Onboarding.objects.filter(stage=Stage.GO_LIVE, go_live_date__gte=today)
        .order_by("go_live_date", "municipality__name")
        .values_list("go_live_date", "municipality_id", "municipality__name", "go_live_approved_at")
    )
    batches: dict[date, list[tuple[str, str, bool]]] = {}
    for day, number, name, approved_at in rows:
        batches.setdefault(day, []).append((number, name, approved_at is not None))
    return [Batch(day=day, municipalities=items) for day, items in batches.items()]


@dataclass(frozen=True)
class Board:
    by_stage: list[tuple[str, str, int]]  # (stage, label, count)
    inhabitants_digital: int
    municipalities_digital: int
    onboardings: list[Onboarding]


def national_board() -> Board:
    """Every municipality's stage, and how many inhabitants can apply digitally today: the sum of the
    populations of the municipalities that take digital applications now (NAV reported 2.41 million after
    80 municipalities)."""
    from django.db.models import Count, Sum

    from digisos.municipalities.models import Municipality, accepts_applications_q

    counts = dict(Onboarding.objects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    digital = Municipality.objects.filter(accepts_applications_q("service"), active=True).aggregate(
        people=Sum("population"), municipalities=Count("pk")
    )
    return Board(
        by_stage=[(stage, str(label), counts.get(stage, 0)) for stage, label in Stage.choices],
        inhabitants_digital=digital["people"] or 0,
        municipalities_digital=digital["municipalities"] or 0,
        onboardings=list(
            Onboarding.objects.select_related("municipality").order_by("stage", "municipality__name")
        ),
    )


def stages_over_time(today: date, months: int = 12) -> list[tuple[date, dict[str, int]]]:
    """Municipalities per stage at the end of each of the last `months` months (the current month so far),
    rebuilt from the audit log's stage changes (every change writes its new stage in `after`)."""
    from digisos.core.models import AuditEntry

    history: dict[str, list[tuple[date, str]]] = {}
    entries = (
        AuditEntry.objects.filter(object_type="onboarding.Onboarding", after__has_key="stage")
        .order_by("at", "id")
        .values_list("object_id", "at", "after")
    )
    for object_id, at, after in entries:
        history.setdefault(object_id, []).append((timezone.localtime(at).date(), after["stage"]))
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        ends.append(today if not ends else date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    result = []
    for end in reversed(ends):
        counts: dict[str, int] = {}
        for changes in history.values():
            stage = next((s for day, s in reversed(changes) if day <= end), None)
            if stage:
                counts[stage] = counts.get(stage, 0) + 1
        result.append((end, counts))
    return result


def not_started_municipalities() -> list[tuple[str, str]]:
    """Active municipalities with no onboarding yet, as (kommunenummer, name), by name."""
    return list(
        Municipality.objects.filter(active=True, onboarding__isnull=True)
        .order_by("name")
        .values_list("kommunenummer", "name")
    )


def is_local_administrator(user: AbstractBaseUser | AnonymousUser, kommunenummer: str) -> bool:
    """Whether the person holds the local administrator role for the municipality now (the services other
    apps register in `service_registry` check it in their own writes)."""
    if not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(
        onboarding__municipality_id=kommunenummer,
        user=user,
        role=Role.LOCAL_ADMINISTRATOR,
        ended_at__isnull=True,
    ).exists()


LIVE_STAGES = (Stage.LIVE, Stage.CLOSED, Stage.LEFT)


@dataclass(frozen=True)
class BaselineFigures:
    """A municipality's baseline as insights reads it. Monthly figures are averages over the measured
    period; None: the municipality had no count of it (no comparison is shown for that figure)."""

    kommunenummer: str
    applications_per_month: int
    digital_share_percent: Decimal
    minutes_per_paper_application: Decimal
    office_visits_per_month: int | None
    phone_calls_per_month: int | None
    days_to_decision: Decimal | None
    measured_by: str
    method: str
    measured_from: date
    measured_to: date
    recorded_at: datetime
    # The day digital søknad was switched on; None while the municipality is not yet live.
    went_live_on: date | None

    @property
    def paper_applications_per_month(self) -> Decimal:
        """The applications that came on paper in an average month before go-live."""
        return Decimal(self.applications_per_month) * (100 - self.digital_share_percent) / 100


def baseline_for(kommunenummer: str) -> BaselineFigures | None:
    """The municipality's baseline (nullpunktsmåling), or None if it has recorded none."""
    baseline = (
        Baseline.objects.select_related("onboarding")
        .filter(onboarding__municipality_id=kommunenummer)
        .first()
    )
    if baseline is None:
        return None
    onboarding = baseline.onboarding
    return BaselineFigures(
        kommunenummer=kommunenummer,
        applications_per_month=baseline.applications_per_month,
        digital_share_percent=baseline.digital_share_percent,
        minutes_per_paper_application=baseline.minutes_per_paper_application,
        office_visits_per_month=baseline.office_visits_per_month,
        phone_calls_per_month=baseline.phone_calls_per_month,
        days_to_decision=baseline.days_to_decision,
        measured_by=baseline.measured_by,
        method=baseline.method,
        measured_from=baseline.measured_from,
        measured_to=baseline.measured_to,
        recorded_at=baseline.recorded_at,
        went_live_on=onboarding.went_live_on if onboarding.stage in LIVE_STAGES else None,
    )

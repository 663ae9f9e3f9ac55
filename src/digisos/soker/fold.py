"""The fold: a case's digisos-soker.json (plus the application's own vedlegg.json) → what the applicant sees.

Pure: no database, no clock, no I/O; the caller passes `now`. It follows NAV's fold in innsyn-api (see
docs/innsyn.md for where and why we differ): events sorted by time with a fixed order for equal times,
upserts by reference, each dokumentasjonEtterspurt replacing the list of requested documents, the account
number hidden when someone else is paid, the application's missing documents shown as tasks for 30 days,
and a case shown as still in progress while one of its saker is open. It never raises on a schema-valid
document; an event type it does not know is skipped and reported in `skipped`.
"""

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .builders import dokumentlager_id
from .constants import SENDT, EventType, KravStatus, SaksStatus, SoknadsStatus, UtbetalingStatus
from .tidspunkt import parse_tidspunkt

SENT = SENDT
RECEIVED = SoknadsStatus.MOTTATT
IN_PROGRESS = SoknadsStatus.UNDER_BEHANDLING
DONE = SoknadsStatus.FERDIGBEHANDLET
NOT_PROCESSED = SoknadsStatus.BEHANDLES_IKKE
PLANNED = UtbetalingStatus.PLANLAGT_UTBETALING

APPLICATION_TASK_DAYS = 30
# Equal timestamps: payments before the conditions and requirements that refer to them (NAV's rule), the
# application's status in the order a case goes (NAV's rule for MOTTATT/UNDER_BEHANDLING, extended to all).
TYPE_RANK = {
    EventType.SOKNADS_STATUS: 0,
    EventType.TILDELT_NAV_KONTOR: 1,
    EventType.SAKS_STATUS: 2,
    EventType.UTBETALING: 3,
    EventType.RAMMEVEDTAK: 4,
    EventType.VEDTAK_FATTET: 5,
    EventType.VILKAR: 6,
    EventType.DOKUMENTASJONKRAV: 7,
    EventType.DOKUMENTASJON_ETTERSPURT: 8,
    EventType.FORELOPIG_SVAR: 9,
}
STATUS_RANK = {RECEIVED: 0, IN_PROGRESS: 1, DONE: 2, NOT_PROCESSED: 3}
KNOWN = set(TYPE_RANK)
# The schema says the deprecated OPPFYLT / IKKE_OPPFYLT "are to be interpreted as RELEVANT".
SHOWN_REQUIREMENT_STATUSES = {KravStatus.RELEVANT, KravStatus.OPPFYLT, KravStatus.IKKE_OPPFYLT}


@dataclass(frozen=True)
class Letter:
    kind: str  # vedtak | etterspurt | forelopig_svar | vedlegg
    reference: dict[str, Any]  # a filreferanse: {"type": "dokumentlager", "id": …} or svarut
    at: datetime
    title: str = ""

    @property
    def document_id(self) -> str | None:
        return dokumentlager_id(self.reference)


@dataclass(frozen=True)
class Decision:
    outcome: str  # INNVILGET | DELVIS_INNVILGET | AVSLATT | AVVIST | "" (not given)
    letter: Letter
    at: datetime


@dataclass(frozen=True)
class Sak:
    reference: str
    title: str
    status: str  # UNDER_BEHANDLING | IKKE_INNSYN | BEHANDLES_IKKE | FEILREGISTRERT
    decisions: tuple[Decision, ...] = ()

    @property
    def shown_status(self) -> str:
        return SoknadsStatus.FERDIGBEHANDLET if self.decisions else self.status


@dataclass(frozen=True)
class Task:
    """A document the applicant is asked for: by the caseworker (with a deadline) or by the application."""

    id: str
    document_type: str
    extra_info: str
    deadline: datetime | None
    reference: str  # dokumentreferanse, sent back as hendelseReferanse
    from_caseworker: bool
    requested_at: datetime | None
    letter: Letter | None = None
    # The event that asks for it, sent back as vedlegg.json's hendelseType: dokumentasjonEtterspurt,
    # dokumentasjonkrav, or "" for the application's own (hendelseType "soknad").
    source: str = ""

    @property
    def event_type(self) -> str:
        if self.source:
            return self.source
        return EventType.DOKUMENTASJON_ETTERSPURT if self.from_caseworker else "soknad"


@dataclass(frozen=True)
class Payment:
    reference: str
    sak_reference: str
    status: str
    amount: float
    description: str
    due_date: date | None
    paid_date: date | None
    period_from: date | None
    period_to: date | None
    other_recipient: bool
    recipient: str
    account: str | None  # None when someone else is paid
    method: str
    stopped_at: datetime | None
    updated_at: datetime

    @property
    def month(self) -> date | None:
        shown = self.paid_date or self.due_date
        return shown.replace(day=1) if shown else None


@dataclass(frozen=True)
class Requirement:
    """A vilkår or a dokumentasjonkrav attached to a decision."""

    kind: str  # vilkar | dokumentasjonkrav
    reference: str
    title: str
    description: str
    status: str
    deadline: datetime | None
    payment_references: tuple[str, ...]
    sak_reference: str
    created_at: datetime | None = None  # when the case system first sent it


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    letter: Letter | None = None
    detail: str = ""  # an office number, a sak title, a count


@dataclass(frozen=True)
class CaseView:
    status: str
    sent_at: datetime | None
    office: str  # the enhetsnummer handling it now
    saker: tuple[Sak, ...]
    tasks: tuple[Task, ...]
    payments: tuple[Payment, ...]
    conditions: tuple[Requirement, ...]
    documentation_requirements: tuple[Requirement, ...]
    preliminary_answer: Letter | None
    letters: tuple[Letter, ...]
    timeline: tuple[TimelineEntry, ...]
    skipped: tuple[str, ...]
    updated_at: datetime | None

    @property
    def shows_preliminary_answer(self) -> bool:
        """The "it takes longer" notice belongs to a case still being processed; once it is done the letter
        stays among the letters and in the history, but the notice would contradict the decision."""
        return self.preliminary_answer is not None and self.status not in (DONE, NOT_PROCESSED)

    @property
    def next_deadline(self) -> datetime | None:
        deadlines = [t.deadline for t in self.tasks if t.deadline] + [
            r.deadline for r in self.documentation_requirements if r.deadline
        ]
        return min(deadlines) if deadlines else None


@dataclass
class _State:
    status: str = SENT
    office: str = ""
    saker: dict[str, Sak] = field(default_factory=dict)
    requested: list[Task] = field(default_factory=list)
    any_request: bool = False
    payments: dict[str, Payment] = field(default_factory=dict)
    conditions: dict[str, Requirement] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    preliminary: Letter | None = None
    letters: list[Letter] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def fold(
    soker: dict[str, Any] | None,
    *,
    now: datetime,
    sent_at: datetime | None = None,
    office: str = "",
    vedlegg: dict[str, Any] | None = None,
) -> CaseView:
    state = _State(office=office)
    if sent_at is not None:
        state.timeline.append(TimelineEntry("sent", sent_at, detail=office))
    timed = _timed_events((soker or {}).get("hendelser", []))
    for at, event in timed:
        handler = HANDLERS.get(event.get("type", ""))
        if handler is None:
            state.skipped.append(str(event.get("type")))
            continue
        handler(state, event, at)
    status = state.status
    if status == DONE and any(s.status == IN_PROGRESS and not s.decisions for s in state.saker.values()):
        status = IN_PROGRESS  # NAV's rule: a sak still open keeps the application in progress
    tasks = list(state.requested)
    if (
        not state.any_request
        and sent_at is not None
        and now - sent_at < timedelta(days=APPLICATION_TASK_DAYS)
    ):
        tasks = _application_tasks(vedlegg or {}, sent_at)
    if status in (DONE, NOT_PROCESSED):
        tasks = []  # NAV's rule: what was asked for while processing ends with the processing
    # A dokumentasjonkrav is a document the decision asks for, usually after the case is done: each open one is
    # a task with its own upload, whatever the application's status (NAV lists them beside the oppgaver).
    tasks += [
        _requirement_task(r) for r in state.requirements.values() if r.status in SHOWN_REQUIREMENT_STATUSES
    ]
    updated = timed[-1][0] if timed else None
    return CaseView(
        status=status,
        sent_at=sent_at,
        office=state.office,
        saker=tuple(s for s in state.saker.values() if s.status != SaksStatus.FEILREGISTRERT),
        # Stable: equal deadlines keep the caseworker's order.
        tasks=tuple(sorted(tasks, key=lambda t: (t.deadline is None, t.deadline or now))),
        payments=tuple(sorted(state.payments.values(), key=_payment_order)),
        conditions=tuple(r for r in state.conditions.values() if r.status in SHOWN_REQUIREMENT_STATUSES),
        documentation_requirements=tuple(
            r for r in state.requirements.values() if r.status in SHOWN_REQUIREMENT_STATUSES
        ),
        preliminary_answer=state.preliminary,
        letters=tuple(sorted(state.letters, key=lambda letter: letter.at)),
        timeline=tuple(state.timeline),
        skipped=tuple(state.skipped),
        updated_at=updated,
    )


def _timed_events(events: list[dict[str, Any]]) -> list[tuple[datetime, dict[str, Any]]]:
    """The events with their instants in a total order: time, then type and status rank, then the event's
    content, so that events with the same timestamp fold the same whatever order they were written in."""
    keyed = [
        (
            (
                _instant(e.get("hendelsestidspunkt", "")),
                TYPE_RANK.get(e.get("type", ""), 99),
                STATUS_RANK.get(e.get("status", ""), 9),
            ),
            e,
        )
        for e in events
        if isinstance(e, dict)
    ]
    counts: dict[tuple[Any, ...], int] = {}
    for key, _ in keyed:
        counts[key] = counts.get(key, 0) + 1

    # The content decides only between events that tie on everything else; serialising is costly, so only
    # those are serialised.
    def order(pair: tuple[tuple[Any, ...], dict[str, Any]]) -> tuple[Any, ...]:
        key, event = pair
        return key, (json.dumps(event, sort_keys=True, ensure_ascii=False) if counts[key] > 1 else "")

    keyed.sort(key=order)
    return [(key[0], event) for key, event in keyed]


# --- Per event type ---------------------------------------------------------------------------------------


def _soknads_status(state: _State, event: dict[str, Any], at: datetime) -> None:
    status = event.get("status", "")
    if status == state.status:
        return
    state.status = status
    state.timeline.append(TimelineEntry(f"status_{status.lower()}", at))


def _tildelt_nav_kontor(state: _State, event: dict[str, Any], at: datetime) -> None:
    office = str(event.get("navKontor", ""))
    if office and office != state.office:
        state.office = office
        state.timeline.append(TimelineEntry("forwarded", at, detail=office))


def _saks_status(state: _State, event: dict[str, Any], at: datetime) -> None:
    reference = str(event["referanse"])
    status = event.get("status") or IN_PROGRESS
    existing = state.saker.get(reference)
    title = event.get("tittel") or (existing.title if existing else "")
    state.saker[reference] = Sak(reference, title, status, existing.decisions if existing else ())
    if status == SaksStatus.FEILREGISTRERT:
        return
    if existing is None:
        kind = "sak_in_progress" if status == IN_PROGRESS else "sak_status_hidden"
        state.timeline.append(TimelineEntry(kind, at, detail=title))
    elif existing.status != status and status in (SaksStatus.IKKE_INNSYN, SaksStatus.BEHANDLES_IKKE):
        state.timeline.append(TimelineEntry("sak_status_hidden", at, detail=title))


def _vedtak_fattet(state: _State, event: dict[str, Any], at: datetime) -> None:
    reference = str(event.get("saksreferanse") or "default")
    letter = Letter("vedtak", event["vedtaksfil"]["referanse"], at)
    sak = state.saker.get(reference) or Sak(reference, "", IN_PROGRESS)
    state.saker[reference] = replace(
        sak, decisions=(*sak.decisions, Decision(event.get("utfall", ""), letter, at))
    )
    state.letters.append(letter)
    state.letters += [
        Letter("vedlegg", v["referanse"], at, v.get("tittel", "")) for v in event.get("vedlegg", [])
    ]
    state.timeline.append(TimelineEntry("decision", at, letter, detail=sak.title))


def _dokumentasjon_etterspurt(state: _State, event: dict[str, Any], at: datetime) -> None:
    letter = None
    if event.get("forvaltningsbrev"):
        letter = Letter("etterspurt", event["forvaltningsbrev"]["referanse"], at)
        state.letters.append(letter)
    had_tasks = bool(state.requested)
    state.any_request = True
    state.requested = [
        Task(
            id=_task_id(d),
            document_type=d.get("dokumenttype", ""),
            extra_info=d.get("tilleggsinformasjon", ""),
            deadline=_instant(d["innsendelsesfrist"]) if d.get("innsendelsesfrist") else None,
            reference=d.get("dokumentreferanse", ""),
            from_caseworker=True,
            requested_at=at,
            letter=letter,
        )
        for d in event.get("dokumenter", [])
    ]
    if state.requested:
        state.timeline.append(
            TimelineEntry("documents_requested", at, letter, detail=str(len(state.requested)))
        )
    elif had_tasks and state.status != NOT_PROCESSED:
        state.timeline.append(TimelineEntry("documents_no_longer_requested", at))


def _forelopig_svar(state: _State, event: dict[str, Any], at: datetime) -> None:
    letter = Letter("forelopig_svar", event["forvaltningsbrev"]["referanse"], at)
    state.preliminary = letter
    state.letters.append(letter)
    state.timeline.append(TimelineEntry("preliminary_answer", at, letter))


def _utbetaling(state: _State, event: dict[str, Any], at: datetime) -> None:
    status = event.get("status") or PLANNED
    # NAV: a missing annenMottaker counts as someone else, so an account number is never shown by mistake.
    other = event.get("annenMottaker") is not False
    previous = state.payments.get(str(event["utbetalingsreferanse"]))
    state.payments[str(event["utbetalingsreferanse"])] = Payment(
        reference=str(event["utbetalingsreferanse"]),
        sak_reference=str(event.get("saksreferanse") or "default"),
        status=status,
        amount=float(event.get("belop") or 0),
        description=event.get("beskrivelse") or "",
        due_date=_date(event.get("forfallsdato")),
        paid_date=_date(event.get("utbetalingsdato")),
        period_from=_date(event.get("fom")),
        period_to=_date(event.get("tom")),
        other_recipient=other,
        recipient=event.get("mottaker") or "",
        account=None if other else (event.get("kontonummer") or None),
        method=event.get("utbetalingsmetode") or "",
        stopped_at=at if status == UtbetalingStatus.STOPPET else (previous.stopped_at if previous else None),
        updated_at=at,
    )


def _requirement(kind: str, reference_field: str, target: str):
    def handle(state: _State, event: dict[str, Any], at: datetime) -> None:
        reference = str(event[reference_field])
        registry: dict[str, Requirement] = getattr(state, target)
        payments = tuple(str(r) for r in event.get("utbetalingsreferanse") or ())
        existing = registry.get(reference)
        registry[reference] = Requirement(
            kind=kind,
            reference=reference,
            title=event.get("tittel") or "",
            description=event.get("beskrivelse") or "",
            status=event.get("status") or KravStatus.RELEVANT,
            deadline=_instant(event["frist"]) if event.get("frist") else None,
            payment_references=payments,
            sak_reference=str(event.get("saksreferanse") or ""),
            created_at=existing.created_at if existing else at,
        )
        if kind == EventType.DOKUMENTASJONKRAV and payments:
            state.timeline.append(
                TimelineEntry("documentation_requirement", at, detail=event.get("tittel") or "")
            )

    return handle


def _rammevedtak(state: _State, event: dict[str, Any], at: datetime) -> None:
    """A framework decision: its payments arrive as utbetaling events; nothing of its own to show."""


HANDLERS = {
    EventType.SOKNADS_STATUS: _soknads_status,
    EventType.TILDELT_NAV_KONTOR: _tildelt_nav_kontor,
    EventType.SAKS_STATUS: _saks_status,
    EventType.VEDTAK_FATTET: _vedtak_fattet,
    EventType.DOKUMENTASJON_ETTERSPURT: _dokumentasjon_etterspurt,
    EventType.FORELOPIG_SVAR: _forelopig_svar,
    EventType.UTBETALING: _utbetaling,
    EventType.VILKAR: _requirement(EventType.VILKAR, "vilkarreferanse", "conditions"),
    EventType.DOKUMENTASJONKRAV: _requirement(
        EventType.DOKUMENTASJONKRAV, "dokumentasjonkravreferanse", "requirements"
    ),
    EventType.RAMMEVEDTAK: _rammevedtak,
}


# --- Helpers ----------------------------------------------------------------------------------------------


def _application_tasks(vedlegg: dict[str, Any], sent_at: datetime) -> list[Task]:
    tasks = []
    for entry in vedlegg.get("vedlegg", []):
        if entry.get("status") != "VedleggKreves":
            continue
        if entry.get("type") == "annet" and entry.get("tilleggsinfo") == "annet":
            continue
        tasks.append(
            Task(
                id=_task_id(
                    {"dokumenttype": entry.get("type"), "tilleggsinformasjon": entry.get("tilleggsinfo")}
                ),
                document_type=entry.get("type", ""),
                extra_info=entry.get("tilleggsinfo", ""),
                deadline=None,
                reference="",
                from_caseworker=False,
                requested_at=sent_at,
            )
        )
    return tasks


def _requirement_task(requirement: Requirement) -> Task:
    """An open dokumentasjonkrav as a task: its title and description are what the upload is filed under (NAV
    matches an upload to it by them), its reference goes back as hendelseReferanse."""
    document = {
        "dokumenttype": requirement.title,
        "tilleggsinformasjon": requirement.description,
        "dokumentreferanse": requirement.reference,
        "innsendelsesfrist": requirement.deadline.isoformat() if requirement.deadline else "",
    }
    return Task(
        id=_task_id(document),
        document_type=requirement.title,
        extra_info=requirement.description,
        deadline=requirement.deadline,
        reference=requirement.reference,
        from_caseworker=True,
        requested_at=requirement.created_at,
        source=EventType.DOKUMENTASJONKRAV,
    )


def _task_id(document: dict[str, Any]) -> str:
    # NAV hashes only the deadline, so two documents asked for by the same date share an id; we hash all of it.
    parts = [
        str(document.get(k) or "")
        for k in ("dokumenttype", "tilleggsinformasjon", "dokumentreferanse", "innsendelsesfrist")
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _payment_order(payment: Payment) -> tuple[Any, ...]:
    shown = payment.paid_date or payment.due_date
    return (shown is None, shown or date.min, payment.reference)


def _instant(timestamp: str) -> datetime:
    """A schema tidspunkt as an aware datetime; the epoch if unreadable (only schema-valid events reach here)."""
    try:
        return parse_tidspunkt(timestamp)
    except (ValueError, AttributeError):
        return datetime(1970, 1, 1, tzinfo=UTC)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None

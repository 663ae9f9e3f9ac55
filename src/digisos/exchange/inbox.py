"""The manual inbox: what a municipal caseworker without a case system sees and does in the browser.

Pure functions build the digisos-soker events; one function per action stores them through
`services.append_case_event` (and `services.store_letter` for letters) inside one transaction, so an action
either lands whole or not at all. Every event is stamped strictly later than the newest event already
stored, so the history's order is stable even when the clock (or a case system) is ahead of us.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digisos.accounts.models import User
from digisos.core.services import record_audit
from digisos.documents.models import Document
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE

from . import services
from .models import Case, Delivery, Receiver
from .services import ExchangeRefused
from .tidspunkt import format_tidspunkt, parse_tidspunkt

OSLO = ZoneInfo("Europe/Oslo")
DEFAULT_SAKSREFERANSE = "sak-1"
DEFAULT_SAK_TITTEL = "Økonomisk sosialhjelp"
SHOWN_STATUSES = (Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED)


class LetterRefused(Exception):
    """The letter was not stored (not a PDF, a virus, unreadable); `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Who may use the inbox, and what they see -------------------------------------------------------------


def is_inbox_user(user: User) -> bool:
    """A municipal caseworker (the same rule documents use to let them read their municipality's files)."""
    return (
        user.is_authenticated
        and user.kind == User.Kind.EMPLOYEE
        and bool(user.municipality)
        and user.groups.filter(name=MUNICIPAL_CASEWORKER_ROLE).exists()
    )


def inbox_deliveries(kommunenummer: str) -> QuerySet[Delivery]:
    """The municipality's inbox: new deliveries first, then received, newest first within each."""
    return (
        Delivery.objects.filter(
            kommunenummer=kommunenummer, channel=Receiver.Channel.INBOX, status__in=SHOWN_STATUSES
        )
        .select_related("case__application")
        .only(
            "id",
            "public_id",
            "kind",
            "status",
            "available_at",
            "collected_at",
            "case__id",
            "case__application__id",
            "case__application__reference",
        )
        .annotate(
            is_new=models.Case(
                models.When(status=Delivery.Status.AVAILABLE, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        )
        .order_by("is_new", "-available_at", "-id")
    )


def case_for(user: User, case_id: uuid.UUID) -> Case | None:
    """The case if it belongs to the caseworker's municipality; None (shown as 404) otherwise."""
    return (
        Case.objects.filter(pk=case_id, kommunenummer=user.municipality)
        .select_related("application", "owner")
        .first()
    )


@dataclass(frozen=True)
class EventRow:
    at: datetime | None
    title: str
    details: list[str] = field(default_factory=list)
    letters: list[Document] = field(default_factory=list)


@dataclass(frozen=True)
class CasePage:
    deliveries: list[Delivery]
    letters: list[Document]
    events: list[EventRow]
    received: bool
    waiting_deliveries: list[Delivery]
    current_status: str


def case_page(case: Case) -> CasePage:
    """What the case page shows: deliveries with their documents, letters, the events in plain words."""
    documents = Document.objects.only(
        "id", "folder_id", "original_name", "page_count", "size", "created_at"
    ).order_by("created_at", "id")
    deliveries = list(
        case.deliveries.filter(status__in=SHOWN_STATUSES)
        .select_related("folder")
        .prefetch_related(Prefetch("folder__documents", queryset=documents, to_attr="shown_documents"))
        .order_by("pk")
    )
    letters = list(
        Document.objects.filter(folder_id=case.letters_id)
        .only("id", "folder_id", "original_name", "page_count", "size", "created_at")
        .order_by("created_at", "id")
    )
    hendelser = (case.soker or {}).get("hendelser", [])
    return CasePage(
        deliveries=deliveries,
        letters=letters,
        events=describe_events(hendelser, letters),
        received=has_received(case.soker),
        waiting_deliveries=[d for d in deliveries if d.status == Delivery.Status.AVAILABLE],
        current_status=current_soknads_status(case.soker),
    )


def record_case_read(*, actor: User, case: Case) -> None:
    """An employee looked at a citizen's case: written to the audit log, as every such read is."""
    record_audit(
        actor=actor,
        action="exchange.inbox_case_read",
        object_type="exchange.Case",
        object_id=str(case.id),
        subject_pid=case.owner.pid or "",
    )


# --- Timestamps -------------------------------------------------------------------------------------------


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def next_timestamp(soker: dict[str, Any] | None, now: datetime) -> str:
    """Now, or one millisecond after the newest stored event when now is not later than it."""
    candidate = _to_millisecond(now.astimezone(UTC))
    stamps = [
        parse_tidspunkt(e["hendelsestidspunkt"])
        for e in (soker or {}).get("hendelser", [])
        if isinstance(e, dict) and isinstance(e.get("hendelsestidspunkt"), str)
    ]
    if stamps:
        latest = max(stamps)
        if candidate <= latest:
            candidate = _to_millisecond(latest) + timedelta(milliseconds=1)
    return format_tidspunkt(candidate)


def deadline_timestamp(day: date) -> str:
    """A deadline date as the moment it ends for the applicant: 23:59 in Norway, as a UTC tidspunkt."""
    return format_tidspunkt(datetime.combine(day, time(23, 59), tzinfo=OSLO))


# --- Reading the stored document --------------------------------------------------------------------------


def _events(soker: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [e for e in (soker or {}).get("hendelser", []) if isinstance(e, dict)]


def has_received(soker: dict[str, Any] | None) -> bool:
    return any(e.get("type") == "soknadsStatus" and e.get("status") == "MOTTATT" for e in _events(soker))


def has_sak(soker: dict[str, Any] | None, referanse: str) -> bool:
    return any(e.get("type") == "saksStatus" and e.get("referanse") == referanse for e in _events(soker))


def current_soknads_status(soker: dict[str, Any] | None) -> str:
    statuses = [e.get("status", "") for e in _events(soker) if e.get("type") == "soknadsStatus"]
    return statuses[-1] if statuses else ""


# --- Events (pure) ----------------------------------------------------------------------------------------


def _letter_reference(document_id: str) -> dict[str, str]:
    return {"type": "dokumentlager", "id": document_id}


def soknads_status_event(status: str, *, at: str) -> dict[str, Any]:
    return {"type": "soknadsStatus", "hendelsestidspunkt": at, "status": status}


def saks_status_event(
    referanse: str, *, at: str, tittel: str = DEFAULT_SAK_TITTEL, status: str = "UNDER_BEHANDLING"
) -> dict[str, Any]:
    return {
        "type": "saksStatus",
        "hendelsestidspunkt": at,
        "referanse": referanse,
        "tittel": tittel,
        "status": status,
    }


def document_request_event(
    *,
    dokumenttype: str,
    tilleggsinformasjon: str,
    frist: date,
    at: str,
    letter_id: str | None = None,
    dokumentreferanse: str | None = None,
) -> dict[str, Any]:
    dokument: dict[str, Any] = {
        "dokumenttype": dokumenttype,
        "innsendelsesfrist": deadline_timestamp(frist),
        "dokumentreferanse": dokumentreferanse or str(uuid.uuid4()),
    }
    if tilleggsinformasjon:
        dokument["tilleggsinformasjon"] = tilleggsinformasjon
    event: dict[str, Any] = {
        "type": "dokumentasjonEtterspurt",
        "hendelsestidspunkt": at,
        "dokumenter": [dokument],
    }
    if letter_id:
        event["forvaltningsbrev"] = {"referanse": _letter_reference(letter_id)}
    return event


def decision_event(*, saksreferanse: str, utfall: str, letter_id: str, at: str) -> dict[str, Any]:
    return {
        "type": "vedtakFattet",
        "hendelsestidspunkt": at,
        "saksreferanse": saksreferanse,
        "utfall": utfall,
        "vedtaksfil": {"referanse": _letter_reference(letter_id)},
    }


def payment_event(
    *,
    saksreferanse: str,
    belop: int,
    beskrivelse: str,
    forfallsdato: date,
    status: str,
    at: str,
    utbetalingsreferanse: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "utbetaling",
        "hendelsestidspunkt": at,
        "utbetalingsreferanse": utbetalingsreferanse or f"utbetaling-{uuid.uuid4()}",
        "saksreferanse": saksreferanse,
        "status": status,
        "belop": belop,
        "beskrivelse": beskrivelse,
        "forfallsdato": forfallsdato.isoformat(),
        "annenMottaker": False,
    }
    if status == "UTBETALT":
        event["utbetalingsdato"] = forfallsdato.isoformat()
    return event


# --- Actions (each one transaction) -----------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("letters").get(pk=case.pk)


def _append(actor: User, case: Case, build: Callable[[str], dict[str, Any]]) -> Case:
    """Stamp and append one event built by `build(at)`; returns the case with the stored document."""
    event = build(next_timestamp(case.soker, timezone.now()))
    result = services.append_case_event(actor=actor, case=case, event=event, avsender=services.INBOX_AVSENDER)
    return result.case


def _receive(actor: User, case: Case) -> Case:
    """Collect every waiting delivery and store MOTTATT once: acting on a case means it has arrived."""
    for delivery in case.deliveries.filter(status=Delivery.Status.AVAILABLE).order_by("pk"):
        services.acknowledge(actor=actor, delivery=delivery)
    if not has_received(case.soker):
        case = _append(actor, case, lambda at: soknads_status_event("MOTTATT", at=at))
    return case


def _ensure_sak(actor: User, case: Case, referanse: str) -> Case:
    if not has_sak(case.soker, referanse):
        case = _append(actor, case, lambda at: saks_status_event(referanse, at=at))
    return case


def _store_letter(actor: User, case: Case, letter: tuple[str, bytes]) -> Document:
    name, data = letter
    try:
        return services.store_letter(actor=actor, case=case, name=name, data=data)
    except ExchangeRefused as refused:
        raise LetterRefused(refused.message) from None


def _check_updates_allowed(case: Case) -> None:
    # Checked before a letter is written, so a refusal leaves no stored file behind the rolled-back row.
    services.check_can_update(case.kommunenummer)


@dataclass(frozen=True)
class Received:
    collected: int
    status_stored: bool


def mark_received(*, actor: User, case: Case) -> Received:
    """Collect the case's waiting deliveries and tell the applicant the application has arrived.

    A municipality that does not show status online (or has updates paused) still collects: the deliveries
    are marked collected and the MOTTATT event is left for when it can be stored.
    """
    with transaction.atomic():
        case = _locked(case)
        waiting = list(case.deliveries.filter(status=Delivery.Status.AVAILABLE).order_by("pk"))
        for delivery in waiting:
            services.acknowledge(actor=actor, delivery=delivery)
        stored = False
        if not has_received(case.soker):
            try:
                _append(actor, case, lambda at: soknads_status_event("MOTTATT", at=at))
                stored = True
            except ExchangeRefused as refused:
                if refused.code not in ("updates_not_enabled", "updates_temporarily_disabled"):
                    raise
    return Received(collected=len(waiting), status_stored=stored)


def set_status(*, actor: User, case: Case, status: str) -> Case:
    with transaction.atomic():
        case = _receive(actor, _locked(case))
        return _append(actor, case, lambda at: soknads_status_event(status, at=at))


def request_documents(
    *,
    actor: User,
    case: Case,
    dokumenttype: str,
    tilleggsinformasjon: str,
    frist: date,
    letter: tuple[str, bytes] | None = None,
) -> Case:
    with transaction.atomic():
        case = _locked(case)
        _check_updates_allowed(case)
        case = _receive(actor, case)
        letter_id = str(_store_letter(actor, case, letter).id) if letter else None
        return _append(
            actor,
            case,
            lambda at: document_request_event(
                dokumenttype=dokumenttype,
                tilleggsinformasjon=tilleggsinformasjon,
                frist=frist,
                at=at,
                letter_id=letter_id,
            ),
        )


def record_decision(
    *,
    actor: User,
    case: Case,
    utfall: str,
    letter: tuple[str, bytes],
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> Case:
    with transaction.atomic():
        case = _locked(case)
        _check_updates_allowed(case)
        case = _ensure_sak(actor, _receive(actor, case), saksreferanse)
        letter_id = str(_store_letter(actor, case, letter).id)
        return _append(
            actor,
            case,
            lambda at: decision_event(saksreferanse=saksreferanse, utfall=utfall, letter_id=letter_id, at=at),
        )


def record_payment(
    *,
    actor: User,
    case: Case,
    belop: int,
    beskrivelse: str,
    forfallsdato: date,
    status: str,
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> Case:
    with transaction.atomic():
        case = _ensure_sak(actor, _receive(actor, _locked(case)), saksreferanse)
        return _append(
            actor,
            case,
            lambda at: payment_event(
                saksreferanse=saksreferanse,
                belop=belop,
                beskrivelse=beskrivelse,
                forfallsdato=forfallsdato,
                status=status,
                at=at,
            ),
        )


# --- The events in plain words ----------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return {
        "MOTTATT": _("Mottatt"),
        "UNDER_BEHANDLING": _("Under behandling"),
        "FERDIGBEHANDLET": _("Ferdig behandlet"),
        "BEHANDLES_IKKE": _("Behandles ikke"),
        "IKKE_INNSYN": _("Ikke innsyn"),
        "FEILREGISTRERT": _("Feilregistrert"),
        "PLANLAGT_UTBETALING": _("Planlagt utbetaling"),
        "UTBETALT": _("Utbetalt"),
        "STOPPET": _("Stoppet"),
        "ANNULLERT": _("Annullert"),
        "INNVILGET": _("Innvilget"),
        "DELVIS_INNVILGET": _("Delvis innvilget"),
        "AVSLATT": _("Avslått"),
        "AVVIST": _("Avvist"),
    }.get(status, status)


def _local_date(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        if "T" in value:
            return timezone.localtime(parse_tidspunkt(value), OSLO).strftime("%d.%m.%Y")
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value


def _letter_ids(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        if value.get("type") == "dokumentlager" and isinstance(value.get("id"), str):
            yield value["id"]
        for inner in value.values():
            yield from _letter_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _letter_ids(inner)


def describe_event(event: dict[str, Any], letters: dict[str, Document]) -> EventRow:
    kind = event.get("type", "")
    details: list[str] = []
    if kind == "soknadsStatus":
        title = _("Status på søknaden: %(status)s") % {"status": _status_label(event.get("status", ""))}
    elif kind == "tildeltNavKontor":
        title = _("Sendt til NAV-kontor %(kontor)s") % {"kontor": event.get("navKontor", "")}
    elif kind == "dokumentasjonEtterspurt":
        title = _("Ba om dokumentasjon")
        for dokument in event.get("dokumenter", []):
            line = _("%(type)s, frist %(frist)s") % {
                "type": dokument.get("dokumenttype", ""),
                "frist": _local_date(dokument.get("innsendelsesfrist")),
            }
            if dokument.get("tilleggsinformasjon"):
                line += f" ({dokument['tilleggsinformasjon']})"
            details.append(line)
    elif kind == "vedtakFattet":
        title = _("Vedtak: %(utfall)s") % {
            "utfall": _status_label(event.get("utfall", "")) or _("uten utfall")
        }
        details.append(_("Sak: %(sak)s") % {"sak": event.get("saksreferanse", "")})
    elif kind == "saksStatus":
        title = _("Sak «%(tittel)s»: %(status)s") % {
            "tittel": event.get("tittel") or event.get("referanse", ""),
            "status": _status_label(event.get("status", "")) or _("uten status"),
        }
        details.append(_("Referanse: %(referanse)s") % {"referanse": event.get("referanse", "")})
    elif kind == "utbetaling":
        title = _("Utbetaling: %(status)s") % {
            "status": _status_label(event.get("status", "")) or _("uten status")
        }
        if "belop" in event:
            details.append(_("%(belop)s kroner") % {"belop": event["belop"]})
        if event.get("beskrivelse"):
            details.append(event["beskrivelse"])
        if event.get("forfallsdato"):
            details.append(_("Forfall %(dato)s") % {"dato": _local_date(event["forfallsdato"])})
        if event.get("utbetalingsdato"):
            details.append(_("Utbetalt %(dato)s") % {"dato": _local_date(event["utbetalingsdato"])})
    elif kind == "forelopigSvar":
        title = _("Foreløpig svar")
    else:
        title = _("Hendelse: %(type)s") % {"type": kind or _("ukjent")}
    stamp = event.get("hendelsestidspunkt")
    try:
        at = parse_tidspunkt(stamp) if isinstance(stamp, str) else None
    except ValueError:
        at = None
    found = [letters[i] for i in dict.fromkeys(_letter_ids(event)) if i in letters]
    return EventRow(at=at, title=title, details=details, letters=found)


def describe_events(events: list[Any], letters: list[Document]) -> list[EventRow]:
    by_id = {str(letter.id): letter for letter in letters}
    return [describe_event(e, by_id) for e in events if isinstance(e, dict)]

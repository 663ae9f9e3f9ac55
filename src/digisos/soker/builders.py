"""Build digisos-soker events and documents as NAV's schema wants them: the manual inbox, the case-system
simulator, the bench and the tests all write events through these.

Every builder takes the event's fields by their wire names. `at` is the event's hendelsestidspunkt: a
datetime (written as a tidspunkt), a string (kept as given) or None (left out, for a caller that stamps
events itself, as the simulator does). A field given as None is left out. A `date` becomes a dato
(YYYY-MM-DD) and a `datetime` a tidspunkt, so callers pass Python values and never format them.
"""

from datetime import date, datetime
from typing import Any

from .constants import VERSION, EventType, Filreferanse, SaksStatus
from .events import Avsender, Dokument, Dokumentlager, Forvaltningsbrev, SokerDocument, Svarut, Vedlegg
from .tidspunkt import format_tidspunkt

DEFAULT_AVSENDER: Avsender = {"systemnavn": "DigiSos", "systemversjon": "1.0"}

Moment = datetime | str | None


def tidspunkt(moment: datetime | str) -> str:
    return format_tidspunkt(moment) if isinstance(moment, datetime) else moment


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_tidspunkt(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # a StrEnum member as its plain wire string
    return value


def event(kind: str, *, at: Moment = None, **fields: Any) -> dict[str, Any]:
    """Any event, of a known type or not (tests feed unknown types on purpose)."""
    built: dict[str, Any] = {"type": str(kind)}
    if at is not None:
        built["hendelsestidspunkt"] = tidspunkt(at)
    built.update({key: _wire(value) for key, value in fields.items() if value is not None})
    return built


def document(
    *events: dict[str, Any], avsender: Avsender | None = None, version: str = VERSION
) -> SokerDocument:
    """A whole digisos-soker.json: a case system posts it whole each time."""
    return {"version": version, "avsender": avsender or DEFAULT_AVSENDER, "hendelser": list(events)}  # type: ignore[typeddict-item]


# --- File references --------------------------------------------------------------------------------------


def dokumentlager(file_id: Any) -> Dokumentlager:
    return {"type": Filreferanse.DOKUMENTLAGER.value, "id": str(file_id)}


def svarut(file_id: str, nr: int) -> Svarut:
    return {"type": Filreferanse.SVARUT.value, "id": file_id, "nr": nr}


def letter(reference: Dokumentlager | Svarut | str) -> Forvaltningsbrev:
    """A forvaltningsbrev / vedtaksfil: a reference, or a dokumentlager id."""
    return {"referanse": dokumentlager(reference) if isinstance(reference, str) else reference}


def attachment(tittel: str, reference: Dokumentlager | Svarut | str) -> Vedlegg:
    return {"tittel": tittel, **letter(reference)}  # type: ignore[typeddict-item]


def dokumentlager_id(reference: Any) -> str | None:
    """The id of a dokumentlager reference; None for SvarUt or anything else."""
    if isinstance(reference, dict) and reference.get("type") == Filreferanse.DOKUMENTLAGER:
        found = reference.get("id")
        return found if isinstance(found, str) else None
    return None


# --- One builder a type -----------------------------------------------------------------------------------


def soknads_status(status: str, *, at: Moment = None) -> dict[str, Any]:
    return event(EventType.SOKNADS_STATUS, at=at, status=status)


def tildelt_nav_kontor(nav_kontor: str, *, at: Moment = None) -> dict[str, Any]:
    return event(EventType.TILDELT_NAV_KONTOR, at=at, navKontor=nav_kontor)


def saks_status(
    referanse: str,
    *,
    tittel: str | None = None,
    status: str | None = SaksStatus.UNDER_BEHANDLING,
    at: Moment = None,
) -> dict[str, Any]:
    return event(EventType.SAKS_STATUS, at=at, referanse=referanse, tittel=tittel, status=status)


def vedtak_fattet(
    *,
    saksreferanse: str,
    vedtaksfil: Dokumentlager | Svarut | str,
    utfall: str | None = None,
    vedlegg: list[Vedlegg] | None = None,
    at: Moment = None,
) -> dict[str, Any]:
    return event(
        EventType.VEDTAK_FATTET,
        at=at,
        saksreferanse=saksreferanse,
        utfall=utfall,
        vedtaksfil=letter(vedtaksfil),
        vedlegg=vedlegg,
    )


def dokument(
    dokumenttype: str,
    *,
    tilleggsinformasjon: str | None = None,
    innsendelsesfrist: datetime | str | None = None,
    dokumentreferanse: str | None = None,
) -> Dokument:
    return {  # type: ignore[return-value]
        key: _wire(value)
        for key, value in (
            ("dokumenttype", dokumenttype),
            ("tilleggsinformasjon", tilleggsinformasjon),
            ("innsendelsesfrist", innsendelsesfrist),
            ("dokumentreferanse", dokumentreferanse),
        )
        if value is not None
    }


def dokumentasjon_etterspurt(
    dokumenter: list[Dokument],
    *,
    forvaltningsbrev: Dokumentlager | Svarut | str | None = None,
    vedlegg: list[Vedlegg] | None = None,
    at: Moment = None,
) -> dict[str, Any]:
    return event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        at=at,
        forvaltningsbrev=letter(forvaltningsbrev) if forvaltningsbrev else None,
        dokumenter=list(dokumenter),
        vedlegg=vedlegg,
    )


def forelopig_svar(
    forvaltningsbrev: Dokumentlager | Svarut | str, *, vedlegg: list[Vedlegg] | None = None, at: Moment = None
) -> dict[str, Any]:
    return event(EventType.FORELOPIG_SVAR, at=at, forvaltningsbrev=letter(forvaltningsbrev), vedlegg=vedlegg)


def utbetaling(utbetalingsreferanse: str, *, at: Moment = None, **fields: Any) -> dict[str, Any]:
    """Fields as in hendelse/utbetaling.json: status, belop, saksreferanse, forfallsdato (a date), …"""
    return event(EventType.UTBETALING, at=at, utbetalingsreferanse=utbetalingsreferanse, **fields)


def vilkar(vilkarreferanse: str, *, at: Moment = None, **fields: Any) -> dict[str, Any]:
    return event(EventType.VILKAR, at=at, vilkarreferanse=vilkarreferanse, **fields)


def dokumentasjonkrav(dokumentasjonkravreferanse: str, *, at: Moment = None, **fields: Any) -> dict[str, Any]:
    """Fields as in hendelse/dokumentasjonkrav.json; `frist` a datetime (a tidspunkt)."""
    return event(
        EventType.DOKUMENTASJONKRAV, at=at, dokumentasjonkravreferanse=dokumentasjonkravreferanse, **fields
    )


def rammevedtak(rammevedtaksreferanse: str, *, at: Moment = None, **fields: Any) -> dict[str, Any]:
    return event(EventType.RAMMEVEDTAK, at=at, rammevedtaksreferanse=rammevedtaksreferanse, **fields)

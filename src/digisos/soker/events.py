"""The shapes of a digisos-soker.json and its events, as NAV's schema has them (wire names, all optional
fields marked). TypedDicts: a stored document is plain JSON, and these type it without converting it."""

from typing import Literal, NotRequired, TypedDict


class Avsender(TypedDict):
    systemnavn: str
    systemversjon: str


class Dokumentlager(TypedDict):
    type: Literal["dokumentlager"]
    id: str


class Svarut(TypedDict):
    type: Literal["svarut"]
    id: str
    nr: int


Filreferanse = Dokumentlager | Svarut


class Forvaltningsbrev(TypedDict):
    referanse: Filreferanse


class Vedlegg(TypedDict):
    tittel: str
    referanse: Filreferanse


class _Event(TypedDict):
    type: str
    hendelsestidspunkt: str  # a tidspunkt (tidspunkt.py); left out by a builder called without `at`


class SoknadsStatusEvent(_Event):
    status: str


class TildeltNavKontorEvent(_Event):
    navKontor: str


class SaksStatusEvent(_Event):
    referanse: str
    tittel: NotRequired[str]
    status: NotRequired[str]


class VedtakFattetEvent(_Event):
    saksreferanse: str
    vedtaksfil: Forvaltningsbrev
    utfall: NotRequired[str]
    vedlegg: NotRequired[list[Vedlegg]]


class Dokument(TypedDict):
    dokumenttype: str
    tilleggsinformasjon: NotRequired[str]
    innsendelsesfrist: NotRequired[str]
    dokumentreferanse: NotRequired[str]


class DokumentasjonEtterspurtEvent(_Event):
    dokumenter: list[Dokument]
    forvaltningsbrev: NotRequired[Forvaltningsbrev]
    vedlegg: NotRequired[list[Vedlegg]]


class ForelopigSvarEvent(_Event):
    forvaltningsbrev: Forvaltningsbrev
    vedlegg: NotRequired[list[Vedlegg]]


class UtbetalingEvent(_Event, total=False):
    utbetalingsreferanse: str
    saksreferanse: str
    rammevedtaksreferanse: str
    status: str
    belop: float
    beskrivelse: str
    forfallsdato: str  # a dato: YYYY-MM-DD
    utbetalingsdato: str
    fom: str
    tom: str
    annenMottaker: bool
    mottaker: str
    kontonummer: str
    utbetalingsmetode: str


class VilkarEvent(_Event, total=False):
    vilkarreferanse: str
    saksreferanse: str
    utbetalingsreferanse: list[str]
    tittel: str
    beskrivelse: str
    status: str


class DokumentasjonkravEvent(_Event, total=False):
    dokumentasjonkravreferanse: str
    saksreferanse: str
    utbetalingsreferanse: list[str]
    tittel: str
    beskrivelse: str
    frist: str  # a tidspunkt
    status: str


class RammevedtakEvent(_Event, total=False):
    rammevedtaksreferanse: str
    saksreferanse: str
    beskrivelse: str
    belop: float
    fom: str
    tom: str


Event = (
    SoknadsStatusEvent
    | TildeltNavKontorEvent
    | SaksStatusEvent
    | VedtakFattetEvent
    | DokumentasjonEtterspurtEvent
    | ForelopigSvarEvent
    | UtbetalingEvent
    | VilkarEvent
    | DokumentasjonkravEvent
    | RammevedtakEvent
)


class SokerDocument(TypedDict):
    version: str
    avsender: Avsender
    hendelser: list[Event]

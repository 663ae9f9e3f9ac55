"""The words of NAV's digisos-soker.json (reference/filformat/json/digisos/soker/): event types, the statuses
and outcomes each event may carry, and the kinds of file reference. The values are the wire values; being
StrEnums they compare equal to, and serialise as, the plain strings in a stored document."""

from enum import StrEnum

from . import statuses

VERSION = "1.0.0"


class EventType(StrEnum):
    TILDELT_NAV_KONTOR = "tildeltNavKontor"
    SOKNADS_STATUS = "soknadsStatus"
    VEDTAK_FATTET = "vedtakFattet"
    DOKUMENTASJON_ETTERSPURT = "dokumentasjonEtterspurt"
    FORELOPIG_SVAR = "forelopigSvar"
    SAKS_STATUS = "saksStatus"
    UTBETALING = "utbetaling"
    VILKAR = "vilkar"
    DOKUMENTASJONKRAV = "dokumentasjonkrav"
    RAMMEVEDTAK = "rammevedtak"


EVENT_TYPES: tuple[str, ...] = tuple(EventType)


class SoknadsStatus(StrEnum):
    """The application's status (hendelse/soknadsStatus.json)."""

    MOTTATT = statuses.MOTTATT
    UNDER_BEHANDLING = statuses.UNDER_BEHANDLING
    FERDIGBEHANDLET = statuses.FERDIGBEHANDLET
    BEHANDLES_IKKE = statuses.BEHANDLES_IKKE


SOKNADS_STATUSES = frozenset(SoknadsStatus)  # `in` on a StrEnum refuses a plain string before Python 3.12

SENDT = statuses.SENDT  # not in the schema: before the case system has said MOTTATT (soker/statuses.py)


class SaksStatus(StrEnum):
    """One sak's status (hendelse/saksStatus.json)."""

    UNDER_BEHANDLING = "UNDER_BEHANDLING"
    IKKE_INNSYN = "IKKE_INNSYN"
    BEHANDLES_IKKE = "BEHANDLES_IKKE"
    FEILREGISTRERT = "FEILREGISTRERT"


class Utfall(StrEnum):
    """A decision's outcome (hendelse/vedtakFattet.json)."""

    INNVILGET = "INNVILGET"
    DELVIS_INNVILGET = "DELVIS_INNVILGET"
    AVSLATT = "AVSLATT"
    AVVIST = "AVVIST"


class UtbetalingStatus(StrEnum):
    """A payment's status (hendelse/utbetaling.json)."""

    PLANLAGT_UTBETALING = "PLANLAGT_UTBETALING"
    UTBETALT = "UTBETALT"
    STOPPET = "STOPPET"
    ANNULLERT = "ANNULLERT"


class KravStatus(StrEnum):
    """A vilkår's or dokumentasjonkrav's status (LEVERT_TIDLIGERE only for dokumentasjonkrav)."""

    RELEVANT = "RELEVANT"
    LEVERT_TIDLIGERE = "LEVERT_TIDLIGERE"
    ANNULLERT = "ANNULLERT"
    OPPFYLT = "OPPFYLT"
    IKKE_OPPFYLT = "IKKE_OPPFYLT"


# A vilkår's statuses: those of a dokumentasjonkrav but LEVERT_TIDLIGERE (hendelse/vilkar.json).
VILKAR_STATUSES = tuple(status for status in KravStatus if status != KravStatus.LEVERT_TIDLIGERE)


class Filreferanse(StrEnum):
    """Where a letter is: our document store (dokumentlager, by id) or SvarUt (by id and number)."""

    DOKUMENTLAGER = "dokumentlager"
    SVARUT = "svarut"

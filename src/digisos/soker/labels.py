"""The format's statuses and outcomes in plain Norwegian, for employees' pages and forms (the applicant's own
pages word some of them differently, in innsyn). Lazy: forms read them when they are defined."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .constants import SaksStatus, SoknadsStatus, UtbetalingStatus, Utfall

STATUS_LABELS = {
    SoknadsStatus.MOTTATT: _("Mottatt"),
    SoknadsStatus.UNDER_BEHANDLING: _("Under behandling"),
    SoknadsStatus.FERDIGBEHANDLET: _("Ferdig behandlet"),
    SoknadsStatus.BEHANDLES_IKKE: _("Behandles ikke"),
    SaksStatus.IKKE_INNSYN: _("Ikke innsyn"),
    SaksStatus.FEILREGISTRERT: _("Feilregistrert"),
    UtbetalingStatus.PLANLAGT_UTBETALING: _("Planlagt utbetaling"),
    UtbetalingStatus.UTBETALT: _("Utbetalt"),
    UtbetalingStatus.STOPPET: _("Stoppet"),
    UtbetalingStatus.ANNULLERT: _("Annullert"),
    Utfall.INNVILGET: _("Innvilget"),
    Utfall.DELVIS_INNVILGET: _("Delvis innvilget"),
    Utfall.AVSLATT: _("Avslått"),
    Utfall.AVVIST: _("Avvist"),
}


def status_label(status: str) -> str:
    """A status or outcome in words; an unknown one as it was written."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def choices(*statuses: str) -> list[tuple[str, str]]:
    return [(str(status), STATUS_LABELS[status]) for status in statuses]


# The title of a sak that DigiSos's own inbox creates (bokmål, as a case system writes it; pages show it in
# their language: it is marked for translation here).
DEFAULT_SAK_TITLE = gettext_noop("Økonomisk sosialhjelp")

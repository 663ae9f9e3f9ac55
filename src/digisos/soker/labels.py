"""The format's statuses and outcomes in plain Norwegian, and the titles DigiSos gives that come back in it: their
one home, for employees' pages, the applicant's and forms, each shown in the page's language (the applicant's
timeline words some statuses as sentences of its own, in innsyn). Lazy: forms read them when they are defined."""

from collections.abc import Callable
from functools import cache

from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from digisos.application.requirements import known_titles

from .constants import SENDT, KravStatus, SaksStatus, SoknadsStatus, UtbetalingStatus, Utfall

STATUS_LABELS = {
    # Not in the format: an application before the case system has said MOTTATT (constants.SENDT).
    SENDT: _("Sendt"),
    SoknadsStatus.MOTTATT: _("Mottatt"),
    SoknadsStatus.UNDER_BEHANDLING: _("Under behandling"),
    SoknadsStatus.FERDIGBEHANDLET: _("Ferdig behandlet"),
    SoknadsStatus.BEHANDLES_IKKE: _("Behandles ikke"),
    SaksStatus.IKKE_INNSYN: _("Ikke innsyn"),
    SaksStatus.FEILREGISTRERT: _("Feilregistrert"),
    UtbetalingStatus.PLANLAGT_UTBETALING: _("Planlagt utbetaling"),
    UtbetalingStatus.UTBETALT: _("Utbetalt"),
    UtbetalingStatus.STOPPET: _("Stoppet"),
    UtbetalingStatus.ANNULLERT: _("Annullert"),  # a vilkår's or dokumentasjonkrav's ANNULLERT too
    Utfall.INNVILGET: _("Innvilget"),
    Utfall.DELVIS_INNVILGET: _("Delvis innvilget"),
    Utfall.AVSLATT: _("Avslått"),
    Utfall.AVVIST: _("Avvist"),
    # A vilkår's or dokumentasjonkrav's status (the format says OPPFYLT and IKKE_OPPFYLT are read as RELEVANT:
    # employees see what the case system wrote).
    KravStatus.RELEVANT: _("Relevant"),
    KravStatus.OPPFYLT: _("Oppfylt"),
    KravStatus.IKKE_OPPFYLT: _("Ikke oppfylt"),
    KravStatus.LEVERT_TIDLIGERE: _("Levert tidligere"),
}


def status_label(status: str) -> str:
    """A status or outcome in words; an unknown one as it was written."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@cache
def status_texts(language: str | None) -> dict[str, str]:
    """Every status and outcome in words in `language` (pass the active one), translated once per language in a
    process: for a page that labels many rows (a lookup each, not a catalogue walk each)."""
    return {code: str(label) for code, label in STATUS_LABELS.items()}


def choices(*statuses: str) -> list[tuple[str, str]]:
    return [(str(status), STATUS_LABELS[status]) for status in statuses]


# The title of a sak that DigiSos's own inbox creates (bokmål, as a case system writes it; pages show it in
# their language: it is marked for translation here).
DEFAULT_SAK_TITLE = gettext_noop("Økonomisk sosialhjelp")

# Titles that DigiSos itself gives and a case system hands back: the inbox's default sak title (which a case
# system's event carries, in bokmål) and the application's requirement titles (bokmål msgids). Shown in the
# page's language; any other title is the case system's own words, shown as they came.
OUR_TITLES = known_titles() | {DEFAULT_SAK_TITLE}


@cache
def _our_title_texts(language: str | None) -> dict[str, str]:
    return {title: gettext(title) for title in OUR_TITLES}


def title_texts() -> Callable[[str | None], str]:
    """`ours(title)`: a title a case system handed back (a sak's, a document asked for) as a page shows it, one
    of OUR_TITLES in the active language and any other unchanged ("" for none). Made once per page: the
    language's texts are looked up when it is made, and translated once per language in a process."""
    texts = _our_title_texts(get_language())

    def ours(title: str | None) -> str:
        return texts.get(title, title) if title else ""

    return ours


def title_text(title: str | None) -> str:
    """One title as `title_texts` shows it, for a page that shows a few."""
    return title_texts()(title)

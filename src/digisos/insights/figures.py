"""The published figures: one declared list, each with its written definition (shown beside it on the page,
in the CSV and the API, and in docs/statistics.md).

A figure is one of three kinds:
- `count`: people-counts that sum over the area hierarchy (municipality → county → country); counts 1–4 are
  published as "under 5" and secondary suppression protects them (insights/suppression.py);
- `share` and `duration`: derived from counts; withheld whenever a count they come from is hidden or small;
- `coverage`: connected municipalities and their inhabitants, which say nothing about a person (not suppressed).

Sources registered in digisos.core.statistics_sources become `count` figures of their own (see `all_figures`).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from digisos.core import statistics_sources

COUNT, SHARE, DURATION, COVERAGE = "count", "share", "duration", "coverage"


@dataclass(frozen=True)
class Figure:
    key: str  # stable: the API's and the CSV's column
    kind: str
    name: Any
    definition: Any
    unit: Any = ""


FIGURES: tuple[Figure, ...] = (
    Figure(
        "digital_standard",
        COUNT,
        _("Søknader sendt digitalt (standard)"),
        _(
            "Søknader om økonomisk sosialhjelp sendt gjennom DigiSos med det vanlige skjemaet, talt i måneden "
            "søknaden ble sendt (norsk tid) og i kommunen som mottok den."
        ),
        _("søknader"),
    ),
    Figure(
        "digital_short",
        COUNT,
        _("Søknader sendt digitalt (kort søknad)"),
        _(
            "Søknader sendt gjennom DigiSos med kort søknad (for den som nylig har fått hjelp i samme kommune), "
            "talt i måneden søknaden ble sendt og i kommunen som mottok den."
        ),
        _("søknader"),
    ),
    Figure(
        "paper",
        COUNT,
        _("Papirsøknader"),
        _(
            "Papirsøknader som kommunens fagsystem har registrert i DigiSos (saker uten digital søknad), talt i "
            "måneden de ble registrert, pluss antallet en kommune med manuell innboks selv fører inn for måneden."
        ),
        _("søknader"),
    ),
    Figure(
        "ettersendelser",
        COUNT,
        _("Ettersendelser"),
        _(
            "Dokumenter sendt etter søknaden gjennom DigiSos (hver innsending teller én), talt i måneden de ble "
            "sendt og i kommunen som mottok dem."
        ),
        _("ettersendelser"),
    ),
    Figure(
        "digital_share",
        SHARE,
        _("Andel digitale søknader"),
        _(
            "Digitale søknader (standard og kort) delt på alle søknader (digitale og papir) i måneden, i prosent. "
            "Vises ikke når et av tallene den bygger på er skjult."
        ),
        "%",
    ),
    Figure(
        "connected_municipalities",
        COVERAGE,
        _("Kommuner som tar imot digital søknad"),
        _(
            "Kommuner som tar imot digital søknad i dag og som hadde startet (oppstartsdato i påkoblingen på "
            "eller før månedens siste dag). Kommuner uten påkoblingsløp telles i alle måneder."
        ),
        _("kommuner"),
    ),
    Figure(
        "connected_inhabitants",
        COVERAGE,
        _("Innbyggere som kan søke digitalt"),
        _("Folketallet i kommunene som tar imot digital søknad (se forrige tall), etter kommuneregisteret."),
        _("innbyggere"),
    ),
    Figure(
        "received_median",
        DURATION,
        _("Tid fra sendt til mottatt (median)"),
        _(
            "For digitale søknader sendt i måneden: timer fra søknaden ble sendt til fagsystemet meldte den "
            "mottatt. Halvparten går fortere. Bare søknader som er meldt mottatt telles."
        ),
        _("timer"),
    ),
    Figure(
        "received_p90",
        DURATION,
        _("Tid fra sendt til mottatt (90-persentil)"),
        _("Som over, men tiden ni av ti søknader holder seg innenfor."),
        _("timer"),
    ),
    Figure(
        "preliminary_median",
        DURATION,
        _("Tid fra sendt til foreløpig svar (median)"),
        _(
            "For digitale søknader sendt i måneden som fikk foreløpig svar: timer fra sendt til det første "
            "foreløpige svaret."
        ),
        _("timer"),
    ),
    Figure(
        "preliminary_p90",
        DURATION,
        _("Tid fra sendt til foreløpig svar (90-persentil)"),
        _("Som over, men tiden ni av ti holder seg innenfor."),
        _("timer"),
    ),
    Figure(
        "decision_median",
        DURATION,
        _("Tid fra sendt til vedtak (median)"),
        _(
            "For digitale søknader sendt i måneden som har fått vedtak: timer fra sendt til det første vedtaket."
        ),
        _("timer"),
    ),
    Figure(
        "decision_p90",
        DURATION,
        _("Tid fra sendt til vedtak (90-persentil)"),
        _("Som over, men tiden ni av ti holder seg innenfor."),
        _("timer"),
    ),
    Figure(
        "decided_without_request",
        SHARE,
        _("Avgjort uten å be om flere dokumenter"),
        _(
            "Av digitale søknader sendt i måneden som har fått vedtak: andelen der saksbehandleren ikke ba om "
            "flere dokumenter (ingen dokumentasjon etterspurt) før vedtaket, i prosent."
        ),
        "%",
    ),
    Figure(
        "requests_answered_on_time",
        SHARE,
        _("Etterspurte dokumenter besvart digitalt i tide"),
        _(
            "Av digitale søknader sendt i måneden der saksbehandleren ba om dokumenter: andelen der søkeren "
            "sendte en ettersendelse gjennom DigiSos etter at dokumentene ble etterspurt og innen fristen (uten "
            "kjent frist: før vedtaket), i prosent."
        ),
        "%",
    ),
)

# Figures withheld together with the count they are computed from (the denominator behind a share or a
# duration, held as "n" in the cells; see facts.cell_values).
DERIVED_FROM = {
    "received_median": "received_n",
    "received_p90": "received_n",
    "preliminary_median": "preliminary_n",
    "preliminary_p90": "preliminary_n",
    "decision_median": "decision_n",
    "decision_p90": "decision_n",
}


def source_figure(source: statistics_sources.StatisticsSource) -> Figure:
    return Figure(f"source:{source.key}", COUNT, source.name, source.definition)


# Registered sources whose counts are added to a figure of ours instead of becoming one of their own: the
# inbox municipality's monthly paper count (issue 14, s10-baseline registers it from the inbox app).
MERGED_SOURCES = {"paper_applications_inbox": "paper"}


def all_figures() -> list[Figure]:
    extra = [source_figure(s) for s in statistics_sources.registered() if s.key not in MERGED_SOURCES]
    return [*FIGURES, *extra]


def by_key() -> dict[str, Figure]:
    return {figure.key: figure for figure in all_figures()}

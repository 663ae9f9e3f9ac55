"""GET /api/public/v1/statistikk/ (JSON) and /api/public/v1/statistikk/csv: the dashboard's figures as open
data, read from the published aggregates; a suppressed figure is {"value": null, "suppressed": "under 5"}.

For a municipality after go-live with a baseline, both also carry what the dashboard's benefits section shows
(benefits.compare over the same published points): the baseline, who measured it (the municipality — the
measurer's name is never published, as the baseline form promises), how and when, each month's values against
it with the same marks, and the benefits' names and definitions."""

import csv
import io
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from digisos.onboarding.selectors import baseline_for

from . import benefits as b
from . import selectors
from .publish import COUNTRY, COUNTY, MUNICIPALITY

router = Router(tags=["statistikk"])

LEVELS = {"land": COUNTRY, "fylke": COUNTY, "kommune": MUNICIPALITY}
MARKS = {"under5": "under 5", "secondary": "skjult", "withheld": "holdt tilbake"}


class Omrade(Schema):
    niva: str = Field("land", pattern="^(land|fylke|kommune)$", description="land | fylke | kommune")
    kode: str = Field(
        "",
        pattern=r"^([0-9]{2}|[0-9]{4})?$",
        description="Fylkesnummer (to siffer) eller kommunenummer (fire siffer).",
    )


class Punkt(Schema):
    periode: str = Field(..., description="Månedens første dag, ÅÅÅÅ-MM-DD.")
    value: float | None
    suppressed: str | None = Field(
        None,
        description="Hvorfor tallet ikke vises: «under 5», «skjult» (for å verne et annet tall) eller «holdt tilbake» (bygger på et skjult eller lite tall).",
    )


class Tall(Schema):
    nokkel: str
    navn: str
    definisjon: str
    enhet: str
    punkter: list[Punkt]


class Verdi(Schema):
    nokkel: str
    value: float | None
    suppressed: str | None = Field(
        None,
        description="Hvorfor tallet ikke vises, som for tallene over: «under 5», «skjult» eller «holdt tilbake» "
        "(regnet fra et skjult tall eller et nullpunktstall under 5). null med value null: ikke målt eller "
        "ingen data.",
    )
    minst: bool = Field(
        False,
        description="Et «minst»-tall: en av de digitale søknadstypene er skjult, eller papir «under 5».",
    )


class NullpunktVerdi(Verdi):
    navn: str


class Nullpunkt(Schema):
    malt_av: str = Field(
        ..., description="Kommunen som målte. Navnet på den som målte, publiseres ikke (det lover skjemaet)."
    )
    metode: str = Field(..., description="Hvordan kommunen målte, med kommunens egne ord.")
    malt_fra: str = Field(..., description="Første dag i perioden som ble målt, ÅÅÅÅ-MM-DD.")
    malt_til: str = Field(..., description="Siste dag i perioden som ble målt, ÅÅÅÅ-MM-DD.")
    verdier: list[NullpunktVerdi] = Field(
        ...,
        description="applications_per_month, digital_share (prosent), paper_per_month, "
        "minutes_per_paper_application, office_visits_per_month, phone_calls_per_month, days_to_decision. "
        "Tall under 5 vises som «under 5», og andelen digitalt holdes da tilbake, som på siden.",
    )


class Definisjon(Schema):
    nokkel: str
    navn: str
    definisjon: str


class Maned(Schema):
    periode: str = Field(..., description="Månedens første dag, ÅÅÅÅ-MM-DD.")
    verdier: list[Verdi] = Field(
        ...,
        description="digital_share (prosent), digital_share_change (prosentpoeng mot nullpunktet), paper, "
        "paper_avoided, hours_saved, trips_avoided, decision_days (median), decision_days_change (dager mot "
        "nullpunktet; negativt: raskere). *_change hører til definisjonen uten _change.",
    )


class Nytte(Schema):
    oppstart: str = Field(..., description="Dagen kommunen tok i bruk digital søknad, ÅÅÅÅ-MM-DD.")
    forste_maned: str = Field(
        ..., description="Den første hele måneden etter oppstart: sammenligningen starter her."
    )
    nullpunkt: Nullpunkt
    definisjoner: list[Definisjon]
    maneder: list[Maned]
    sum: list[Verdi] = Field(
        ...,
        description="paper_avoided, hours_saved og trips_avoided summert over månedene der de vises (minst: en "
        "måned er holdt tilbake eller er selv et «minst»-tall).",
    )


class Statistikk(Schema):
    niva: str
    kode: str
    navn: str
    regel: str
    tall: list[Tall]
    nytte: Nytte | None = Field(
        None,
        description="Gevinster mot nullpunktet (nullpunktsmåling): bare for en kommune som har tatt i bruk "
        "digital søknad og registrert et nullpunkt; de samme tallene som på statistikksiden.",
    )


class Feil(Schema):
    detail: str
    code: str
    errors: list[dict[str, str]]


RULE = (
    "Antall fra 0 til 4 vises som «under 5». Det minste tallet på 5 eller mer i samme sum, eller summen selv, "
    "skjules («skjult») der et tall under 5 ellers kunne regnes ut fra summene (kommune, fylke, land). Andeler "
    "og tider som bygger på skjulte tall eller færre enn 5 saker, holdes tilbake («holdt tilbake»)."
)


def _area(omrade: Omrade) -> tuple[str, str, str] | Feil:
    level = LEVELS[omrade.niva]
    code = "" if level == COUNTRY else omrade.kode
    name = selectors.area_name(level, code) if code or level == COUNTRY else None
    if name is None:
        message = f"Fant ikke {omrade.niva} med kode «{omrade.kode}»."
        return Feil(detail=message, code="unknown_area", errors=[{"path": "kode", "message": message}])
    return level, code, name


# Answers by (format, level, code, version of the figures, language): the figures change once an hour, and a
# version check is one cheap query (selectors.version).
_answers: dict[tuple, bytes] = {}
MAX_CACHED_ANSWERS = 4000


def _kept(key: tuple, make) -> bytes:
    if key[-2] is None:  # never computed (selectors.version): nothing worth keeping
        return make()
    answer = _answers.get(key)
    if answer is None:
        answer = make()
        if len(_answers) >= MAX_CACHED_ANSWERS:
            _answers.clear()
        _answers[key] = answer
    return answer


@router.get("/", response={200: Statistikk, 404: Feil}, summary="Statistikk for land, fylke eller kommune")
def statistics(request: HttpRequest, omrade: Query[Omrade]):
    # A kept answer first: only a known area's answer is ever kept, so the area need not be looked up again.
    key = ("json", omrade.niva, omrade.kode, selectors.version(), get_language())
    body = _answers.get(key) if key[-2] is not None else None
    if body is None:
        found = _area(omrade)
        if isinstance(found, Feil):
            return Status(404, found)
        body = _kept(key, lambda: json.dumps(_statistics(omrade, *found), ensure_ascii=False).encode())
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _statistics(omrade: Omrade, level: str, code: str, name: str) -> dict:
    all_series = selectors.series(level, code)
    return {
        "niva": omrade.niva,
        "kode": code,
        "navn": name,
        "regel": RULE,
        "nytte": _benefits(level, code, name, all_series),
        "tall": [
            {
                "nokkel": s.figure.key,
                "navn": str(s.figure.name),
                "definisjon": str(s.figure.definition),
                "enhet": str(s.figure.unit),
                "punkter": [
                    {"periode": p.period.isoformat(), "value": p.value, "suppressed": MARKS.get(p.suppressed)}
                    for p in s.points
                ],
            }
            for s in all_series
        ],
    }


def _number(value) -> float | None:
    return None if value is None else float(value)


def _shown(value: b.Shown) -> dict:
    return {
        "nokkel": value.key,
        "value": _number(value.value),
        "suppressed": MARKS.get(value.mark),
        "minst": value.at_least,
    }


def _compared(level: str, code: str, all_series) -> tuple[b.Benefits, object, dict] | None:
    """The dashboard's comparison (views.baseline_context) for a municipality after go-live, else None."""
    if level != MUNICIPALITY:
        return None
    baseline = baseline_for(code)
    observed, marks = b.observed_from(all_series)
    under5 = {key: {p for p, mark in points.items() if mark == b.UNDER5} for key, points in marks.items()}
    benefits = b.compare(baseline, observed, under5)
    if benefits is None:
        return None
    return benefits, baseline, marks


def _benefits(level: str, code: str, name: str, all_series) -> dict | None:
    compared = _compared(level, code, all_series)
    if compared is None:
        return None
    benefits, baseline, marks = compared
    names = {key: str(label) for key, label, _small in b.BASELINE_FIELDS}
    return {
        "oppstart": benefits.went_live_on.isoformat(),
        "forste_maned": benefits.first_month.isoformat(),
        "nullpunkt": {
            "malt_av": name,
            "metode": baseline.method,
            "malt_fra": baseline.measured_from.isoformat(),
            "malt_til": baseline.measured_to.isoformat(),
            "verdier": [{**_shown(v), "navn": names[v.key]} for v in b.baseline_values(benefits.baseline)],
        },
        "definisjoner": [
            {"nokkel": d.key, "navn": str(d.name), "definisjon": str(d.definition)} for d in b.DEFINITIONS
        ],
        "maneder": [
            {
                "periode": m.period.isoformat(),
                "verdier": [_shown(v) for v in b.month_values(m, benefits.baseline, marks)],
            }
            for m in benefits.months
        ],
        "sum": [_shown(v) for v in b.total_values(benefits)],
    }


CSV_DESCRIPTION = (
    "Kolonner: niva, kode, navn, tall, periode, verdi, skjult, merknad. Én rad per tall og måned; «skjult» sier "
    "hvorfor verdien mangler («under 5», «skjult», «holdt tilbake»). For en kommune etter oppstart med nullpunkt "
    "kommer gevinstene mot nullpunktet, som på statistikksiden: «nullpunkt:<nøkkel>» (uten periode; "
    "nullpunkt:malt_av, nullpunkt:metode, nullpunkt:malt_fra og nullpunkt:malt_til har tekst i verdi), "
    "«gevinst:<nøkkel>» per måned og «gevinst_sum:<nøkkel>»; merknad «minst» betyr et «minst»-tall. Nøklene og "
    "definisjonene: JSON-svaret, feltet nytte."
)


@router.get(
    "/csv",
    response={200: str, 404: Feil},
    summary="Det samme som CSV (én rad per tall og måned)",
    description=CSV_DESCRIPTION,
)
def statistics_csv(request: HttpRequest, omrade: Query[Omrade]):
    key = ("csv", omrade.niva, omrade.kode, selectors.version(), get_language())
    body = _answers.get(key) if key[-2] is not None else None
    if body is None:
        found = _area(omrade)
        if isinstance(found, Feil):
            return Status(404, found)
        body = _kept(key, lambda: _csv(omrade, *found))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statistikk.csv"'
    return response


def _csv(omrade: Omrade, level: str, code: str, name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["niva", "kode", "navn", "tall", "periode", "verdi", "skjult", "merknad"])
    all_series = selectors.series(level, code)
    for s in all_series:
        for p in s.points:
            value = "" if p.value is None else f"{p.value:g}"
            writer.writerow(
                [
                    omrade.niva,
                    code,
                    name,
                    s.figure.key,
                    p.period.isoformat(),
                    value,
                    MARKS.get(p.suppressed, ""),
                    "",
                ]
            )
    for tall, periode, verdi, skjult, merknad in _benefit_rows(level, code, name, all_series):
        writer.writerow([omrade.niva, code, name, tall, periode, verdi, skjult, merknad])
    return out.getvalue().encode()


def _csv_cells(value: b.Shown) -> tuple[str, str, str]:
    shown = "" if value.value is None else f"{float(value.value):g}"
    return shown, MARKS.get(value.mark, ""), "minst" if value.at_least else ""


def _benefit_rows(level: str, code: str, name: str, all_series) -> list[tuple[str, str, str, str, str]]:
    """The JSON's `nytte` as CSV rows: (tall, periode, verdi, skjult, merknad)."""
    compared = _compared(level, code, all_series)
    if compared is None:
        return []
    benefits, baseline, marks = compared
    rows = [
        ("nullpunkt:oppstart", "", benefits.went_live_on.isoformat(), "", ""),
        ("nullpunkt:malt_av", "", name, "", ""),
        ("nullpunkt:metode", "", baseline.method, "", ""),
        ("nullpunkt:malt_fra", "", baseline.measured_from.isoformat(), "", ""),
        ("nullpunkt:malt_til", "", baseline.measured_to.isoformat(), "", ""),
    ]
    rows += [(f"nullpunkt:{v.key}", "", *_csv_cells(v)) for v in b.baseline_values(benefits.baseline)]
    for m in benefits.months:
        rows += [
            (f"gevinst:{v.key}", m.period.isoformat(), *_csv_cells(v))
            for v in b.month_values(m, benefits.baseline, marks)
        ]
    rows += [(f"gevinst_sum:{v.key}", "", *_csv_cells(v)) for v in b.total_values(benefits)]
    return rows

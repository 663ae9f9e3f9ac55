"""GET /api/public/v1/statistikk/ (JSON) and /api/public/v1/statistikk/csv: the dashboard's figures as open
data, read from the published aggregates; a suppressed figure is {"value": null, "suppressed": "under 5"}."""

import csv
import io
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from . import selectors
from .publish import COUNTRY, COUNTY, MUNICIPALITY

router = Router(tags=["statistikk"])

LEVELS = {"land": COUNTRY, "fylke": COUNTY, "kommune": MUNICIPALITY}
MARKS = {"under5": "under 5", "secondary": "skjult", "withheld": "holdt tilbake"}


class Omrade(Schema):
    niva: str = Field("land", pattern="^(land|fylke|kommune)$", description="land | fylke | kommune")
    kode: str = Field(
        "",
        pattern=r"^(\d{2}|\d{4})?$",
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


class Statistikk(Schema):
    niva: str
    kode: str
    navn: str
    regel: str
    tall: list[Tall]


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
    return {
        "niva": omrade.niva,
        "kode": code,
        "navn": name,
        "regel": RULE,
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
            for s in selectors.series(level, code)
        ],
    }


@router.get("/csv", response={200: str, 404: Feil}, summary="Det samme som CSV (én rad per tall og måned)")
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
    writer.writerow(["niva", "kode", "navn", "tall", "periode", "verdi", "skjult"])
    for s in selectors.series(level, code):
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
                ]
            )
    return out.getvalue().encode()

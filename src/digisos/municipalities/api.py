"""GET /api/public/v1/kommuner/{kommunenummer}: KS Fiks KommuneInfo's flags and what they mean for a citizen."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .selectors import digital_status, offices_of, service_version

# Answers by (kommunenummer, version, language). A version is the configuration's updated_at, which every
# flag change and every data load moves on, so a cached answer is never stale; one cheap query checks it.
_answers: dict[tuple[str, object, str], bytes] = {}
MAX_CACHED_ANSWERS = 4000

router = Router(tags=["kommuner"])


class KommunenummerPath(Schema):
    kommunenummer: str = Field(
        ..., pattern=r"^[0-9]{4}$", description="Kommunenummer med fire siffer, for eksempel 0301."
    )


class Papirsoknad(Schema):
    adresse: str
    telefon: str
    epost: str
    merknad: str


class NavKontor(Schema):
    enhetsnummer: str
    navn: str


class KommuneInfo(Schema):
    kommunenummer: str
    kommunenavn: str
    fylke: str
    kanMottaSoknader: bool
    kanOppdatereStatus: bool
    harMidlertidigDeaktivertMottak: bool
    harMidlertidigDeaktivertOppdateringer: bool
    utfall: str = Field(
        ...,
        description="digital_with_innsyn | digital_status_by_letter | paper_only | temporarily_closed",
    )
    melding: str = Field(..., description="Setningen innbyggeren får se, på norsk.")
    papirsoknad: Papirsoknad | None
    navKontorer: list[NavKontor]


class Feilmelding(Schema):
    detail: str


@router.get(
    "/{kommunenummer}", response={200: KommuneInfo, 404: Feilmelding}, summary="Kan jeg søke digitalt?"
)
def kommune(request: HttpRequest, path: Path[KommunenummerPath]):
    version = service_version(path.kommunenummer)
    key = (path.kommunenummer, version, get_language() or "")
    body = _answers.get(key) if version is not None else None
    if body is None:
        answer = _answer(path.kommunenummer)
        if answer is None:
            raise HttpError(404, f"Fant ingen kommune med kommunenummer {path.kommunenummer}.")
        body = answer.model_dump_json().encode()
        if len(_answers) >= MAX_CACHED_ANSWERS:
            _answers.clear()
        _answers[key] = body
    return HttpResponse(body, content_type="application/json")


def _answer(kommunenummer: str) -> KommuneInfo | None:
    status = digital_status(kommunenummer)
    if status is None:
        return None
    paper = status.paper_contact
    return KommuneInfo(
        kommunenummer=status.municipality.kommunenummer,
        kommunenavn=status.municipality.name,
        fylke=status.municipality.county_name,
        kanMottaSoknader=status.can_receive_applications,
        kanOppdatereStatus=status.can_update_status,
        harMidlertidigDeaktivertMottak=status.receiving_temporarily_disabled,
        harMidlertidigDeaktivertOppdateringer=status.updates_temporarily_disabled,
        utfall=status.outcome,
        melding=status.message,
        papirsoknad=(
            Papirsoknad(adresse=paper.address, telefon=paper.phone, epost=paper.email, merknad=paper.note)
            if status.outcome == "paper_only"
            else None
        ),
        navKontorer=[NavKontor(enhetsnummer=o.enhetsnummer, navn=o.name) for o in offices_of(kommunenummer)],
    )

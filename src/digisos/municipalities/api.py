"""GET /api/public/v1/kommuner/{kommunenummer}: KS Fiks KommuneInfo's flags and what they mean for a citizen."""

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .selectors import digital_status, offices_of

router = Router(tags=["kommuner"])


class KommunenummerPath(Schema):
    kommunenummer: str = Field(
        ..., pattern=r"^\d{4}$", description="Kommunenummer med fire siffer, for eksempel 0301."
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
    status = digital_status(path.kommunenummer)
    if status is None:
        raise HttpError(404, f"Fant ingen kommune med kommunenummer {path.kommunenummer}.")
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
        navKontorer=[
            NavKontor(enhetsnummer=o.enhetsnummer, navn=o.name) for o in offices_of(path.kommunenummer)
        ],
    )

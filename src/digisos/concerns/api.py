"""The API the municipality's child-welfare case system collects reports through.

Its own API, scope and client: the child-welfare case system is not the social-services one. It gets its
token from the exchange's /token with the scope `bekymringsmelding:collect` (registered on its client with
`exchange_connect`/`register_client(scopes=...)`); the exchange's endpoints want `exchange:collect`, these want
`bekymringsmelding:collect`, so neither client reaches the other's data. Errors are `{detail, code, errors}`
as in the exchange.
"""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic_core import to_json

from digisos.core.api_docs import OwnOriginSwagger
from digisos.core.schema_messages import input_violations
from digisos.exchange.api import (
    ENCRYPTED_FILE_RESPONSE,
    Feil,
    Scoped,
    SideQuery,
    StrictJsonParser,
    encrypted_download,
    parser_error,
)

from . import delivery as deliveries
from . import services
from .apps import COLLECT_SCOPE
from .apps import SEND_SCOPE as SEND_SCOPE_NAME
from .models import ConcernDeliveredFile, ConcernDelivery
from .selectors import available_listing_json, delivery_for_municipality
from .validation import FORMS, schema_violations

SCOPE = COLLECT_SCOPE
COLLECT = Scoped(SCOPE)
# For school, health and police systems (or another municipality) that send reports; not for collecting.
SEND_SCOPE = SEND_SCOPE_NAME
SEND = Scoped(SEND_SCOPE)

api = NinjaAPI(
    title="DigiSos barnevern API",
    version="1",
    description=(
        "For barnevernets fagsystemer: hent bekymringsmeldinger (bekymringsmelding.json etter KS' v2-skjema, "
        "PDF/A og ASiC-E med de to, kryptert til tjenestens sertifikat), kvitter for mottak (mottatt) eller meld "
        f"feil (feilet). Token fra /api/exchange/v1/token med scope {SCOPE}."
    ),
    urls_namespace="barnevern-api",
    docs_url="/docs",
    docs=OwnOriginSwagger(),
    parser=StrictJsonParser(),
)
ERRORS = {400: Feil, 401: Feil, 403: Feil, 404: Feil}


class Fil(Schema):
    id: uuid.UUID
    rolle: str = Field(..., description="json, pdf eller asice")
    filnavn: str
    storrelse: int


class Bekymringsmelding(Schema):
    id: uuid.UUID = Field(..., description="bekymringsmelding-id")
    skjema: str = Field(..., description="privat eller offentlig")
    kommunenummer: str
    bydelsnummer: str
    bydelsnavn: str
    tilgjengelig: datetime
    status: str
    filer: list[Fil]


class Side(Schema):
    bekymringsmeldinger: list[Bekymringsmelding]
    neste: str | None = Field(None, description="Markøren til neste side (etter=…), eller null.")


class Kvittering(Schema):
    id: uuid.UUID
    status: str
    mottatt: datetime | None


class Feilmelding(Schema):
    """KS: feilmelding.json."""

    melding: str = Field(..., min_length=1, max_length=2000)


def _kommune(request: HttpRequest) -> str:
    return request.auth.kommunenummer  # type: ignore[attr-defined]


def _as_json(delivery: ConcernDelivery) -> dict[str, Any]:
    return {
        "id": delivery.report_id,
        "skjema": delivery.report.kind,
        "kommunenummer": delivery.office.municipality_id,
        "bydelsnummer": delivery.office.bydelsnummer,
        "bydelsnavn": delivery.office.bydelsnavn,
        "tilgjengelig": delivery.available_at,
        "status": delivery.status,
        "filer": [
            {"id": f.public_id, "rolle": f.role, "filnavn": f.filename, "storrelse": f.size}
            for f in delivery.files.all()
        ],
    }


@api.get(
    "/bekymringsmeldinger",
    response={200: Side, **ERRORS},
    auth=COLLECT,
    summary="Bekymringsmeldinger som er klare til henting og ikke kvittert for",
)
def bekymringsmeldinger(request: HttpRequest, side: Query[SideQuery]):
    listed = available_listing_json(_kommune(request), after=int(side.etter or 0), limit=side.antall + 1)
    more = len(listed) > side.antall
    listed = listed[: side.antall]
    # The page as Side writes it, around the reports' JSON as the selector wrote it (the database on
    # PostgreSQL), as the exchange's list (exchange.api.leveranser): no report is parsed or built again here.
    documents = ",".join(document for _, document in listed)
    neste = to_json(str(listed[-1][0]) if more else None).decode()
    return HttpResponse(
        ('{"bekymringsmeldinger":[' + documents + '],"neste":' + neste + "}").encode(),
        content_type="application/json",
    )


def _delivery(request: HttpRequest, melding_id: uuid.UUID) -> ConcernDelivery:
    found = delivery_for_municipality(_kommune(request), melding_id)
    if found is None:
        raise HttpError(404, f"Fant ingen bekymringsmelding {melding_id} for kommunen.")
    return found


@api.get(
    "/bekymringsmeldinger/{melding_id}",
    response={200: Bekymringsmelding, **ERRORS},
    auth=COLLECT,
    summary="Én bekymringsmelding med filene sine",
)
def bekymringsmelding(request: HttpRequest, melding_id: uuid.UUID):
    return _as_json(_delivery(request, melding_id))


@api.get(
    "/bekymringsmeldinger/{melding_id}/filer/{fil_id}",
    response=ERRORS,
    auth=COLLECT,
    summary="Last ned én fil, kryptert (CMS) til tjenestens sertifikat",
    openapi_extra=ENCRYPTED_FILE_RESPONSE,
)
def fil(request: HttpRequest, melding_id: uuid.UUID, fil_id: uuid.UUID):
    found = _delivery(request, melding_id)
    file = ConcernDeliveredFile.objects.filter(delivery=found, public_id=fil_id).first()
    if file is None:
        raise HttpError(404, f"Fant ingen fil {fil_id} i bekymringsmeldingen.")
    return encrypted_download(file.storage_name, f"{file.filename}.p7m")


@api.post(
    "/bekymringsmeldinger/{melding_id}/mottatt",
    response={200: Kvittering, 409: Feil, **ERRORS},
    auth=COLLECT,
    summary="Kvitter for mottak (KS: mottatt; trygt å gjenta)",
)
def mottatt(request: HttpRequest, melding_id: uuid.UUID):
    try:
        done = deliveries.acknowledge(delivery_id=_delivery(request, melding_id).pk)
    except deliveries.DeliveryRefused:
        raise HttpError(409, "Bekymringsmeldingen er meldt som feilet og kan ikke kvitteres for.") from None
    return Status(200, Kvittering(id=done.report_id, status=done.status, mottatt=done.collected_at))


@api.post(
    "/bekymringsmeldinger/{melding_id}/feilet",
    response={200: Kvittering, 409: Feil, **ERRORS},
    auth=COLLECT,
    summary="Meld at meldingen ikke kunne lagres (KS: feilet); den sendes da som brev",
)
def feilet(request: HttpRequest, melding_id: uuid.UUID, body: Feilmelding):
    try:
        done = deliveries.refuse(delivery_id=_delivery(request, melding_id).pk, message=body.melding)
    except deliveries.DeliveryRefused:
        raise HttpError(409, "Bekymringsmeldingen er allerede kvittert for eller meldt som feilet.") from None
    return Status(200, Kvittering(id=done.report_id, status=done.status, mottatt=None))


def _error(
    request: HttpRequest, status: int, code: str, detail: str, errors: list[dict[str, str]]
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, "errors": errors}, status=status)


class Mottatt(Schema):
    id: uuid.UUID = Field(..., description="bekymringsmelding-id")


REFUSALS = {
    "not_activated": (409, "Kommunen tar ikke imot bekymringsmeldinger digitalt."),
    "unknown_district": (400, "Kommunen har ingen aktiv barneverntjeneste med dette bydelsnummeret."),
}


@api.post(
    "/mottak/{skjema}",
    response={201: Mottatt, 409: Feil, **ERRORS},
    auth=SEND,
    summary="Send en bekymringsmelding fra et annet system (skole, helse, politi)",
    description=(
        "Kroppen er bekymringsmelding.json etter KS' v2-skjema for skjemaet (privat eller offentlig); "
        "leveringskanal er navnet på virksomheten som sender. Feil svarer 400 med stien til hvert brudd. "
        f"Krever scope {SEND_SCOPE}."
    ),
)
def mottak(request: HttpRequest, skjema: str, document: Body[dict[str, Any]]):
    if skjema not in FORMS:
        raise HttpError(404, "Skjemaet må være privat eller offentlig.")
    violations = schema_violations(document, skjema)  # type: ignore[arg-type]
    if violations:
        errors = [{"path": path, "message": message} for path, message in violations]
        detail = "Bekymringsmeldingen følger ikke KS' v2-skjema."
        return _error(request, 400, "invalid_document", detail, errors[:100])
    if not document["leveringskanal"].strip():
        message = "Skriv navnet på virksomheten som sender."
        return _error(
            request, 400, "invalid_document", message, [{"path": "leveringskanal", "message": message}]
        )
    grant = request.auth  # type: ignore[attr-defined]
    try:
        report = services.receive_from_system(client_id=grant.client_id, form=skjema, document=document)
    except services.ReportRefused as refused:
        status, detail = REFUSALS[refused.reason]
        path = "bydelsnummer" if refused.reason == "unknown_district" else "kommunenummer"
        return _error(request, status, refused.reason, detail, [{"path": path, "message": detail}])
    return Status(201, Mottatt(id=report.id))


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = input_violations(exc.errors)
    detail = "; ".join(e["message"] for e in errors[:100]) or "Ugyldig forespørsel."
    return _error(request, 400, "invalid_request", detail, errors[:100])


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "unauthorized", "Mangler eller ugyldig tilgangstoken. Hent et nytt fra /token.", []
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    refused = parser_error(exc)
    if refused is not None:
        detail, errors = refused
        return _error(request, 400, "invalid_json", detail, errors[:100])
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc), [])

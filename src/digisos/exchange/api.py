"""The exchange API for municipal case systems: /api/exchange/v1/ (OpenAPI in docs/api/exchange-v1.yaml).

Modelled on KS Fiks Digisos: collect deliveries (søknad, ettersendelse) with their encrypted files and
acknowledge them; report the case with the whole digisos-soker.json each time and the letters it refers to;
register paper applications; read the municipality's service flags. Every error is a 4xx whose body names
the field or rule (`detail`, `code`, `errors[].path`).
"""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import storages
from django.http import HttpRequest, HttpResponse
from ninja import Body, File, Form, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import Field
from pydantic_core import to_json

from digisos.core.api_docs import OwnOriginSwagger
from digisos.core.schema_messages import input_violations
from digisos.municipalities.selectors import digital_status

from . import errors, selectors
from .errors import ExchangeRefused
from .models import SCOPES, Case, Delivery
from .services.delivery import acknowledge, create_paper_case
from .services.letters import store_letter
from .services.reporting import report_case_events
from .tokens import Grant, GrantRefused, grant_of_access_token, issue_access_token
from .validation import InvalidJson, parse_json_object

PREFIX = "/api/exchange/v1"


class Scoped(HttpBearer):
    """Bearer access token from /token, carrying the given scope."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Grant | None:
        grant = grant_of_access_token(token)
        if grant is None:
            return None
        if self.scope not in grant.scopes:
            raise HttpError(403, f"Tilgangen mangler scope {self.scope}.")
        return grant


COLLECT = Scoped("exchange:collect")
REPORT = Scoped("exchange:report")

# An error body lists at most this many violations, then one entry saying how many more there were: a
# document with 30,000 broken events must not answer with megabytes of errors.
MAX_ERRORS = 100


class StrictJsonParser(Parser):
    """A JSON object without NaN and Infinity (see validation.parse_json_object); its errors name the path and the
    place."""

    def parse_body(self, request: HttpRequest) -> Any:
        return parse_json_object(request.body)


api = NinjaAPI(
    title="DigiSos exchange API",
    version="1",
    description=(
        "For kommunale fagsystemer: hent søknader og ettersendelser, kvitter for mottak, send "
        "saksoppdateringer (digisos-soker.json) og brev. Autentisering: signert JWT-grant mot /token "
        "(Maskinporten-mønster). Scopes: "
        + "; ".join(f"{name}: {text}" for name, text in SCOPES.items())
        + "."
    ),
    urls_namespace="exchange-api",
    docs_url="/docs",
    docs=OwnOriginSwagger(),
    parser=StrictJsonParser(),
)


class Feil(Schema):
    detail: str = Field(..., description="Hva som er galt, på norsk.")
    code: str = Field("", description="Stabil kode for regelen som slo til.")
    errors: list[dict[str, str]] = Field(
        default_factory=list,
        description=(
            "Hvert brudd med path (skråstrekdelt JSON-sti eller feltnavn) og message. Høyst 100 brudd; er "
            "det flere, sier en siste oppføring med tom path hvor mange til."
        ),
    )


class TokenFeil(Schema):
    error: str
    error_description: str


ERRORS = {400: Feil, 401: Feil, 403: Feil, 404: Feil, 413: Feil}

# A delivered file's download as OpenAPI describes it (encrypted_download), for every kind's API.
ENCRYPTED_FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "CMS EnvelopedData (DER). Åpnes med `openssl cms -decrypt -inform DER`.",
            "content": {"application/pkcs7-mime": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _actor_id(request: HttpRequest) -> int:
    """The case system's service user, by id: the access token names it (issued to it minutes ago).
    The services take the id and read what they need of the user themselves."""
    return request.auth.user_id  # type: ignore[attr-defined]


def _kommune(request: HttpRequest) -> str:
    return request.auth.kommunenummer  # type: ignore[attr-defined]


# --- Token ------------------------------------------------------------------------------------------------


class Token(Schema):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int
    scope: str


@api.post(
    "/token",
    response={200: Token, 400: TokenFeil},
    auth=None,
    tags=["autentisering"],
    summary="Bytt en signert JWT-grant i et tilgangstoken",
)
def token(
    request: HttpRequest, response: HttpResponse, grant_type: Form[str] = "", assertion: Form[str] = ""
):
    # RFC 6749 5.1: an answer carrying a token is never stored.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    # Missing fields are answered in OAuth's error format like every other refusal here.
    try:
        access, grant, lifetime = issue_access_token(grant_type=grant_type, assertion=assertion)
    except GrantRefused as refused:
        return Status(400, {"error": refused.error, "error_description": refused.description})
    return Status(200, Token(access_token=access, expires_in=lifetime, scope=" ".join(sorted(grant.scopes))))


# --- Municipality -----------------------------------------------------------------------------------------


class KommuneInfo(Schema):
    kommunenummer: str
    kommunenavn: str
    kanMottaSoknader: bool
    kanOppdatereStatus: bool
    harMidlertidigDeaktivertMottak: bool
    harMidlertidigDeaktivertOppdateringer: bool


@api.get(
    "/kommune",
    response={200: KommuneInfo, **ERRORS},
    auth=[COLLECT, REPORT],
    tags=["kommune"],
    summary="Kommunens egne tjenesteflagg",
)
def kommune(request: HttpRequest):
    status = digital_status(_kommune(request))
    if status is None:
        raise HttpError(404, "Kommunen finnes ikke eller er ikke aktiv.")
    return Status(
        200,
        KommuneInfo(
            kommunenummer=status.municipality.kommunenummer,
            kommunenavn=status.municipality.name,
            kanMottaSoknader=status.can_receive_applications,
            kanOppdatereStatus=status.can_update_status,
            harMidlertidigDeaktivertMottak=status.receiving_temporarily_disabled,
            harMidlertidigDeaktivertOppdateringer=status.updates_temporarily_disabled,
        ),
    )


# --- Collect ----------------------------------------------------------------------------------------------


class Fil(Schema):
    id: uuid.UUID
    filnavn: str
    rolle: str = Field(
        ..., description="soknad.json | vedlegg.json | soknad.pdf | ettersendelse.pdf | vedlegg"
    )
    mimetype: str = Field(..., description="Typen til det dekrypterte innholdet.")
    storrelse: int = Field(..., description="Bytes i den krypterte filen (CMS), det nedlastingen gir.")


class Leveranse(Schema):
    id: uuid.UUID
    type: str = Field(..., description="soknad | ettersendelse")
    fiksDigisosId: uuid.UUID
    navEksternRefId: str
    kommunenummer: str
    status: str = Field(..., description="available | collected")
    tilgjengelig: datetime | None
    mottatt: datetime | None
    filer: list[Fil]


class LeveranseSide(Schema):
    leveranser: list[Leveranse]
    neste: str | None = Field(
        None, description="Send som «etter» for neste side; null når det ikke er flere."
    )


class SideQuery(Schema):
    etter: str | None = Field(None, pattern=r"^[0-9]{1,18}$", description="Markøren fra forrige side.")
    antall: int = Field(50, ge=1, le=200)


@api.get(
    "/leveranser",
    response={200: LeveranseSide, **ERRORS},
    auth=COLLECT,
    tags=["hent"],
    summary="Nye leveranser (søknader og ettersendelser) som ikke er kvittert for",
)
def leveranser(request: HttpRequest, side: Query[SideQuery]):
    listed = selectors.new_deliveries_json(
        _kommune(request), after=int(side.etter or 0), limit=side.antall + 1
    )
    more = len(listed) > side.antall
    listed = listed[: side.antall]
    # The page as LeveranseSide writes it, around the deliveries' JSON as the selector wrote it (the database
    # on PostgreSQL): no delivery is parsed or built again here.
    documents = ",".join(document for _, document in listed)
    neste = to_json(str(listed[-1][0]) if more else None).decode()
    return HttpResponse(
        ('{"leveranser":[' + documents + '],"neste":' + neste + "}").encode(), content_type="application/json"
    )


def _delivery(request: HttpRequest, leveranse_id: uuid.UUID) -> Delivery:
    delivery = selectors.delivery_of(_kommune(request), leveranse_id)
    if delivery is None or delivery.status not in (Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED):
        raise HttpError(404, f"Fant ingen leveranse {leveranse_id} for kommunen.")
    return delivery


@api.get(
    "/leveranser/{leveranse_id}",
    response={200: Leveranse, **ERRORS},
    auth=COLLECT,
    tags=["hent"],
    summary="Én leveranse med filene sine",
)
def leveranse(request: HttpRequest, leveranse_id: uuid.UUID):
    found = selectors.delivery_listing_json(_kommune(request), leveranse_id)
    if found is None:
        raise HttpError(404, f"Fant ingen leveranse {leveranse_id} for kommunen.")
    return HttpResponse(found.encode(), content_type="application/json")


@api.get(
    "/leveranser/{leveranse_id}/filer/{fil_id}",
    response={410: Feil, **ERRORS},
    auth=COLLECT,
    tags=["hent"],
    summary="Last ned én fil, kryptert (CMS) til kommunens sertifikat",
    description=(
        "Filene i en hentet leveranse slettes her etter en tid (standard 30 dager etter kvitteringen); "
        "da svarer nedlastingen 410."
    ),
    openapi_extra=ENCRYPTED_FILE_RESPONSE,
)
def fil(request: HttpRequest, leveranse_id: uuid.UUID, fil_id: uuid.UUID):
    file = selectors.delivered_file_of(_kommune(request), leveranse_id, fil_id)
    if file is None:
        raise HttpError(404, f"Fant ingen fil {fil_id} i leveransen.")
    if file.deleted_at is not None:
        raise errors.DeliveredFileDeleted(
            f"Filen {fil_id} ble slettet {file.deleted_at:%Y-%m-%d}, etter at leveransen var hentet og kvittert.",
        )
    return encrypted_download(file.storage_name, f"{file.position}.p7m")


def encrypted_download(storage_name: str, filename: str) -> HttpResponse:
    """One delivered file as stored: CMS EnvelopedData, which only the receiver's key opens (any kind's)."""
    with storages["documents"].open(storage_name, "rb") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="application/pkcs7-mime")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class Kvittering(Schema):
    id: uuid.UUID
    status: str
    mottatt: datetime | None


@api.post(
    "/leveranser/{leveranse_id}/kvittering",
    response={200: Kvittering, 409: Feil, **ERRORS},
    auth=COLLECT,
    tags=["hent"],
    summary="Kvitter for mottak (trygt å gjenta)",
)
def kvittering(request: HttpRequest, leveranse_id: uuid.UUID):
    delivery = acknowledge(actor_id=_actor_id(request), delivery_id=_delivery(request, leveranse_id).pk)
    return Status(
        200, Kvittering(id=delivery.public_id, status=delivery.status, mottatt=delivery.collected_at)
    )


# --- Cases and reporting ----------------------------------------------------------------------------------


class Dokument(Schema):
    filnavn: str
    dokumentlagerDokumentId: uuid.UUID
    storrelse: int


class Sak(Schema):
    fiksDigisosId: uuid.UUID
    kommunenummer: str
    papirsoknad: bool
    enhetsnummer: str
    opprettet: datetime
    sistEndret: datetime
    leveranser: list[uuid.UUID]
    digisosSokerSistOppdatert: datetime | None
    dokumenter: list[Dokument] = Field(..., description="Brevene på saken, som hendelser kan vise til.")


def _case(request: HttpRequest, digisos_id: uuid.UUID) -> Case:
    case = selectors.case_of(_kommune(request), digisos_id)
    if case is None:
        raise HttpError(404, f"Fant ingen sak {digisos_id} for kommunen.")
    return case


def _sak(case: Case) -> Sak:
    return Sak(
        fiksDigisosId=case.id,
        kommunenummer=case.municipality_id,
        papirsoknad=case.is_paper,
        enhetsnummer=case.office_id or "",
        opprettet=case.created_at,
        sistEndret=case.updated_at,
        leveranser=[d.public_id for d in selectors.deliveries_of_case(case)],
        digisosSokerSistOppdatert=case.soker_updated_at,
        dokumenter=[_dokument(d) for d in selectors.letters_of(case)],
    )


def _dokument(document) -> Dokument:
    return Dokument(
        filnavn=document.stored_name, dokumentlagerDokumentId=document.id, storrelse=document.size
    )


@api.get(
    "/saker/{digisos_id}",
    response={200: Sak, **ERRORS},
    auth=[COLLECT, REPORT],
    tags=["sak"],
    summary="Én sak (DigisosSak)",
)
def sak(request: HttpRequest, digisos_id: uuid.UUID):
    return Status(200, _sak(_case(request, digisos_id)))


class NyPapirsak(Schema):
    fodselsnummer: str = Field(
        ..., min_length=11, max_length=11, description="Søkerens fødselsnummer eller d-nummer."
    )
    enhetsnummer: str = Field("", pattern=r"^([0-9]{4})?$", description="Nav-kontoret som behandler saken.")


@api.post(
    "/saker",
    response={201: Sak, **ERRORS},
    auth=REPORT,
    tags=["sak"],
    summary="Registrer en sak for en søknad som kom på papir",
)
def ny_papirsak(request: HttpRequest, body: NyPapirsak):
    case = create_paper_case(
        actor_id=_actor_id(request),
        kommunenummer=_kommune(request),
        fodselsnummer=body.fodselsnummer,
        enhetsnummer=body.enhetsnummer,
    )
    return Status(201, _sak(case))


class Lagret(Schema):
    fiksDigisosId: uuid.UUID
    endret: bool = Field(..., description="false når dokumentet var likt det som allerede var lagret.")
    antallHendelser: int
    sistOppdatert: datetime | None


@api.post(
    "/saker/{digisos_id}/digisos-soker",
    response={200: Lagret, 409: Feil, **ERRORS},
    auth=REPORT,
    tags=["sak"],
    summary="Erstatt sakens digisos-soker.json med hele, oppdaterte dokumentet",
    description=(
        "Hele historikken sendes hver gang og erstatter den lagrede (som i KS Fiks). Dokumentet valideres mot "
        "NAVs skjema; hendelser av ukjent type beholdes og logges. Filer hendelsene viser til må være lastet "
        "opp først. Et dokument med eldre siste hendelse enn det lagrede avvises med 409."
    ),
)
def digisos_soker(request: HttpRequest, digisos_id: uuid.UUID, document: Body[dict[str, Any]]):
    # The service locks the case by id and municipality in one query; another municipality's case is 404.
    result = report_case_events(
        actor_id=_actor_id(request), case_id=digisos_id, kommunenummer=_kommune(request), document=document
    )
    # The Lagret schema's body written by ninja's renderer (byte for byte as before: a time to the millisecond
    # with Z), without validating a model built from our own values: ninja's Schema reads each field through a
    # getter object, and the (status, body) tuple returned before cost a DeprecationWarning on every post.
    lagret = {
        "fiksDigisosId": result.case_id,
        "endret": result.changed,
        "antallHendelser": len(document["hendelser"]),  # stored, or identical to the stored one
        "sistOppdatert": result.updated_at,
    }
    return api.create_response(request, lagret, status=200)


@api.get(
    "/saker/{digisos_id}/digisos-soker",
    response={200: dict[str, Any], **ERRORS},
    auth=[COLLECT, REPORT],
    tags=["sak"],
    summary="Den lagrede digisos-soker.json",
)
def hent_digisos_soker(request: HttpRequest, digisos_id: uuid.UUID):
    case = _case(request, digisos_id)
    if case.soker is None:
        raise HttpError(404, "Saken har ingen digisos-soker.json ennå.")
    return Status(200, case.soker)


@api.post(
    "/saker/{digisos_id}/filer",
    response={200: list[Dokument], 413: Feil, 415: Feil, **ERRORS},
    auth=REPORT,
    tags=["sak"],
    summary="Last opp brev (PDF) som hendelser kan vise til",
)
def last_opp_brev(request: HttpRequest, digisos_id: uuid.UUID, filer: File[list[UploadedFile]]):
    case = _case(request, digisos_id)
    stored = []
    for index, upload in enumerate(filer):
        data = upload.read()
        stored.append(
            store_letter(
                actor_id=_actor_id(request),
                case_id=case.id,
                name=upload.name or "brev.pdf",
                data=data,
                field=f"filer/{index}",
            )
        )
    return Status(200, [_dokument(d) for d in stored])


@api.get(
    "/saker/{digisos_id}/filer",
    response={200: list[Dokument], **ERRORS},
    auth=[COLLECT, REPORT],
    tags=["sak"],
    summary="Brevene på saken",
)
def brev(request: HttpRequest, digisos_id: uuid.UUID):
    return Status(200, [_dokument(d) for d in selectors.letters_of(_case(request, digisos_id))])


# --- Errors -----------------------------------------------------------------------------------------------


def _number(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def _error_response(
    request: HttpRequest, *, status: int, code: str, detail: str, errors: list[dict[str, str]]
) -> HttpResponse:
    """`{detail, code, errors}` with at most MAX_ERRORS errors and, after them, one saying how many more."""
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        detail = f"{detail} {_number(len(errors))} feil; de første {MAX_ERRORS} vises."
        errors = [
            *errors[:MAX_ERRORS],
            {
                "path": "",
                "message": f"… og {_number(more)} feil til. Rett disse og send på nytt for å se resten.",
            },
        ]
    return api.create_response(request, {"detail": detail, "code": code, "errors": errors}, status=status)


# The HTTP edge of the exchange's domain errors (exchange/errors.py): the services refuse, this says how the
# API answers. A refusal without its own entry answers as its nearest listed base class.
STATUS_OF: dict[type[ExchangeRefused], int] = {
    ExchangeRefused: 400,
    errors.CaseNotFound: 404,
    errors.InvalidReport: 400,
    errors.OlderReport: 409,
    errors.UpdatesNotEnabled: 403,
    errors.UpdatesPaused: 409,
    errors.InvalidFodselsnummer: 400,
    errors.UnknownOffice: 400,
    errors.ReceivingPaused: 409,
    errors.DeliveryNotAvailable: 409,
    errors.DeliveredFileDeleted: 410,
    errors.NotPdf: 415,
    errors.LetterRefused: 400,
    # Too large is 413, as for any request body over its limit.
    errors.LetterTooLarge: 413,
    errors.LetterNotAllowed: 403,
}


def _status_of(exc: ExchangeRefused) -> int:
    return next(STATUS_OF[kind] for kind in type(exc).__mro__ if kind in STATUS_OF)


@api.exception_handler(ExchangeRefused)
def refused(request: HttpRequest, exc: ExchangeRefused) -> HttpResponse:
    return _error_response(
        request,
        status=_status_of(exc),
        code=exc.code,
        detail=exc.message,
        errors=[v.as_dict() for v in exc.violations],
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE. Uncaught, ninja re-raises it: a
    # traceback page in debug mode, Django's HTML 400 otherwise. The caller needs to know it is the size, and
    # the limit.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"Forespørselen er for stor. Største tillatte størrelse er {_number(limit)} bytes."
    return _error_response(
        request,
        status=413,
        code="payload_too_large",
        detail=message,
        errors=[{"path": "", "message": message}],
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = input_violations(exc.errors)
    detail = "; ".join(e["message"] for e in errors[:MAX_ERRORS]) or "Ugyldig forespørsel."
    return _error_response(request, status=400, code="invalid_request", detail=detail, errors=errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "detail": "Mangler eller ugyldig tilgangstoken. Hent et nytt fra /token.",
        "code": "unauthorized",
        "errors": [],
    }
    return api.create_response(request, body, status=401)


def parser_error(exc: HttpError) -> tuple[str, list[dict[str, str]]] | None:
    """StrictJsonParser's refusal behind ninja's bare 400 ("Cannot parse request body", which it makes of every
    parser error) as (detail, errors); None for any other HttpError. The barnevern API answers it alike."""
    cause = exc.__cause__
    if not isinstance(cause, InvalidJson):
        return None
    return cause.message, [v.as_dict() for v in cause.violations]


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    refused = parser_error(exc)
    if refused is not None:
        detail, errors = refused
        return _error_response(request, status=400, code="invalid_json", detail=detail, errors=errors)
    body = {"detail": str(exc), "code": f"http_{exc.status_code}", "errors": []}
    return api.create_response(request, body, status=exc.status_code)

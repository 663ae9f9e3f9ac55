"""The public JSON API (no login): /api/public/v1/."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from digisos.core.api_docs import OwnOriginSwagger
from digisos.core.schema_messages import input_violations
from digisos.insights.api import router as insights_router
from digisos.municipalities.api import router as municipalities_router

public_api = NinjaAPI(
    title="DigiSos public API",
    version="1",
    urls_namespace="public-api",
    docs_url="/docs",
    docs=OwnOriginSwagger(),
)
public_api.add_router("/kommuner", municipalities_router)
public_api.add_router("/statistikk", insights_router)

# Plain-Norwegian messages for the fields a caller can get wrong; every error names its field.
FIELD_MESSAGES = {"kommunenummer": "Kommunenummer må være fire siffer, for eksempel 0301."}


@public_api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error, told in zip(exc.errors, input_violations(exc.errors), strict=True):
        field = str(error["loc"][-1]) if error.get("loc") else ""
        errors.append(
            {
                "loc": list(error.get("loc", [])),
                "field": field,
                "msg": FIELD_MESSAGES.get(field, told["message"]),
            }
        )
    return public_api.create_response(request, {"detail": errors}, status=400)

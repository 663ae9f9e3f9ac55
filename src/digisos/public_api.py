"""The public JSON API (no login): /api/public/v1/."""

from ninja import NinjaAPI

from digisos.municipalities.api import router as municipalities_router

public_api = NinjaAPI(
    title="DigiSos public API",
    version="1",
    urls_namespace="public-api",
    docs_url="/docs",
)
public_api.add_router("/kommuner", municipalities_router)

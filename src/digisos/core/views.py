"""Operations endpoints (NAIS conventions) and the error pages."""

import os

import structlog
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from .selectors import database_is_ready

log = structlog.get_logger(__name__)


@never_cache
def isalive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("alive", content_type="text/plain")


@never_cache
def isready(request: HttpRequest) -> HttpResponse:
    if database_is_ready():
        return HttpResponse("ready", content_type="text/plain")
    log.warning("not_ready", reason="database")
    return HttpResponse("database unavailable", status=503, content_type="text/plain")


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several gunicorn workers: merge their files
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    log.warning("csrf_failure", reason=reason, path=request.path)
    return render(request, "core/error.html", {"error_kind": "csrf"}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Ugyldig forespørsel."}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Ingen tilgang."}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Finnes ikke."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Noe gikk galt hos oss. Prøv igjen om litt."}, status=500)
    # Without the request: no context processor runs (they read the user and the session from the database,
    # which may be what failed), and 500.html needs nothing but static files.
    return HttpResponseServerError(loader.get_template("500.html").render())


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static file."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("digisos/favicon.ico"))

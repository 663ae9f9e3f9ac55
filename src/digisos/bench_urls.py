"""URLs for `make bench` only: the real site plus a bare Django view, the framework's ceiling on this server."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from digisos.urls import urlpatterns as site_urlpatterns


def bare_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare", bare_view), *site_urlpatterns]

"""URLs for `make bench` only (settings/bench.py): the real site plus the three baselines every target is
measured against in the same run, so that the figures compare across machines as ratios:

- /bench/bare: a bare Django view through the full middleware stack, the framework's ceiling on this server;
- /bench/logged-in: a trivial logged-in page, the site's own layout around one line, with only the session and
  the user read (no queries of its own), the baseline of every logged-in page;
- /bench/exchange/v1/ping: a trivial authenticated exchange call, the access token checked by the exchange
  API's own bearer auth and nothing else, the baseline of the exchange API.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from ninja import NinjaAPI

from digisos.exchange.api import COLLECT
from digisos.urls import urlpatterns as site_urlpatterns


def bare_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


LOGGED_IN_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1 data-testid="bench">Benchmark</h1>{% endblock %}'
)


@login_required
def logged_in_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LOGGED_IN_PAGE.render({}, request))


exchange_baseline = NinjaAPI(title="bench", urls_namespace="bench-exchange", docs_url=None)


@exchange_baseline.get("/ping", auth=COLLECT)
def ping(request: HttpRequest) -> dict[str, bool]:
    return {"ok": True}


urlpatterns = [
    path("bench/bare", bare_view),
    path("bench/logged-in", logged_in_view),
    path("bench/exchange/v1/", exchange_baseline.urls),
    *site_urlpatterns,
]

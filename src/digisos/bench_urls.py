"""URLs for `make bench` only (settings/bench.py): the real site plus the three baselines every target is
measured against in the same run, so that the figures compare across machines as ratios:

- /bench/bare: a bare Django view through the full middleware stack, the framework's ceiling on this server;
- /bench/logged-in: a trivial logged-in page, the site's own layout around one line, with only the session and
  the user read (no queries of its own), the baseline of every logged-in page;
- /bench/exchange/v1/ping: a trivial authenticated exchange call, the access token checked by the exchange
  API's own bearer auth and nothing else, the baseline of the exchange API.

And one figure without a target of its own, for the event post's: /bench/exchange/v1/saker/{id}/write, a trivial
exchange write (the least any stored report does: the token checked, the posted JSON parsed, and in one
transaction the case's row changed and an audit entry written), so that `make bench` shows how much of the
event post is the write every report needs and how much is the report's own work (validation, the fold, the
read model).
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError

from digisos.core.services import record_audit
from digisos.exchange.api import COLLECT, REPORT
from digisos.exchange.models import Case
from digisos.exchange.validation import parse_json
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


@exchange_baseline.post("/saker/{case_id}/write", auth=REPORT)
def trivial_write(request: HttpRequest, case_id: uuid.UUID) -> dict[str, int]:
    """The posted document parsed as the event post parses it; the municipality's case touched and the write
    audited in one transaction, written the plain way (an UPDATE and the audit's INSERT)."""
    document = parse_json(request.body)
    grant = request.auth
    with transaction.atomic():
        touched = Case.objects.filter(pk=case_id, municipality_id=grant.kommunenummer).update(
            updated_at=timezone.now()
        )
        if not touched:
            raise HttpError(404, "Fant ingen sak for kommunen.")
        record_audit(actor_id=grant.user_id, action="bench.write", object_type="case", object_id=str(case_id))
    return {"hendelser": len(document["hendelser"])}


urlpatterns = [
    path("bench/bare", bare_view),
    path("bench/logged-in", logged_in_view),
    path("bench/exchange/v1/", exchange_baseline.urls),
    *site_urlpatterns,
]

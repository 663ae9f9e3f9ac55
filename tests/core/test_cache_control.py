"""Pages with personal data are never stored by a browser or a proxy: every response to a logged-in person
says `Cache-Control: no-store` unless its view chose otherwise."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from tests.fixtures.personas import citizen
from tests.inbox.conftest import caseworker, send_application

from digisos.core.middleware import NoStoreForLoggedInMiddleware
from digisos.exchange.models import Case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


@pytest.fixture
def kari_sent(django_capture_on_commit_callbacks):
    """Kari's application, sent and delivered to Oslo's inbox: a case, a receipt."""
    with django_capture_on_commit_callbacks(execute=True):
        return send_application("kari-leier-oslo")


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_citizens_pages_are_not_stored(client, kari_sent):
    application = kari_sent
    case = Case.objects.get(application=application)
    client.force_login(citizen("kari-leier-oslo"))
    pages = {
        "start": reverse("application:start"),
        "mine søknader": reverse("innsyn:mine"),
        "case": reverse("innsyn:case", args=[case.id]),
        "receipt": reverse("application:receipt", args=[application.id]),
        "notifications": reverse("innsyn:notifications"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert _no_store(response), name
        assert "private" in response["Cache-Control"], name


def test_the_inbox_pages_are_not_stored(client, kari_sent):
    application = kari_sent
    case = Case.objects.get(application=application)
    client.force_login(caseworker("0301"))
    for url in (reverse("inbox:inbox"), reverse("inbox:case", args=[case.id])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_a_form_answer_to_a_logged_in_person_is_not_stored_either(client):
    client.force_login(citizen("kari-leier-oslo"))
    response = client.post(reverse("application:new"))
    assert response.status_code == 302
    assert _no_store(response)


def test_public_pages_for_anonymous_visitors_keep_their_caching(client):
    response = client.get(reverse("municipalities:search"))
    assert response.status_code == 200
    assert not _no_store(response)


def test_a_view_that_sets_its_own_cache_control_keeps_it():
    request = RequestFactory().get("/")
    request.session = type("S", (), {"session_key": "x"})()
    request.user = citizen("kari-leier-oslo")

    def view(_request):
        response = HttpResponse("public")
        response["Cache-Control"] = "public, max-age=60"
        return response

    assert NoStoreForLoggedInMiddleware(view)(request)["Cache-Control"] == "public, max-age=60"


def test_the_exchange_api_token_answer_is_not_stored(client, connected):
    from tests.fixtures.exchange import signer

    from digisos_simulator.simulator import GRANT_TYPE

    assertion = signer(connected, "4601").assertion()
    response = client.post("/api/exchange/v1/token", {"grant_type": GRANT_TYPE, "assertion": assertion})
    assert response.status_code == 200
    assert _no_store(response)

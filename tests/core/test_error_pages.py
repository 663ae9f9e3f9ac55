"""Real error pages, not Django's debug pages (which list every URL and setting): the quick start shows them
unless DIGISOS_DEBUG=1 asks for debug; the 500 page renders without a database; /favicon.ico exists; the API
docs load Swagger UI from our own static files (the machines are offline, and the CSP allows only 'self')."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from digisos.core.views import bad_request, permission_denied, server_error

ROOT = Path(__file__).resolve().parents[2]


def _quick_start_debug(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DIGISOS_DEBUG"} | env
    environment["DJANGO_SETTINGS_MODULE"] = "digisos.settings.dev"
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_quick_start_runs_without_debug_unless_asked_for():
    assert _quick_start_debug() == "False"
    assert _quick_start_debug(DIGISOS_DEBUG="1") == "True"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "template", "heading"),
    [("/finnes-ikke/", 404, "404.html", "Vi fant ikke siden")],
)
def test_a_missing_page_shows_our_page_in_our_layout(client, path, status, template, heading):
    response = client.get(path)
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    page = response.content.decode()
    assert heading in page and 'class="site-header"' in page and "urlpatterns" not in page


def test_the_500_page_renders_without_the_request_context_or_the_database():
    """The database may be what failed: no context processor (the user, messages) may run. Without the
    django_db mark, any query here raises."""
    request = RequestFactory().get("/soknad/")
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Noe gikk galt hos oss" in page and 'lang="nb"' in page and "/static/aksel/index.css" in page


def test_the_403_and_400_pages_are_ours(rf):
    request = rf.get("/innboks/")
    request.user = AnonymousUser()
    assert "Du har ikke tilgang" in permission_denied(request, PermissionDenied()).content.decode()
    assert "Vi forsto ikke forespørselen" in bad_request(request, ValueError()).content.decode()


@pytest.mark.django_db
def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    location = response["Location"]
    assert location.startswith("/static/") and location.endswith("favicon.ico")
    assert finders.find(location.removeprefix("/static/"))


@pytest.mark.django_db
@pytest.mark.parametrize("docs", ["/api/exchange/v1/docs", "/api/public/v1/docs"])
def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client, docs):
    page = client.get(docs).content.decode()
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert finders.find("ninja/swagger-ui-bundle.js")


def test_the_quick_start_serves_static_files_without_debug():
    """Without DEBUG, runserver serves no static files itself: WhiteNoise (from the finders) does."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/static/aksel/index.css').status_code, c.get('/static/digisos/favicon.ico').status_code,"
        " c.get('/static/ninja/swagger-ui-bundle.js').status_code)\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DIGISOS_DEBUG"}
    environment["DJANGO_SETTINGS_MODULE"] = "digisos.settings.dev"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["200", "200", "200"], result.stderr[-2000:]

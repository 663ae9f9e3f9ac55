"""The front door: the start page for someone not logged in leads with the guide, then "Kan jeg søke
digitalt?", then logging in; the receipt, a refusal (closed municipality) and the municipality's status page
link the guide, so nobody meets a dead end. Lower apps link the guide by its path (they may not import it):
GUIDE_PATH pins that path to the guide's URL."""

import uuid
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

GUIDE_PATH = "/veiviser/"


def test_the_guide_is_where_the_links_say():
    assert reverse("guide:start") == GUIDE_PATH


@pytest.mark.django_db
def test_the_start_page_leads_with_the_guide_then_the_check_then_login(client):
    html = client.get(reverse("application:start")).content.decode()
    main = html[html.index("<main") :]
    guide = main.index(f'href="{GUIDE_PATH}"')
    check = main.index(f'href="{reverse("municipalities:search")}"')
    login = main.index(f'href="{reverse("accounts:citizen-login")}"')
    assert guide < check < login


def _rendered(template: str, context: dict) -> str:
    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=False)
    return render_to_string(template, context, request=request)


@pytest.mark.django_db
def test_a_closed_municipality_refusal_links_the_guide(reference_data):
    from digisos.municipalities.selectors import digital_status

    application = SimpleNamespace(id=uuid.uuid4(), enhetsnummer="1103")
    html = _rendered(
        "application/gate.html",
        {"reason": "municipality_closed", "application": application, "status": digital_status("1103")},
    )
    assert f'href="{GUIDE_PATH}"' in html


def test_the_receipt_links_the_guide():
    application = SimpleNamespace(
        id=uuid.uuid4(), reference="ABC", sent_at=timezone.now(), office_name="Nav Frogner", pdf_id=None
    )
    html = _rendered("application/receipt.html", {"application": application, "missing": [], "status": None})
    assert f'href="{GUIDE_PATH}"' in html


@pytest.mark.django_db
def test_the_municipality_status_page_links_the_guide(client, reference_data):
    html = client.get(reverse("municipalities:detail", args=["3301"])).content.decode()
    assert f'href="{GUIDE_PATH}"' in html


CONCERN_PATH = "/bekymringsmelding/"


def test_the_concern_report_is_where_the_start_page_says():
    assert reverse("concerns:start") == CONCERN_PATH


@pytest.mark.django_db
def test_the_start_page_offers_the_concern_report_for_a_child(client):
    html = client.get(reverse("application:start")).content.decode()
    assert f'href="{CONCERN_PATH}"' in html[html.index("<main") :]


MINE_CONCERNS_PATH = "/bekymringsmelding/mine/"


def test_mine_meldinger_is_where_the_citizens_start_page_says():
    assert reverse("concerns:mine") == MINE_CONCERNS_PATH


@pytest.mark.django_db
def test_a_logged_in_citizens_start_page_offers_the_concern_report_and_mine_meldinger(client, reference_data):
    from tests.fixtures.personas import citizen

    client.force_login(citizen("familie-bergen"))
    html = client.get(reverse("application:start")).content.decode()
    main = html[html.index("<main") :]
    assert f'href="{CONCERN_PATH}"' in main and f'href="{MINE_CONCERNS_PATH}"' in main

"""Browser + simulator: Sofie applies in Chromium (axe on every page); the case-system simulator collects and
decrypts her application over HTTP, posts every event type with letters; the exchange stores them; another
municipality's case system gets 404 for the case."""

import json

import pytest
import requests
from tests.browser.test_application_journeys import send_as_family
from tests.fixtures.exchange import connect

from digisos.application.filformat_validation import soknad_errors
from digisos.application.models import Application
from digisos.exchange.models import Case, Delivery
from digisos.exchange.validation import EVENT_TYPES, soker_violations
from digisos_simulator.simulator import FagsystemClient, collect, play_full_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def case_system(live_server, municipality_keys, kommunenummer: str) -> FagsystemClient:
    return FagsystemClient(
        base_url=live_server.url,
        client_id=f"test-fagsystem-{kommunenummer}",
        client_key_pem=(municipality_keys[kommunenummer] / "klient.pem").read_bytes(),
    )


def test_application_collected_by_the_simulator_which_reports_every_event_type(
    page, live_server, idporten_settings, document_settings, municipalities_loaded, municipality_keys
):
    connect(municipality_keys)
    send_as_family(page)

    application = Application.objects.get(status=Application.Status.READY)
    bergen = case_system(live_server, municipality_keys, "4601")
    collected = collect(bergen, (municipality_keys["4601"] / "mottak.pem").read_bytes())
    assert len(collected) == 1
    soknad = collected[0].soknad
    assert soknad_errors(soknad) == [] and soknad == application.soknad_json
    assert collected[0].files["soknad.pdf"].startswith(b"%PDF-")
    assert Delivery.objects.get().status == "collected"
    assert collect(bergen, b"") == []  # collected once; nothing new

    case_id = collected[0].delivery["fiksDigisosId"]
    story = play_full_case(bergen, case_id)
    stored = Case.objects.get(pk=case_id).soker
    assert stored == json.loads(json.dumps(story.document()))
    assert {event["type"] for event in stored["hendelser"]} == set(EVENT_TYPES)
    letters = {
        d["dokumentlagerDokumentId"] for d in bergen.request("GET", f"/saker/{case_id}").json()["dokumenter"]
    }
    assert len(letters) == 3 and soker_violations(stored, file_ids=letters) == []

    tromso = case_system(live_server, municipality_keys, "5501")
    for path in (f"/saker/{case_id}", f"/saker/{case_id}/digisos-soker", f"/saker/{case_id}/filer"):
        response = requests.get(
            f"{tromso.api}{path}", headers={"Authorization": f"Bearer {tromso.token()}"}, timeout=10
        )
        assert response.status_code == 404, path

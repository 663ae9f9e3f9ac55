"""The child-welfare case system's API: its own client and scope, collect, decrypt, mottatt/feilet; the
social-services case system never reaches a report, and the child-welfare one never an application."""

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from digisos.concerns.asice import data_objects
from digisos.concerns.models import ChildWelfareOffice, ConcernReport
from digisos.concerns.services import start_report, submit_report
from digisos.documents.encryption import decrypt_with
from digisos.exchange.services.clients import register_client
from digisos.municipalities.models import Municipality
from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

pytestmark = pytest.mark.django_db
API = "/api/barnevern/v1"
ANSWERS = {
    "melder": {},
    "barn": [{"personnavn": "Mia", "adresselinje1": "Storgata 1"}],
    "foresatte": [],
    "melding": {"melding": "Hun er alene hjemme om kveldene."},
}


@pytest.fixture
def barnevern(offices, connected):
    """Bergen's and Tromsø's child-welfare offices with certificates, and one child-welfare client each."""
    for kommunenummer, folder in connected.items():
        ChildWelfareOffice.objects.filter(municipality_id=kommunenummer).update(
            certificate_pem=(folder / "mottak.crt").read_text()
        )
        register_client(
            kommunenummer=kommunenummer,
            name=f"Barnevern-fagsystem {kommunenummer}",
            public_key_pem=(folder / "klient.pub.pem").read_text(),
            client_id=f"barnevern-{kommunenummer}",
            scopes="bekymringsmelding:collect",
        )
    return connected


def token(keys: dict[str, Path], kommunenummer: str, client_id: str, scope: str) -> str:
    signer = FagsystemClient(
        base_url="http://testserver",
        client_id=client_id,
        client_key_pem=(keys[kommunenummer] / "klient.pem").read_bytes(),
        scope=scope,
    )
    response = Client().post(
        "/api/exchange/v1/token", {"grant_type": GRANT_TYPE, "assertion": signer.assertion()}
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def child_welfare(keys, kommunenummer: str = "4601") -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token(keys, kommunenummer, f'barnevern-{kommunenummer}', 'bekymringsmelding:collect')}"
    }


def social_services(keys, kommunenummer: str = "4601") -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token(keys, kommunenummer, f'test-fagsystem-{kommunenummer}', 'exchange:collect')}"
    }


def sent_report(citizen_of, kommunenummer: str = "4601") -> ConcernReport:
    report = start_report(
        user=citizen_of("familie-bergen"),
        kind="privat",
        municipality=Municipality.objects.get(pk=kommunenummer),
    )
    return submit_report(report=report, answers=ANSWERS)


def test_the_child_welfare_case_system_collects_decrypts_and_acknowledges(client, barnevern, citizen_of):
    report = sent_report(citizen_of)
    auth = child_welfare(barnevern)
    page = client.get(f"{API}/bekymringsmeldinger", **auth).json()
    (listed,) = page["bekymringsmeldinger"]
    assert listed["id"] == str(report.id) and listed["skjema"] == "privat" and page["neste"] is None
    assert (listed["kommunenummer"], listed["bydelsnummer"]) == ("4601", "00")
    asice = next(f for f in listed["filer"] if f["rolle"] == "asice")
    blob = client.get(f"{API}/bekymringsmeldinger/{report.id}/filer/{asice['id']}", **auth)
    assert blob.status_code == 200 and blob["Content-Type"] == "application/pkcs7-mime"
    key = serialization.load_pem_private_key((barnevern["4601"] / "mottak.pem").read_bytes(), None)
    assert set(data_objects(decrypt_with(blob.content, key))) == {
        "bekymringsmelding.json",
        "bekymringsmelding.pdf",
    }
    response = client.post(f"{API}/bekymringsmeldinger/{report.id}/mottatt", **auth)
    assert response.status_code == 200 and response.json()["status"] == "collected"
    assert client.post(f"{API}/bekymringsmeldinger/{report.id}/mottatt", **auth).status_code == 200  # again
    assert list(report.states.values_list("state", flat=True)) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"]
    assert client.get(f"{API}/bekymringsmeldinger", **auth).json()["bekymringsmeldinger"] == []


def test_feilet_records_the_message_and_refuses_a_later_mottatt(client, barnevern, citizen_of):
    report = sent_report(citizen_of)
    auth = child_welfare(barnevern)
    empty = client.post(
        f"{API}/bekymringsmeldinger/{report.id}/feilet",
        {"melding": ""},
        content_type="application/json",
        **auth,
    )
    assert empty.status_code == 400 and empty.json()["errors"][0]["path"] == "melding"
    response = client.post(
        f"{API}/bekymringsmeldinger/{report.id}/feilet",
        {"melding": "Lagring feilet"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert report.states.last().state == "AVVIST_FAGSYSTEM"
    refused = client.post(f"{API}/bekymringsmeldinger/{report.id}/mottatt", **auth)
    assert refused.status_code == 409 and refused.json()["code"] == "http_409"


def test_access_is_separated_by_scope_and_municipality(client, barnevern, citizen_of):
    report = sent_report(citizen_of)
    # The social-services case system of the same municipality: no reports.
    assert client.get(f"{API}/bekymringsmeldinger", **social_services(barnevern)).status_code == 403
    assert (
        client.get(f"{API}/bekymringsmeldinger/{report.id}", **social_services(barnevern)).status_code == 403
    )
    # The child-welfare case system: no applications.
    assert client.get("/api/exchange/v1/leveranser", **child_welfare(barnevern)).status_code == 403
    # Another municipality's child-welfare case system: nothing of Bergen's.
    tromso = child_welfare(barnevern, "5501")
    assert client.get(f"{API}/bekymringsmeldinger", **tromso).json()["bekymringsmeldinger"] == []
    assert client.get(f"{API}/bekymringsmeldinger/{report.id}", **tromso).status_code == 404
    assert client.post(f"{API}/bekymringsmeldinger/{report.id}/mottatt", **tromso).status_code == 404
    # No token: 401 in the API's error shape.
    body = client.get(f"{API}/bekymringsmeldinger").json()
    assert body["code"] == "unauthorized" and body["errors"] == []


def test_an_inbox_office_is_not_offered_to_a_case_system(client, barnevern, citizen_of):
    sent_report(citizen_of, "0301")  # Oslo: manual inbox
    register_client(
        kommunenummer="0301",
        name="Barnevern-fagsystem Oslo",
        public_key_pem=(barnevern["4601"] / "klient.pub.pem").read_text(),
        client_id="barnevern-0301",
        scopes="bekymringsmelding:collect",
    )
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {token(barnevern, '4601', 'barnevern-0301', 'bekymringsmelding:collect')}"
    }
    assert client.get(f"{API}/bekymringsmeldinger", **auth).json()["bekymringsmeldinger"] == []


VALID_PUBLIC = {
    "kommunenummer": "4601",
    "kommunenavn": "Bergen",
    "bydelsnummer": "00",
    "bydelsnavn": "Barneverntjenesten i Bergen",
    "offentligMelder": {
        "personnavn": "Lise Lærer",
        "rolle": "Lærer",
        "telefonnummer": "91234567",
        "epost": "lise@skole.no",
        "virksomhet": {"navn": "Fjellsiden skole", "adresse": {"adresselinje1": "Skolegata 1"}},
    },
    "offentligBarn": [
        {
            "fnr": "",
            "ufoedt": False,
            "personnavn": "Mia",
            "adresse": {"adresselinje1": "Storgata 1"},
            "orientert": True,
        }
    ],
    "foresatte": [{"personnavn": "Mor Hansen", "orientert": True}],
    "melding": {"melding": "Blåmerker.", "historie": "Sett tre ganger."},
    "sendingstidspunkt": "2026-11-29T10:00:00",
    "leveringskanal": "Fjellsiden skole",
}


@pytest.fixture
def school_system(barnevern):
    register_client(
        kommunenummer="4601",
        name="Skolesystem",
        public_key_pem=(barnevern["4601"] / "klient.pub.pem").read_text(),
        client_id="skolesystem",
        scopes="bekymringsmelding:send",
    )
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token(barnevern, '4601', 'skolesystem', 'bekymringsmelding:send')}"
    }


def test_another_system_sends_a_valid_report_and_gets_its_id(client, barnevern, school_system):
    response = client.post(
        f"{API}/mottak/offentlig", VALID_PUBLIC, content_type="application/json", **school_system
    )
    assert response.status_code == 201, response.content
    report = ConcernReport.objects.get(pk=response.json()["id"])
    assert (
        report.content == VALID_PUBLIC
        and report.reporter is None
        and report.sender.client_id == "skolesystem"
    )
    assert list(report.states.values_list("state", flat=True)) == ["AKSEPTERT", "SENDT_FAGSYSTEM"]
    listed = client.get(f"{API}/bekymringsmeldinger", **child_welfare(barnevern)).json()[
        "bekymringsmeldinger"
    ]
    assert [r["id"] for r in listed] == [str(report.id)]


def test_a_refused_report_names_every_path(client, barnevern, school_system):
    broken = {
        **VALID_PUBLIC,
        "kommunenummer": "46",
        "foresatte": [],
        "offentligMelder": {**VALID_PUBLIC["offentligMelder"], "epost": "x"},
    }
    body = client.post(
        f"{API}/mottak/offentlig", broken, content_type="application/json", **school_system
    ).json()
    assert body["code"] == "invalid_document"
    assert {e["path"] for e in body["errors"]} == {"kommunenummer", "foresatte", "offentligMelder/epost"}
    wrong_form = client.post(
        f"{API}/mottak/privat", VALID_PUBLIC, content_type="application/json", **school_system
    )
    assert wrong_form.status_code == 400
    assert (
        client.post(
            f"{API}/mottak/annet", VALID_PUBLIC, content_type="application/json", **school_system
        ).status_code
        == 404
    )
    not_json = client.post(f"{API}/mottak/offentlig", "{", content_type="application/json", **school_system)
    assert not_json.status_code == 400 and not_json.json()["detail"]
    assert not ConcernReport.objects.exists()


def test_routing_refusals_name_the_field(client, barnevern, school_system):
    trondheim = {**VALID_PUBLIC, "kommunenummer": "5001", "kommunenavn": "Trondheim"}
    response = client.post(
        f"{API}/mottak/offentlig", trondheim, content_type="application/json", **school_system
    )
    assert response.status_code == 409 and response.json()["errors"][0]["path"] == "kommunenummer"
    unknown = {**VALID_PUBLIC, "bydelsnummer": "07"}
    response = client.post(
        f"{API}/mottak/offentlig", unknown, content_type="application/json", **school_system
    )
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "bydelsnummer"


def test_sending_and_collecting_are_separate_scopes(client, barnevern, school_system):
    assert client.get(f"{API}/bekymringsmeldinger", **school_system).status_code == 403
    response = client.post(
        f"{API}/mottak/offentlig", VALID_PUBLIC, content_type="application/json", **child_welfare(barnevern)
    )
    assert response.status_code == 403

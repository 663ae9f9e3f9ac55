"""The child-welfare case system's API: its own client and scope, collect, decrypt, mottatt/feilet; the
social-services case system never reaches a report, and the child-welfare one never an application."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pydantic_core import to_json

from digisos.concerns import selectors
from digisos.concerns.asice import data_objects
from digisos.concerns.models import (
    ChildWelfareOffice,
    ConcernDeliveredFile,
    ConcernDelivery,
    ConcernReport,
)
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
    assert empty.status_code == 400 and empty.json()["errors"] == [
        {"path": "melding", "message": "Ugyldig verdi i «melding»: teksten må ha minst 1 tegn."}
    ]
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


def test_the_database_writes_each_listed_report_as_python_writes_it(client, barnevern, citizen_of):
    """On PostgreSQL the database writes the list's JSON (selectors._BEKYMRINGSMELDINGER_SQL); on the quick
    start's SQLite selectors.bekymringsmelding and pydantic-core do. The same bytes for times with and without
    microseconds, no time, text that needs escaping, files stored out of their order and a report without
    files; the page around them is what the API answers."""
    assert connection.vendor == "postgresql"
    first, second, third = (sent_report(citizen_of) for _ in range(3))
    deliveries = {d.report_id: d for d in ConcernDelivery.objects.filter(report__in=[first, second, third])}
    ChildWelfareOffice.objects.filter(pk=deliveries[first.id].office_id).update(
        bydelsnavn='a"b\\c\x01\x1f\x7f\u2028 æøå \n\t\b\f\r /😀'
    )
    ConcernDelivery.objects.filter(pk=deliveries[first.id].pk).update(
        available_at=datetime(2026, 11, 23, 13, 37, 0, tzinfo=UTC)
    )
    ConcernDelivery.objects.filter(pk=deliveries[second.id].pk).update(
        available_at=datetime(2026, 11, 23, 13, 37, 0, 120000, tzinfo=UTC)
    )
    ConcernDelivery.objects.filter(pk=deliveries[third.id].pk).update(available_at=None)
    # The first's files stored in the reverse of their order (by id), the second's gone.
    files = list(ConcernDeliveredFile.objects.filter(delivery=deliveries[first.id]).order_by("id"))
    assert len(files) > 1
    files[0].filename = 'æ"\\\x02'
    ConcernDeliveredFile.objects.filter(delivery__in=deliveries.values()).exclude(
        delivery=deliveries[third.id]
    ).delete()
    for number, file in reversed(list(enumerate(files))):
        file.pk = 1_000_000 + number
        file.save(force_insert=True)

    with CaptureQueriesContext(connection) as queries:
        by_database = selectors.available_listing_json("4601", after=0, limit=10)
    by_python = [
        (row["id"], to_json(selectors.bekymringsmelding(row)).decode())
        for row in selectors.available_listing("4601", after=0, limit=10)
    ]

    assert len(queries) == 1
    assert by_database == by_python and len(by_database) == 3
    listed = [json.loads(document) for _, document in by_database]
    assert [m["id"] for m in listed] == [str(first.id), str(second.id), str(third.id)]
    assert [m["tilgjengelig"] for m in listed] == [
        "2026-11-23T13:37:00Z",
        "2026-11-23T13:37:00.120000Z",
        None,
    ]
    assert listed[0]["bydelsnavn"].startswith('a"b\\c\x01')
    assert [f["id"] for f in listed[0]["filer"]] == [str(f.public_id) for f in files]
    assert listed[0]["filer"][0]["filnavn"] == 'æ"\\\x02'
    assert listed[1]["filer"] == [] and len(listed[2]["filer"]) == len(files)
    # The page: the reports' JSON joined as written, the cursor after the page's last one.
    page = client.get(f"{API}/bekymringsmeldinger?antall=2", **child_welfare(barnevern))
    assert page.content.decode() == (
        '{"bekymringsmeldinger":[' + ",".join(d for _, d in by_database[:2]) + "],"
        f'"neste":"{by_database[1][0]}"}}'
    )
    rest = client.get(f"{API}/bekymringsmeldinger?etter={by_database[1][0]}", **child_welfare(barnevern))
    assert rest.json() == {"bekymringsmeldinger": [listed[2]], "neste": None}


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
    assert not_json.status_code == 400
    assert not_json.json()["code"] == "invalid_json" and "linje 1, kolonne 2" in not_json.json()["detail"]
    # A NUL in a text: JSON allows it, PostgreSQL's jsonb does not (the stored report was a 500).
    with_nul = {**VALID_PUBLIC, "leveringskanal": "Skole\x00n"}
    refused = client.post(
        f"{API}/mottak/offentlig", with_nul, content_type="application/json", **school_system
    )
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_json"
    assert [e["path"] for e in refused.json()["errors"]] == ["leveringskanal"]
    # A list where the report's object belongs: told so at the root, not in English at our parameter's name.
    listed = client.post(
        f"{API}/mottak/offentlig", [VALID_PUBLIC], content_type="application/json", **school_system
    )
    assert listed.status_code == 400 and listed.json()["code"] == "invalid_json"
    assert listed.json()["errors"] == [
        {"path": "", "message": "Send et JSON-objekt ({…}) med feltene, ikke en liste."}
    ]
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

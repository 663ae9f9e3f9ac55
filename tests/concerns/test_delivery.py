"""Delivery of a sent report: JSON, PDF/A and an ASiC-E holding exactly those two, encrypted to the office's
certificate (case system) or the platform key (inbox); the KS states follow collection and refusal."""

import io
import json

import pikepdf
import pytest
from django.core.files.storage import storages

from digisos.concerns.asice import MIMETYPE, data_objects, verify_asice
from digisos.concerns.delivery import DeliveryRefused, acknowledge, refuse
from digisos.concerns.models import ConcernDelivery, ConcernReport
from digisos.concerns.services import start_report, submit_report
from digisos.concerns.validation import schema_violations
from digisos.documents.encryption import decrypt_document, decrypt_with
from digisos.municipalities.models import Municipality

pytestmark = pytest.mark.django_db

ANSWERS = {
    "melder": {"telefonnummer": "", "adresselinje1": "", "postnummer": "", "poststed": ""},
    "barn": [
        {
            "personnavn": "Mia",
            "adresselinje1": "Storgata 1",
            "postnummer": "",
            "poststed": "",
            "antatt_alder": "8",
            "relasjon": "",
        }
    ],
    "foresatte": [],
    "melding": {"melding": "Hun er alene hjemme om kveldene."},
}


def send(citizen_of, kommunenummer: str) -> ConcernReport:
    report = start_report(
        user=citizen_of("familie-bergen"),
        kind="privat",
        municipality=Municipality.objects.get(pk=kommunenummer),
    )
    return submit_report(report=report, answers=ANSWERS)


def states(report: ConcernReport) -> list[str]:
    return list(report.states.values_list("state", flat=True))


def test_a_report_to_a_case_system_is_encrypted_to_the_offices_certificate(citizen_of, bergen_key):
    report = send(citizen_of, "4601")
    delivery = ConcernDelivery.objects.get(report=report)
    assert delivery.status == ConcernDelivery.Status.AVAILABLE and delivery.channel == "exchange"
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM"]
    files = {f.role: f for f in delivery.files.all()}
    assert set(files) == {"json", "pdf", "asice"}
    assert files["asice"].filename == "FiksIO_encrypted_4601_00.zip"
    opened = {
        role: decrypt_with(storages["documents"].open(f.storage_name).read(), bergen_key)
        for role, f in files.items()
    }
    document = json.loads(opened["json"])
    assert document == report.content and schema_violations(document, "privat") == []
    with pikepdf.open(io.BytesIO(opened["pdf"])) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    container = opened["asice"]
    assert container[30:38] == b"mimetype" and MIMETYPE.encode() in container[:100]  # stored, first
    assert data_objects(container) == {
        "bekymringsmelding.json": opened["json"],
        "bekymringsmelding.pdf": opened["pdf"],
    }
    assert verify_asice(container) == []  # signed with the platform's seal (XAdES), intact


def test_an_office_without_a_certificate_waits_and_says_why(citizen_of, offices):
    report = send(citizen_of, "5501")
    delivery = ConcernDelivery.objects.get(report=report)
    assert delivery.status == ConcernDelivery.Status.WAITING and delivery.attempts == 1
    assert "sertifikat" in delivery.last_error and delivery.next_attempt_at is not None
    assert states(report) == ["AKSEPTERT"]


def test_an_inbox_office_gets_files_encrypted_to_the_platform_key(citizen_of, offices):
    report = send(citizen_of, "0301")
    delivery = ConcernDelivery.objects.get(report=report)
    assert delivery.channel == "inbox" and delivery.status == ConcernDelivery.Status.AVAILABLE
    json_file = delivery.files.get(role="json")
    assert (
        json.loads(
            decrypt_document(storages["documents"].open(json_file.storage_name).read(), json_file.key_id)
        )
        == report.content
    )


def test_acknowledged_is_levert_and_refused_is_avvist(citizen_of, bergen_key):
    first, second = send(citizen_of, "4601"), send(citizen_of, "4601")
    acknowledge(delivery_id=first.delivery.pk)
    acknowledge(delivery_id=first.delivery.pk)  # twice is harmless
    first.refresh_from_db()
    assert states(first) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"] and first.acknowledged_at is not None
    refuse(delivery_id=second.delivery.pk, message="Kunne ikke lagre i fagsystemet")
    assert states(second) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "AVVIST_FAGSYSTEM"]
    assert second.states.last().description == "Kunne ikke lagre i fagsystemet"
    with pytest.raises(DeliveryRefused):
        acknowledge(delivery_id=second.delivery.pk)
    with pytest.raises(DeliveryRefused):
        refuse(delivery_id=first.delivery.pk, message="for sent")


def test_the_delivery_is_not_run_twice(citizen_of, bergen_key):
    from digisos.concerns.delivery import deliver

    report = send(citizen_of, "4601")
    assert deliver(delivery_id=report.delivery.pk) == "skipped"
    assert report.delivery.files.count() == 3

"""The same delivery path carries an ettersendelse (vedlegg.json + cover PDF + the files); a manual inbox is
mailed about new arrivals at most every eight hours, with no personal data in the mail."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from digisos.documents import services as documents
from digisos.documents.models import Folder
from digisos.exchange.models import Case, Delivery, Receiver
from digisos.exchange.services.delivery import send_ettersendelse
from digisos.inbox.services import notify_inboxes
from digisos.soker.constants import EventType
from digisos_simulator.simulator import decrypt
from tests.documents import corpus
from tests.fixtures.exchange import apply
from tests.fixtures.personas import citizen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def test_ettersendelse_is_delivered_with_its_vedlegg_json_and_cover_pdf(
    client, connected, exchange_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, citizen("familie-bergen"), upload=False)
    case = Case.objects.get(application=application)
    folder = documents.create_folder(owner=case.owner, kind=Folder.Kind.ETTERSENDELSE)
    document = documents.upload_document(
        actor=case.owner, folder=folder, name="kontoutskrift.pdf", data=corpus.pdf()
    )
    vedlegg = [
        {
            "type": "kontooversikt",
            "tilleggsinfo": "brukskonto",
            "status": "LastetOpp",
            "filer": [{"filnavn": document.stored_name, "sha512": document.sha512}],
            "hendelseType": EventType.DOKUMENTASJON_ETTERSPURT,
            "hendelseReferanse": "dok-1",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_ettersendelse(actor=case.owner, case_id=case.id, folder_id=folder.id, vedlegg=vedlegg)
    delivery.refresh_from_db()
    assert delivery.status == "available" and delivery.nav_ekstern_ref_id == f"{application.id}0001"

    bergen = exchange_api("4601")
    listed = next(d for d in bergen.get("/leveranser").json()["leveranser"] if d["type"] == "ettersendelse")
    assert [f["rolle"] for f in listed["filer"]] == ["vedlegg.json", "ettersendelse.pdf", "vedlegg"]
    key = (connected["4601"] / "mottak.pem").read_bytes()
    files = {
        f["rolle"]: decrypt(bergen.get(f"/leveranser/{listed['id']}/filer/{f['id']}").content, key)
        for f in listed["filer"]
    }
    assert json.loads(files["vedlegg.json"]) == {"vedlegg": vedlegg}
    assert files["ettersendelse.pdf"].startswith(b"%PDF-")
    assert bergen.get(f"/saker/{case.id}").json()["leveranser"] == [
        str(d.public_id) for d in Delivery.objects.filter(case=case).order_by("pk")
    ]


def test_inbox_mail_at_most_every_eight_hours_without_personal_data(
    client, django_capture_on_commit_callbacks
):
    Receiver.objects.create(
        municipality_id="0301", channel="inbox", inbox_email="innboks@oslo.kommune.example"
    )
    kari = citizen("kari-leier-oslo")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, kari, upload=False)
    assert Delivery.objects.get(case__application=application).status == "available"
    now = datetime.now(UTC) + timedelta(minutes=1)
    assert notify_inboxes(now=now) == 1
    message = mail.outbox[0]
    assert message.to == ["innboks@oslo.kommune.example"] and "/innboks/" in message.body
    text = message.subject + message.body
    for private in (kari.pid, application.reference, "Kari", str(application.id)):
        assert private not in text
    # Nothing new, or too soon after the last mail: no mail.
    assert notify_inboxes(now=now + timedelta(hours=1)) == 0
    Delivery.objects.update(available_at=now + timedelta(hours=2))
    assert notify_inboxes(now=now + timedelta(hours=3)) == 0
    assert notify_inboxes(now=now + timedelta(hours=8, minutes=1)) == 1
    assert len(mail.outbox) == 2

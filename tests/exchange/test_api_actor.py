"""The API acts as the case system's own saved service user, never as a model instance made up from the token:
audit entries name that user as it is stored, and what it uploads is that user's."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digisos.accounts.models import User
from digisos.core.models import AuditEntry
from digisos.documents.models import Document
from digisos.registers.adapters.local import load_population
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos_simulator.simulator import letter_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def test_audit_entries_and_letters_name_the_case_systems_saved_user(connected, exchange_api):
    bergen = exchange_api("4601")
    service_user = User.objects.get(api_client__client_id="test-fagsystem-4601")
    # An operator renames the service user while the case system holds a valid token: the user is what the
    # API acts as, not a name derived from the client id.
    User.objects.filter(pk=service_user.pk).update(username="bergen-fagsystem")
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")

    created = bergen.post("/saker", {"fodselsnummer": pid})
    assert created.status_code == 201, created.content
    case_id = created.json()["fiksDigisosId"]
    uploaded = bergen.post(
        f"/saker/{case_id}/filer",
        {"filer": [SimpleUploadedFile("brev.pdf", letter_pdf("Brev", ["x"]))]},
        content_type=None,
    )
    assert uploaded.status_code == 200, uploaded.content
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    document = builders.document(builders.soknads_status(SoknadsStatus.MOTTATT, at=at))
    reported = bergen.post(f"/saker/{case_id}/digisos-soker", document)
    assert reported.status_code == 200, reported.content

    entries = AuditEntry.objects.filter(action__in=["exchange.paper_case", "exchange.case_events"])
    assert sorted(entries.values_list("action", "actor", "actor_id")) == [
        ("exchange.case_events", "bergen-fagsystem", service_user.pk),
        ("exchange.paper_case", "bergen-fagsystem", service_user.pk),
    ]
    letter = Document.objects.get(pk=uploaded.json()[0]["dokumentlagerDokumentId"])
    assert letter.uploaded_by_id == service_user.pk
    upload_entry = AuditEntry.objects.get(object_id=str(letter.pk))
    assert (upload_entry.actor, upload_entry.actor_id) == ("bergen-fagsystem", service_user.pk)

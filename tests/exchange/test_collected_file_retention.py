"""Retention of delivered files: the encrypted copies of a delivery are deleted a set time after the case
system collected it; until then it can fetch them again, afterwards a download says they are gone (410)."""

from datetime import timedelta

import pytest
from django.core.files.storage import storages

from digisos.exchange.models import Case, DeliveredFile, Delivery
from digisos.exchange.services.delivery import remove_collected_files
from tests.fixtures.exchange import apply
from tests.fixtures.personas import citizen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


@pytest.fixture
def two_deliveries(client, connected, django_capture_on_commit_callbacks):
    """Sofie's application collected and acknowledged by Bergen's case system; Maria's still waiting."""
    with django_capture_on_commit_callbacks(execute=True):
        collected = Delivery.objects.get(case__application=apply(client, citizen("familie-bergen")))
        waiting = Delivery.objects.get(case__application=apply(client, citizen("tromso-enslig-forsorger")))
    return collected, waiting


def test_collected_files_are_kept_for_the_set_days_then_deleted_and_a_download_says_gone(
    two_deliveries, exchange_api, settings
):
    collected, waiting = two_deliveries
    bergen = exchange_api("4601")
    assert bergen.post(f"/leveranser/{collected.public_id}/kvittering").status_code == 200
    collected.refresh_from_db()
    files = list(DeliveredFile.objects.filter(delivery=collected))
    waiting_files = list(DeliveredFile.objects.filter(delivery=waiting))
    assert files and waiting_files
    storage = storages["documents"]
    settings.EXCHANGE = {**settings.EXCHANGE, "COLLECTED_FILES_KEEP_DAYS": 30}

    # Within the period nothing goes, and the case system can fetch again.
    assert remove_collected_files(now=collected.collected_at + timedelta(days=29)) == 0
    assert bergen.get(f"/leveranser/{collected.public_id}/filer/{files[0].id}").status_code == 200

    # After it, every encrypted copy of the collected delivery is gone from storage; the rows stay.
    later = collected.collected_at + timedelta(days=31)
    assert remove_collected_files(now=later) == len(files)
    assert not any(storage.exists(f.storage_name) for f in files)
    assert DeliveredFile.objects.filter(delivery=collected, deleted_at=later).count() == len(files)
    response = bergen.get(f"/leveranser/{collected.public_id}/filer/{files[0].id}")
    assert response.status_code == 410 and response.json()["code"] == "file_deleted"
    assert bergen.get(f"/leveranser/{collected.public_id}").json()["status"] == "collected"

    # A delivery not yet collected keeps its files however old it is, and a second run deletes nothing.
    assert all(storage.exists(f.storage_name) for f in waiting_files)
    assert remove_collected_files(now=later + timedelta(days=365)) == 0
    assert Case.objects.filter(pk=collected.case_id).exists()

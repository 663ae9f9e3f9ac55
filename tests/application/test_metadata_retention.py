"""The data processing agreement's 200 days for metadata (Vedlegg 1): a sent application's working copy — the
answers as the form kept them and what the registers said when it was filled in (NAV payments, Aa-registeret,
Skatteetaten, bostøtte…) — is cleared 200 days after it was sent, by its own job. The application as sent
(soknad.json, vedlegg.json, its PDF) is the municipality's case and stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from digisos.application.models import Application
from digisos.application.services import METADATA_DAYS, clear_sent_application_metadata
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def test_a_sent_applications_working_copy_is_cleared_after_200_days_and_the_sent_application_stays():
    old, young = CaseFactory().application, CaseFactory(persona="familie-bergen").application
    Application.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=150))
    Application.objects.filter(pk=young.pk).update(sent_at=timezone.now() - timedelta(days=10))
    assert METADATA_DAYS == 200
    assert old.answers and old.registers

    later = timezone.now() + timedelta(days=51)  # the old one sent 201 days before, the young one 61
    assert clear_sent_application_metadata(now=later) == 1

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.answers == {} and old.registers == {}
    assert old.soknad_json and old.vedlegg_json is not None and old.reference  # the case's, kept
    assert young.answers and young.registers
    assert clear_sent_application_metadata(now=later) == 0  # idempotent
    assert clear_sent_application_metadata(now=later + timedelta(days=140)) == 1  # the young one's turn


def test_a_draft_is_not_touched_by_the_metadata_job():
    application = CaseFactory().application
    Application.objects.filter(pk=application.pk).update(status=Application.Status.DRAFT, sent_at=None)
    assert clear_sent_application_metadata(now=timezone.now() + timedelta(days=400)) == 0

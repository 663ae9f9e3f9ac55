"""The migration that brings the case read model's items (CaseItem) fills them for every existing case from its
stored CaseState row: afterwards each case's items equal those of a fresh fold."""

import importlib

import pytest
from django.apps import apps

from digisos.exchange.models import Case, CaseItem, DeliveredFile, Delivery
from digisos.exchange.services.case_items import fresh_items, stored_items
from digisos.exchange.services.reporting import case_state_values
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

fill_items = importlib.import_module("digisos.exchange.migrations.0016_s13overview_case_items").fill_items


def test_the_migration_fills_every_case_s_items_from_its_stored_row():
    cases = [
        CaseFactory(paid=True, persona="kari-leier-oslo"),
        CaseFactory(documents_requested=True),
        CaseFactory(received=True),
    ]
    CaseItem.objects.all().delete()
    fill_items(apps, None)
    stored = stored_items(case.pk for case in cases)
    assert stored  # the paid and the requested case have items
    for case in cases:
        case = Case.objects.select_related("application").get(pk=case.pk)
        assert stored.get(case.pk, []) == fresh_items(case, case_state_values(case))


fill_file_items = importlib.import_module(
    "digisos.exchange.migrations.0018_s15ovpg_file_items"
).fill_file_items


def test_the_migration_fills_the_attachments_items_from_the_delivered_files():
    """s15-ovpg: the attachments' names became items of their own kind (written with the delivery's files); the
    migration fills them for the files already delivered, each attachment (role "vedlegg") once, nothing else."""
    case = CaseFactory(paid=True, persona="kari-leier-oslo")
    delivery = Delivery.objects.get(case=case)
    for position, (role, name) in enumerate(
        [("soknad.pdf", "soknad.pdf"), ("vedlegg", "lonnsslipp.pdf"), ("vedlegg", "husleie.pdf")], start=10
    ):
        DeliveredFile.objects.create(
            delivery=delivery,
            position=position,
            role=role,
            filename=name,
            content_type="application/pdf",
            size=1,
            storage_name=f"migration-{position}",
        )
    expected = [
        (name, position, delivery.created_at, case.owner_id, case.created_at)
        for position, name in DeliveredFile.objects.filter(role="vedlegg")
        .order_by("position")
        .values_list("position", "filename")
    ]
    CaseItem.objects.filter(kind="file").delete()
    fill_file_items(apps, None)
    items = CaseItem.objects.filter(kind="file").order_by("position")
    assert list(items.values_list("title", "position", "rank_at", "owner_id", "case_created_at")) == expected
    assert ("lonnsslipp.pdf", 11, delivery.created_at, case.owner_id, case.created_at) in expected

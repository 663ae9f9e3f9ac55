"""The migration that brings the case read model's items (CaseItem) fills them for every existing case from its
stored CaseState row: afterwards each case's items equal those of a fresh fold."""

import importlib

import pytest
from django.apps import apps

from digisos.exchange.models import Case, CaseItem
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

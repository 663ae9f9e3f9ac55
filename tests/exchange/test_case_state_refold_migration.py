"""The migration that comes with serialise.VERSION 2 folds every case again: a row stored in the old shape
(version 1, no Task.source) equals a fresh fold afterwards, and a row that is missing is made."""

import importlib

import pytest
from django.apps import apps

from digisos.exchange.models import CaseState
from digisos.exchange.services.reporting import case_state_values
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

refold = importlib.import_module("digisos.exchange.migrations.0007_s10case_refold_case_state").refold


def _stored(case) -> dict:
    row = CaseState.objects.get(case=case)
    return {name: getattr(row, name) for name in case_state_values(case)}


def test_the_migration_folds_every_case_again():
    old = CaseFactory(paid=True, persona="kari-leier-oslo")
    missing = CaseFactory(documents_requested=True)
    CaseState.objects.filter(case=old).update(
        page_view={"version": 1},
        payments=[],
        recent_history=[],
        earlier_history=[{"stale": 1}],
        status="TULL",
    )
    CaseState.objects.filter(case=missing).delete()
    refold(apps, None)
    for case in (old, missing):
        case.refresh_from_db()
        fresh = case_state_values(case)
        stored = _stored(case)
        assert stored["status"] == fresh["status"] and stored["page_view"] == fresh["page_view"]
        for part in ("payments", "recent_history", "earlier_history"):
            assert stored[part] == fresh[part]

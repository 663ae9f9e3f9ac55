"""Case.applicant_name (exchange/0012): who applied, as Folkeregisteret named the person in the application, set
when the case is made from the sent application and filled for the cases made before; the inbox list reads it.
The migration's SQL gives what the send gives (application.summary.registered_name), for every shape of the
register snapshot."""

import importlib

import pytest
from django.db import connection

from digisos.application.models import Application
from digisos.application.summary import registered_name
from digisos.exchange.models import Case
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0012_s11inboxlist_case_applicant_name")

SNAPSHOTS = [
    {"person": {"given_name": "Kari", "middle_name": "", "family_name": "Nordmann"}},
    {"person": {"given_name": "Ola", "middle_name": "Mellom", "family_name": "Nordmann"}},
    {"person": {"given_name": "Ola", "middle_name": None, "family_name": "Nordmann", "pid": "x"}},
    {"person": {}},
    {"person": None},
    {},
]


def test_the_send_stores_the_applicants_registered_name_on_the_case():
    case = CaseFactory()
    registers = Application.objects.values_list("registers", flat=True).get(pk=case.application_id)
    assert case.applicant_name and case.applicant_name == registered_name(registers)


def test_the_migration_fills_what_the_send_stores_for_every_shape_of_snapshot():
    case = CaseFactory()
    for snapshot in SNAPSHOTS:
        Application.objects.filter(pk=case.application_id).update(registers=snapshot)
        Case.objects.filter(pk=case.pk).update(applicant_name="")

        with connection.schema_editor(atomic=False) as editor:
            migration.fill(None, editor) if connection.vendor == "postgresql" else None

        stored = Case.objects.values_list("applicant_name", flat=True).get(pk=case.pk)
        assert stored == registered_name(snapshot), snapshot

"""Migration exchange/0015 gives every CaseState row its case's municipality (follow-up's work queues filter
the read model by it), and a row written from now on carries it from the start."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from digisos.exchange.models import Case, CaseState
from digisos.exchange.services.delivery import create_paper_case
from tests.factories import CaseFactory, case_system
from tests.fixtures.personas import persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0015_s12queues_case_state_municipality")


def municipalities() -> dict:
    return dict(CaseState.objects.values_list("case_id", "municipality_id"))


def cases() -> dict:
    return dict(Case.objects.values_list("pk", "municipality_id"))


def test_the_fill_gives_each_row_its_cases_municipality():
    oslo, bergen = CaseFactory(persona="kari-leier-oslo"), CaseFactory(persona="familie-bergen")
    assert oslo.municipality_id != bergen.municipality_id
    CaseState.objects.update(municipality_id="5001")  # wrong on purpose: the fill must put each right
    with connection.schema_editor(atomic=False) as editor:
        migration.fill(apps, editor)
    assert municipalities() == cases()


def test_a_sent_application_and_a_paper_case_get_their_municipality():
    CaseFactory()
    create_paper_case(
        actor_id=case_system("4601").pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen")
    )
    assert len(municipalities()) == 2
    assert municipalities() == cases()

"""Migration exchange/0017 gives every CaseState row its case's creation (follow-up's § 11a queue reads the read
model alone), and a row written from now on, or rebuilt, carries it from the start."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import connection

from digisos.exchange.models import Case, CaseState
from digisos.exchange.services.delivery import create_paper_case
from digisos.exchange.services.reporting import rebuild_case_states
from tests.factories import CaseFactory, case_system
from tests.fixtures.personas import persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0017_s13queues_case_state_created_at")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def copies() -> dict:
    return dict(CaseState.objects.values_list("case_id", "case_created_at"))


def cases() -> dict:
    return dict(Case.objects.values_list("pk", "created_at"))


def test_the_fill_gives_each_row_its_cases_creation():
    first, second = CaseFactory(persona="kari-leier-oslo"), CaseFactory(persona="familie-bergen")
    Case.objects.filter(pk=first.pk).update(created_at=LONG_AGO)
    assert copies() != cases()
    with connection.schema_editor(atomic=False) as editor:
        migration.fill(apps, editor)
    assert copies() == cases()
    assert copies()[first.pk] == LONG_AGO and copies()[second.pk] != LONG_AGO


def test_a_sent_application_and_a_paper_case_get_their_creation_and_a_rebuild_keeps_it():
    CaseFactory()
    create_paper_case(
        actor_id=case_system("4601").pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen")
    )
    assert len(copies()) == 2
    assert copies() == cases()
    CaseState.objects.update(case_created_at=LONG_AGO)  # wrong on purpose: the rebuild puts each right
    assert rebuild_case_states().changed == 2
    assert copies() == cases()

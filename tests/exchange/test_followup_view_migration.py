"""Migration exchange/0011 fills CaseState.followup_view from the stored page view and payments: what
`case_state.followup_view` gives for the whole view (what the fold writes from now on), for every shape."""

import importlib

import pytest
from django.db import connection

from digisos.exchange.case_state import followup_view, page_columns
from digisos.exchange.models import CaseState
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0011_s11follow_followup_view")

AT = "2026-11-02T10:00:00+00:00"
VIEWS = [
    {
        "tasks": [
            {"from_caseworker": True, "deadline": AT, "document_type": "Husleie"},
            {"from_caseworker": False, "document_type": "Kontoutskrift"},
        ],
        "conditions": [{"title": "Søke jobb", "status": "RELEVANT", "reference": "v1"}],
        "letters": [{"title": "Vedtak"}, {"title": ""}, {"reference": "x"}],
        "payments": [
            {"status": "UTBETALT", "paid_date": "2026-10-03", "amount": 1200.5},
            {"status": "UTBETALT", "paid_date": "", "due_date": "2026-10-20", "amount": 800},
            {"status": "UTBETALT", "paid_date": "2026-09-30", "amount": None},
            {"status": "PLANLAGT_UTBETALING", "due_date": "2026-11-20", "amount": 500},
            {"status": "UTBETALT", "paid_date": "not a day", "amount": 5},
        ],
        "timeline": [{"kind": "decision", "at": AT}],
    },
    {"tasks": None, "conditions": None, "letters": None, "payments": None},
    {},
]


def test_the_fill_gives_what_the_fold_writes_for_every_shape_of_view():
    case = CaseFactory(received=True)
    for view in VIEWS:
        columns = page_columns(view)
        CaseState.objects.filter(case_id=case.pk).update(
            page_view=columns["page_view"], payments=columns["payments"], followup_view={"stale": True}
        )

        with connection.schema_editor(atomic=False) as editor:
            migration.fill(django_apps(), editor)

        stored = CaseState.objects.values_list("followup_view", flat=True).get(case_id=case.pk)
        assert stored == followup_view(view), view
    assert followup_view(VIEWS[0])["paid"] == {"2026-10": 2000.5, "2026-09": 0.0}
    assert followup_view(VIEWS[0])["requests"] == [{"document_type": "Husleie", "deadline": AT}]


def django_apps():
    from django.apps import apps

    return apps

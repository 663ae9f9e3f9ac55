"""Migration exchange/0010 fills CaseState.statistics_view from the stored view. On PostgreSQL it does so in one
UPDATE; that UPDATE must give what `case_state.statistics_view` gives (what the fold writes from now on), for
every shape a stored view can have."""

import importlib

import pytest
from django.db import connection

from digisos.exchange.case_state import statistics_view
from digisos.exchange.models import CaseState
from tests.exchange.stored_view import add_view_column, store_view
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0010_s10b_scale_statistics_view")

AT = "2026-11-02T10:00:00+00:00"
VIEWS = [
    {
        "timeline": [
            {"kind": "status_mottatt", "at": AT, "what": "Mottatt"},
            {"kind": "documents_requested", "at": "2026-11-03T10:00:00+00:00", "what": "x"},
            {"kind": "status_mottatt", "at": "2026-11-04T10:00:00+00:00"},
            {"kind": "documents_requested", "at": "2026-11-05T10:00:00+00:00"},
            {"kind": "decision", "at": "2026-11-06T10:00:00+00:00"},
        ],
        "preliminary_answer": {"at": AT, "letter": "l"},
        "tasks": [
            {"from_caseworker": True, "deadline": AT, "requested_at": AT, "title": "Husleie"},
            {"from_caseworker": False, "title": "Kontoutskrift"},
        ],
    },
    {"timeline": [{"kind": "documents_requested", "at": AT}], "preliminary_answer": None, "tasks": []},
    {"status": "MOTTATT", "timeline": None, "tasks": None},
    {},
]


def test_the_sql_fill_gives_what_statistics_view_gives_for_every_shape_of_view():
    case = CaseFactory(received=True)
    add_view_column()
    for view in VIEWS:
        store_view(case.pk, view)
        CaseState.objects.filter(case_id=case.pk).update(statistics_view={"stale": True})

        with connection.schema_editor(atomic=False) as editor:
            migration.fill(None, editor)

        stored = CaseState.objects.values_list("statistics_view", flat=True).get(case_id=case.pk)
        assert stored == statistics_view(view), view

"""Migration exchange/0006 fills CaseState's page columns from the stored view. On PostgreSQL it does so in one
UPDATE (a million rows through Python took hours); that UPDATE must give what `case_state.page_columns` gives,
for every shape a stored view can have."""

import importlib

import pytest
from django.db import connection

from digisos.exchange.case_state import RECENT_HISTORY, page_columns
from digisos.exchange.models import CaseState
from tests.exchange.stored_view import add_view_column, store_view
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0006_s8pages_case_page_columns")

PAGE = ["page_view", "payments", "recent_history", "payment_count", "history_count"]


def timeline(count: int) -> list[dict]:
    return [{"at": f"2026-11-{1 + i % 28:02d}T10:00:00+00:00", "what": f"entry {i}"} for i in range(count)]


VIEWS = [
    {"status": "MOTTATT", "payments": [{"reference": "u1", "amount": "5250.00"}], "timeline": timeline(3)},
    {"status": "UNDER_BEHANDLING", "payments": [], "timeline": timeline(RECENT_HISTORY + 7)},
    {"status": "FERDIGBEHANDLET", "timeline": timeline(RECENT_HISTORY)},
    {"status": "MOTTATT", "payments": None, "timeline": None, "saker": [{"reference": "s", "title": "Ø"}]},
    {},
]


def test_the_sql_fill_gives_what_page_columns_gives_for_every_shape_of_view():
    case = CaseFactory(received=True)
    add_view_column()
    for view in VIEWS:
        store_view(case.pk, view)
        CaseState.objects.filter(case_id=case.pk).update(
            page_view={}, payments=[], recent_history=[], payment_count=99, history_count=99
        )

        with connection.schema_editor(atomic=False) as editor:
            migration.fill_in_sql(editor)

        stored = CaseState.objects.values(*PAGE).get(case_id=case.pk)
        assert stored == {name: page_columns(view)[name] for name in PAGE}, view

"""Migration exchange/0019 keeps each part of the stored view once: it fills CaseState.earlier_history (the
history before the newest RECENT_HISTORY entries, which only the whole view held) from the whole view's column
and drops that column. On PostgreSQL the fill is one UPDATE; it must give what `case_state.page_columns` gives,
for every shape a stored view can have, and the way back must put the whole view together again."""

import importlib
import json

import pytest
from django.db import connection

from digisos.exchange.case_state import RECENT_HISTORY, joined_view, page_columns
from digisos.exchange.models import CaseState
from tests.exchange.stored_view import add_view_column, store_view
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

migration = importlib.import_module("digisos.exchange.migrations.0019_s16post_case_state_view_once")


def timeline(count: int) -> list[dict]:
    return [{"at": f"2026-11-{1 + i % 28:02d}T10:00:00+00:00", "what": f"entry {i}"} for i in range(count)]


VIEWS = [
    {"status": "MOTTATT", "payments": [{"reference": "u1", "amount": "5250.00"}], "timeline": timeline(3)},
    {"status": "UNDER_BEHANDLING", "payments": [], "timeline": timeline(RECENT_HISTORY + 7)},
    {"status": "UNDER_BEHANDLING", "timeline": timeline(RECENT_HISTORY + 1)},
    {"status": "FERDIGBEHANDLET", "timeline": timeline(RECENT_HISTORY)},
    {"status": "MOTTATT", "payments": None, "timeline": None, "saker": [{"reference": "s", "title": "Ø"}]},
    {},
]


def test_the_sql_fill_gives_what_page_columns_gives_for_every_shape_of_view():
    case = CaseFactory(received=True)
    add_view_column()
    for view in VIEWS:
        store_view(case.pk, view)
        CaseState.objects.filter(case_id=case.pk).update(earlier_history=[])  # the new column's default

        with connection.schema_editor(atomic=False) as editor:
            migration.fill(None, editor)

        stored = CaseState.objects.values_list("earlier_history", flat=True).get(case_id=case.pk)
        assert stored == page_columns(view)["earlier_history"], view
    assert page_columns(VIEWS[1])["earlier_history"] == timeline(RECENT_HISTORY + 7)[:7]


def test_the_way_back_puts_the_whole_view_together_from_its_parts():
    case = CaseFactory(received=True)
    add_view_column()
    view = {"version": 2, "status": "MOTTATT", "payments": [{"reference": "u1"}], "timeline": timeline(27)}
    CaseState.objects.filter(case_id=case.pk).update(**page_columns(view))

    with connection.schema_editor(atomic=False) as editor:
        migration.unfill(None, editor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT view FROM exchange_casestate WHERE case_id = %s", [case.pk])
        stored = json.loads(cursor.fetchone()[0])  # Django reads jsonb as text, and decodes it in the field
    columns = page_columns(view)
    assert (
        stored
        == view
        == joined_view(
            columns["page_view"], columns["payments"], columns["earlier_history"], columns["recent_history"]
        )
    )

"""core/prepared.py: a values() query compiled once, run with each call's own arguments, gives what the
queryset itself gives."""

from unittest import mock

import pytest
from django.db.models import F, Value
from django.db.models.sql.compiler import SQLCompiler

from digisos.core.prepared import PreparedValues
from digisos.municipalities.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def named(kommunenummer: str):
    return Municipality.objects.filter(pk=kommunenummer).values("name", number=F("kommunenummer"))


def test_each_call_gets_the_rows_of_its_own_arguments():
    prepared = PreparedValues(named, "x999")
    for number in ("0301", "4601", "0301", "9998"):
        assert prepared.rows(number) == list(named(number))
    assert prepared.rows("4601") == [{"name": "Bergen", "number": "4601"}]


def test_an_argument_the_query_uses_twice_fills_both_places_and_a_sample_not_in_it_is_refused():
    def twice(kommunenummer: str):
        return Municipality.objects.filter(pk=kommunenummer).values("name", same=Value(kommunenummer))

    prepared = PreparedValues(twice, "x999")
    assert prepared.rows("0301") == [{"name": "Oslo", "same": "0301"}]
    assert prepared.rows("4601") == [{"name": "Bergen", "same": "4601"}]
    with pytest.raises(ValueError, match="not in the query"):
        PreparedValues(lambda kommunenummer: named("0301"), "x999").rows("0301")


def test_the_sql_is_compiled_once_and_dates_come_back_typed():
    """The point of it: later calls compile nothing; and the column's converters still run."""
    prepared = PreparedValues(
        lambda kommunenummer: Municipality.objects.filter(pk=kommunenummer).values("pk", "valid_from"), "x999"
    )
    prepared.rows("0301")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        rows = prepared.rows("4601")
    assert as_sql.call_count == 0
    assert rows[0]["valid_from"] == Municipality.objects.get(pk="4601").valid_from


def test_the_sql_of_each_call_as_a_subquery_selects_what_the_queryset_selects():
    """`sql()`: the compiled text (the same object each call, so callers may key their own statements on it) and
    the call's parameters, for use inside a larger statement."""
    from django.db import connection

    prepared = PreparedValues(
        lambda kommunenummer: Municipality.objects.filter(pk=kommunenummer).values("kommunenummer"), "x999"
    )
    first, _ = prepared.sql("0301")
    for number in ("4601", "0301", "9998"):
        sql, params = prepared.sql(number)
        assert sql is first
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) found", params)  # noqa: S608 - the test's own SQL
            assert cursor.fetchone()[0] == Municipality.objects.filter(pk=number).count()


def test_update_row_writes_what_the_querysets_update_writes_and_compiles_nothing():
    from datetime import date

    from digisos.core.models import AuditEntry
    from digisos.core.prepared import update_row

    entry = AuditEntry.objects.create(actor="a", action="x", object_type="t", object_id="1")
    values = {"before": {"list": [1, "ø"], "none": None}, "after": None, "object_id": "2"}
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        assert update_row(AuditEntry, entry.pk, values) == 1
    assert as_sql.call_count == 0
    stored = AuditEntry.objects.values("before", "after", "object_id").get(pk=entry.pk)
    assert stored == values
    assert update_row(AuditEntry, entry.pk + 1000, values) == 0

    update_row(Municipality, "0301", {"valid_from": date(2020, 1, 2), "population": None})
    assert Municipality.objects.values_list("valid_from", "population").get(pk="0301") == (
        date(2020, 1, 2),
        None,
    )


def test_insert_row_writes_what_create_writes_with_an_sql_fragment_for_one_column():
    from django.utils import timezone

    from digisos.core.models import AuditEntry
    from digisos.core.prepared import insert_row

    now = timezone.now()
    values = {
        "at": now,
        "action": "x",
        "object_type": "t",
        "object_id": "1",
        "before": {"a": ["ø"]},
        "after": None,
        "subject_pid": "",  # no defaults: every value is passed
        "request_id": "",
    }
    first = insert_row(AuditEntry, values, fragments={"actor": ("UPPER(%s)", ["someone"])})
    second = insert_row(AuditEntry, values, fragments={"actor": ("UPPER(%s)", ["other"])})
    assert second > first
    rows = AuditEntry.objects.filter(pk__in=[first, second]).order_by("pk")
    assert [(row.actor, row.at, row.before, row.after) for row in rows] == [
        ("SOMEONE", now, {"a": ["ø"]}, None),
        ("OTHER", now, {"a": ["ø"]}, None),
    ]


def test_native_timestamps_give_the_same_instants_as_djangos_loader():
    from django.utils import timezone

    from digisos.core.models import AuditEntry

    entry = AuditEntry.objects.create(actor="a", action="x", object_type="t", object_id="1")
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now())

    def times(pk: int):
        return AuditEntry.objects.filter(pk=pk).values("at")

    native = PreparedValues(times, -7654321, native_timestamps=True).rows(entry.pk)
    assert native == PreparedValues(times, -7654321).rows(entry.pk) == list(times(entry.pk))
    assert native[0]["at"].utcoffset().total_seconds() == 0
    # Only that cursor: the connection's other queries still get Django's loader.
    from datetime import UTC

    assert AuditEntry.objects.get(pk=entry.pk).at.tzinfo is UTC


def test_update_rows_writes_each_row_in_one_statement_and_counts_the_last(django_assert_num_queries):
    from digisos.core.models import AuditEntry
    from digisos.core.prepared import update_rows

    entry = AuditEntry.objects.create(actor="a", action="x", object_type="t", object_id="1")
    with django_assert_num_queries(1):
        count = update_rows(
            (AuditEntry, entry.pk, {"object_id": "2", "after": {"n": 1}}),
            (Municipality, "0301", {"population": 12}),
        )
    assert count == 1
    assert AuditEntry.objects.values_list("object_id", "after").get(pk=entry.pk) == ("2", {"n": 1})
    assert Municipality.objects.get(pk="0301").population == 12
    assert (
        update_rows((AuditEntry, entry.pk, {"object_id": "3"}), (Municipality, "9999", {"population": 1}))
        == 0
    )
    assert AuditEntry.objects.get(pk=entry.pk).object_id == "3"


def test_literal_constants_write_the_querys_own_constants_into_the_sql_and_keep_the_arguments():
    """`literal_constants`: the constants (a choice, a number, a text with a %) become SQL literals, so that
    PostgreSQL can prove a partial index's condition in a plan made once for any argument; the arguments stay
    parameters, and the rows are those of the queryset."""
    from django.db import connections
    from django.db.models import Q

    def offices(kommunenummer: str):
        return (
            Municipality.objects.filter(Q(name__contains="%") | Q(pk=kommunenummer), kommunenummer__gt="0")
            .order_by("pk")
            .values("pk", "name")
        )

    prepared = PreparedValues(offices, "x999", literal_constants=True)
    for number in ("0301", "4601"):
        assert prepared.rows(number) == list(offices(number))
    compiled = prepared._compiled[connections["default"]]
    assert compiled.params == ("x999",) and compiled.sql.count("%s") == 1 and "'0'" in compiled.sql


def test_write_if_unchanged_writes_everything_or_nothing_by_the_guarding_rows_value(
    django_assert_num_queries,
):
    """The compare-and-set: the guarded row's UPDATE, and the other clauses only if it wrote (one statement)."""
    from django.utils import timezone

    from digisos.core.models import AuditEntry
    from digisos.core.prepared import insert_write, update_write, write_if_unchanged

    entry = AuditEntry.objects.create(actor="a", action="x", object_type="t", object_id="1")
    population = Municipality.objects.get(pk="0301").population

    def write(expected: str, now: str) -> bool:
        return write_if_unchanged(
            AuditEntry,
            entry.pk,
            {"object_id": now},
            unchanged={"object_id": expected},
            then=[
                update_write(Municipality, "0301", {"population": int(now)}),
                insert_write(
                    AuditEntry,
                    {"at": timezone.now(), "action": "y", "object_type": "t", "object_id": now, "actor": "b"}
                    | {"subject_pid": "", "request_id": ""},  # no defaults: every value is passed
                ),
            ],
        )

    with django_assert_num_queries(1):
        assert write("1", "2")
    assert not write("1", "3")  # the row no longer holds "1": nothing is written
    assert AuditEntry.objects.get(pk=entry.pk).object_id == "2"
    assert Municipality.objects.get(pk="0301").population == 2 != population
    assert list(AuditEntry.objects.filter(action="y").values_list("object_id", flat=True)) == ["2"]


def _as_compared(param):
    """A prepared parameter as comparable data: a Jsonb by its value and its dumps function."""
    from psycopg.types.json import Jsonb

    if isinstance(param, Jsonb):
        return ("jsonb", param.obj, param.dumps)
    return (type(param), param)


def test_save_values_prepare_every_column_a_report_writes_as_the_fields_own_get_db_prep_save():
    # save_values skips a field's chain of calls for plain values of its own type: each parameter must stay
    # exactly what get_db_prep_save gives (Django wraps integers in psycopg's Int4, a naive time is made aware).
    import datetime as dt
    import uuid

    from django.db import connection

    from digisos.core.models import AuditEntry
    from digisos.core.prepared import save_values
    from digisos.exchange.models import Case, CaseState

    samples = [
        "tekst",
        "",
        None,
        7,
        True,
        2.5,
        dt.date(2026, 11, 23),
        dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 23, 10, 0),
        uuid.UUID(int=5),
        {"a": [1, "b"]},
        [{"at": "2026-11-23"}],
    ]
    checked = 0
    for model in (Case, CaseState, AuditEntry):
        for field in model._meta.concrete_fields:
            for value in samples:
                try:
                    expected = field.get_db_prep_save(value, connection)
                except Exception:  # noqa: S112 (a value the field refuses is not a case here)
                    continue
                (found,) = save_values(connection, [field], [value])
                assert _as_compared(found) == _as_compared(expected), (model, field.name, value)
                checked += 1
    assert checked > 200


@pytest.mark.usefixtures("document_settings")
def test_record_update_write_stores_what_the_column_by_column_update_stores():
    """The read model's UPDATE with its values as one JSON record (jsonb_populate_record) must store in every
    column exactly what update_write's parameter per column stores: texts, numbers, flags, dates, aware times of
    any offset and precision, JSON of any shape, and NULLs."""
    import datetime as dt

    from tests.factories import CaseFactory

    from digisos.core.prepared import record_update_write, update_write, write_if_unchanged
    from digisos.exchange.models import Case, CaseState

    oslo = dt.timezone(dt.timedelta(hours=1))
    first = {
        "status": "UNDER_BEHANDLING",
        "office": "1201",
        "last_event_at": dt.datetime(2026, 11, 23, 10, 0, 1, 123456, tzinfo=oslo),
        "open_tasks": 3,
        "next_deadline": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        "first_task_deadline": None,
        "last_payment_date": dt.date(2026, 11, 2),
        "last_payment_amount": 5250.75,
        "next_planned_payment_date": None,
        "decisions": [{"sak": "s", "title": 'Livsopphold – «ÆØÅ» \\ "x"', "at": "2026-11-23T10:00:00+00:00"}],
        "page_view": {"version": 2, "nested": {"a": [1, 2.5, None, True, "ø"]}, "empty": {}},
        "payments": [],
        "earlier_history": [[], {}, "tekst", 0.1],
        "source_sha256": "",
    }
    second = {
        **first,
        "office": "",
        "last_event_at": None,
        "open_tasks": 0,
        "last_payment_amount": None,
        "decisions": [],
        "page_view": {},
    }
    names = [CaseState._meta.get_field(name).attname for name in first]
    stored = {}
    cases = {
        record_update_write: CaseFactory(received=True),
        update_write: CaseFactory(received=True, persona="kari-leier-oslo"),
    }
    for values in (first, second):
        for write, case in cases.items():
            sha = Case.objects.values_list("soker_sha256", flat=True).get(pk=case.pk)
            assert write_if_unchanged(
                Case,
                case.pk,
                {"soker_sha256": sha},
                unchanged={"soker_sha256": sha},
                then=[write(CaseState, case.pk, values)],
            )
            stored[write] = CaseState.objects.values(*names).get(case_id=case.pk)
        assert stored[record_update_write] == stored[update_write]
        assert stored[record_update_write]["last_event_at"] == values["last_event_at"]
        assert stored[record_update_write]["page_view"] == values["page_view"]


def test_record_update_write_takes_the_column_by_column_form_for_a_column_it_cannot_put_in_json():
    from digisos.core.prepared import record_update_write, update_write
    from digisos.exchange.models import Case

    # A UUID column (a foreign key's too) is not one of the plain types the JSON record takes.
    values = {"application_id": None, "soker_sha256": "x"}
    assert record_update_write(Case, 1, values) == update_write(Case, 1, values)

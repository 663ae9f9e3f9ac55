"""The stored case read model (exchange.CaseState): written in the report's transaction, always equal to a
fresh fold of the stored document whatever sequence of reports came, and rebuilt by `rebuild_case_state`."""

import contextlib
import dataclasses
import io
import typing
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisos.exchange.case_state import joined_view, page_columns
from digisos.exchange.errors import OlderReport
from digisos.exchange.models import Case, CaseItem, CaseState, DeliveredFile, Delivery
from digisos.exchange.services.case_items import fresh_items, stored_items, write_file_items
from digisos.exchange.services.delivery import create_paper_case
from digisos.exchange.services.reporting import case_state_values, report_case_events, store_case_state
from digisos.soker import builders
from digisos.soker.constants import SENDT, Filreferanse, SoknadsStatus, UtbetalingStatus
from digisos.soker.fold import CaseView, fold
from digisos.soker.serialise import view_from_json, view_to_json
from tests.factories import CaseFactory, case_system
from tests.fixtures.personas import persona_pid
from tests.innsyn.strategies import documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

# By attname: the municipality as its number, as case_state_values gives it.
STATE_FIELDS = [f.attname for f in CaseState._meta.concrete_fields if f.name != "case"]


def stored(case: Case) -> dict[str, Any]:
    """The case's CaseState row and its items (CaseItem, the person overview's rows)."""
    row = CaseState.objects.get(case_id=case.pk)
    return {
        **{name: getattr(row, name) for name in STATE_FIELDS},
        "items": stored_items([case.pk]).get(case.pk, []),
    }


def fresh(case: Case) -> dict[str, Any]:
    """A fresh fold of what is stored now, through a JSON round trip as the database makes it, and its items."""
    case = Case.objects.select_related("application").get(pk=case.pk)
    values = case_state_values(case)
    return {
        **values,
        **page_columns(view_to_json(view_from_json(whole_view(values)))),
        "items": fresh_items(case, values),
    }


def whole_view(row: dict[str, Any]) -> dict[str, Any]:
    """The stored view whole from a row's (or state_values') parts."""
    return joined_view(row["page_view"], row["payments"], row["earlier_history"], row["recent_history"])


def svarut_only(value: Any) -> Any:
    """The document with its dokumentlager references made SvarUt ones: the exchange refuses a reference
    to a letter the case does not hold, and this test is about the fold, not the letters."""
    if isinstance(value, dict):
        if value.get("type") == Filreferanse.DOKUMENTLAGER:
            return builders.svarut(value["id"], 1)
        return {key: svarut_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [svarut_only(item) for item in value]
    return value


def test_a_sent_application_and_a_paper_case_get_a_row_at_once():
    case = CaseFactory()
    assert stored(case) == fresh(case)
    assert stored(case)["status"] == SENDT and stored(case)["source_sha256"] == ""
    paper = create_paper_case(
        actor_id=case_system("4601").pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen")
    )
    assert stored(paper)["status"] == SENDT and view_from_json(whole_view(stored(paper))).sent_at is None


def test_a_report_writes_the_row_in_its_transaction():
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    case = CaseFactory(paid=True, deadline=deadline)
    row = CaseState.objects.get(case=case)
    assert row.source_sha256 == case.soker_sha256 != ""
    assert row.status == SoknadsStatus.FERDIGBEHANDLET
    assert row.last_payment_date == deadline.date() and row.last_payment_amount == 5250
    assert [d["outcome"] for d in row.decisions] == ["INNVILGET"]
    assert view_from_json(whole_view(stored(case))) == fold(
        case.soker,
        now=case.application.sent_at,
        sent_at=case.application.sent_at,
        office=row.office,
        vedlegg=case.application.vedlegg_json,
    )


def test_a_view_survives_its_json_round_trip():
    case = CaseFactory(paid=True)
    view = fold(case.soker, now=case.application.sent_at, sent_at=case.application.sent_at)
    assert view_from_json(view_to_json(view)) == view
    assert view.payments[0].status == UtbetalingStatus.UTBETALT


@pytest.fixture
def reported_case():
    return CaseFactory()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(documents(max_events=12), min_size=1, max_size=3))
def test_the_stored_row_equals_a_fresh_fold_after_any_sequence_of_reports(reported_case, reports):
    case = reported_case
    # Each example starts from the sent application.
    Case.objects.filter(pk=case.pk).update(soker=None, soker_sha256="", soker_latest_event_at="")
    store_case_state(Case.objects.get(pk=case.pk))
    system = case_system(case.municipality_id)
    for document in reports:
        # One older than the one stored is refused, and nothing changes.
        with contextlib.suppress(OlderReport):
            report_case_events(actor_id=system.pk, case_id=case.id, document=svarut_only(document))
        assert stored(case) == fresh(case)


def test_rebuild_case_state_rewrites_what_differs_and_creates_what_is_missing():
    kept = CaseFactory(received=True)
    broken = CaseFactory(paid=True, persona="kari-leier-oslo")
    missing = CaseFactory(in_progress=True, persona="tromso-enslig-forsorger")
    CaseState.objects.filter(case=broken).update(status="TULL", page_view={}, next_deadline=None)
    CaseState.objects.filter(case=missing).delete()
    out = io.StringIO()
    call_command("rebuild_case_state", "--chunk-size", "2", stdout=out)
    assert out.getvalue().strip() == "3 saker lest, 1 rader opprettet, 1 rader endret."
    for case in (kept, broken, missing):
        assert stored(case) == fresh(case)
    out = io.StringIO()
    call_command("rebuild_case_state", stdout=out)
    assert out.getvalue().strip() == "3 saker lest, 0 rader opprettet, 0 rader endret."


def test_a_report_writes_the_case_s_items_from_the_same_fold():
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    case = CaseFactory(paid=True, deadline=deadline)
    items = CaseItem.objects.filter(case=case)
    kinds = sorted(items.values_list("kind", flat=True))
    assert kinds == ["decision", "month", "payment"]
    payment = items.get(kind="payment")
    assert (payment.owner_id, payment.case_created_at) == (case.owner_id, case.created_at)
    assert (payment.day, payment.amount, payment.status) == (deadline.date(), 5250, "UTBETALT")
    assert items.get(kind="month").day == deadline.date().replace(day=1)
    assert stored(case) == fresh(case)


def test_rebuild_case_state_rewrites_items_that_differ():
    kept = CaseFactory(received=True)
    broken = CaseFactory(paid=True, persona="kari-leier-oslo")
    CaseItem.objects.filter(case=broken, kind="payment").update(amount=1)
    CaseItem.objects.filter(case=broken, kind="month").delete()
    out = io.StringIO()
    call_command("rebuild_case_state", stdout=out)
    assert out.getvalue().strip() == "2 saker lest, 0 rader opprettet, 1 rader endret."
    for case in (kept, broken):
        assert stored(case) == fresh(case)


def test_a_report_and_a_rebuild_leave_the_case_s_attachments_items():
    """The attachments' names (CaseItem kind "file") are written with the delivery's files, not from the case's
    CaseState: a report replaces the case's other items and keeps these, and a rebuild neither counts them as a
    difference nor deletes them."""
    case = CaseFactory(paid=True, persona="kari-leier-oslo")
    delivery = Delivery.objects.get(case=case)
    write_file_items(
        delivery,
        [
            DeliveredFile(position=3, role=DeliveredFile.Role.VEDLEGG, filename="lonnsslipp.pdf"),
            DeliveredFile(position=2, role=DeliveredFile.Role.SOKNAD_PDF, filename="soknad.pdf"),
        ],
    )
    attachments = CaseItem.objects.filter(case=case, kind=CaseItem.Kind.FILE)
    assert list(attachments.values_list("title", "position", "rank_at", "owner_id")) == [
        ("lonnsslipp.pdf", 3, delivery.created_at, case.owner_id)
    ]
    CaseItem.objects.filter(case=case, kind="payment").update(amount=1)  # so that the rebuild rewrites it
    out = io.StringIO()
    call_command("rebuild_case_state", stdout=out)
    assert out.getvalue().strip() == "1 saker lest, 0 rader opprettet, 1 rader endret."
    store_case_state(Case.objects.get(pk=case.pk))  # as a report writes the row and the items
    assert attachments.count() == 1 and stored(case) == fresh(case)


def test_the_application_s_own_tasks_are_shown_for_its_first_30_days_only():
    from digisos.exchange.case_state import current_view, state_values

    sent = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    vedlegg = {
        "vedlegg": [{"type": "husleiekontrakt", "tilleggsinfo": "husleiekontrakt", "status": "VedleggKreves"}]
    }
    values = state_values(None, sha256="", sent_at=sent, office="1201", vedlegg=vedlegg)
    assert values["application_tasks"] == 1 and values["open_tasks"] == 0
    for days, tasks in ((29, 1), (30, 0)):
        now = sent + timedelta(days=days)
        assert current_view(whole_view(values), now) == fold(
            None, now=now, sent_at=sent, office="1201", vedlegg=vedlegg
        )
        assert len(current_view(whole_view(values), now).tasks) == tasks


def test_a_report_is_one_read_and_one_write(settings):
    """On PostgreSQL a report reads the case without a lock and writes everything (the document, its read model
    row, innsyn's task, the audit entry) in one statement, guarded by the stored document's digest: two round
    trips, no transaction of its own, and the case's row locked only while the write runs (the event post is
    the case systems' most frequent write; it was a locking SELECT, three writes, BEGIN and COMMIT)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from digisos.core.models import AuditEntry

    case = CaseFactory()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    document = builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at=datetime(2026, 11, 23, 10, tzinfo=UTC))
    )
    actor_id = case_system(case.municipality_id).pk
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
        report_case_events(actor_id=actor_id, case_id=case.id, document=document)
    read, write = (q["sql"] for q in captured.captured_queries)
    # psycopg keeps a statement's parsed placeholders only up to 4,096 bytes of text and 50 parameters: past
    # either, it parses the text again on every post (psycopg._queries.MAX_CACHED_STATEMENT_*).
    text, params = sent[1]
    assert len(text.encode()) <= 4096 and len(params) <= 50
    assert read.startswith("SELECT") and "FOR UPDATE" not in read
    assert write.startswith('WITH changed AS (UPDATE "exchange_case" SET')
    for part in (
        'UPDATE "exchange_casestate" SET',
        f'INSERT INTO "{DBTaskResult._meta.db_table}"',
        f'INSERT INTO "{AuditEntry._meta.db_table}"',
        # The case's items (CaseItem, the person overview's rows) are replaced in the same statement.
        'DELETE FROM "exchange_caseitem" WHERE case_id = ',
        'INSERT INTO "exchange_caseitem"',
    ):
        assert part in write
    assert "exchange_caseitem" not in read
    assert stored(case) == fresh(case)
    assert Case.objects.get(pk=case.pk).soker == document
    assert AuditEntry.objects.filter(action="exchange.case_events", object_id=str(case.id)).count() == 1
    assert DBTaskResult.objects.filter(args_kwargs={"args": [str(case.id)], "kwargs": {}}).count() == 1


def test_a_report_stored_while_another_is_folded_is_not_overwritten_by_it(monkeypatch):
    """The case is read without a lock and the report folded before it is written: a newer report stored in
    between (here, while the older one is folded) makes the older one's write find another document than it
    read, and it is checked again under the lock: refused as older, the newer one kept with its read model."""
    from digisos.core.models import AuditEntry
    from digisos.exchange import case_state

    case = CaseFactory()
    actor_id = case_system(case.municipality_id).pk
    start = datetime(2026, 11, 23, 10, tzinfo=UTC)

    def document(seconds: int) -> dict[str, Any]:
        return builders.document(
            builders.soknads_status(SoknadsStatus.MOTTATT, at=start),
            builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=start + timedelta(seconds=seconds)),
        )

    report_case_events(actor_id=actor_id, case_id=case.id, document=document(1))
    original, meanwhile = case_state.state_values, []

    def fold_while_another_is_stored(*args: Any, **kwargs: Any) -> dict[str, Any]:
        if not meanwhile:
            meanwhile.append("storing")
            meanwhile[0] = report_case_events(actor_id=actor_id, case_id=case.id, document=document(3))
        return original(*args, **kwargs)

    monkeypatch.setattr(case_state, "state_values", fold_while_another_is_stored)
    with pytest.raises(OlderReport):
        report_case_events(actor_id=actor_id, case_id=case.id, document=document(2))
    assert meanwhile[0].changed
    assert Case.objects.get(pk=case.pk).soker == document(3)
    monkeypatch.setattr(case_state, "state_values", original)
    assert stored(case) == fresh(case)
    assert AuditEntry.objects.filter(action="exchange.case_events", object_id=str(case.id)).count() == 2


def test_the_case_page_s_columns_are_the_stored_view_cut_as_the_page_shows_it():
    """CaseState.page_view, payments, recent_history, earlier_history and the counts (the case page reads these;
    the whole view is not stored besides them): the view without its long lists, every payment, the newest
    RECENT_HISTORY entries and the ones before them, each part once."""
    from digisos.exchange.case_state import RECENT_HISTORY

    case = CaseFactory(paid=True)
    document = dict(Case.objects.get(pk=case.pk).soker)
    document["hendelser"] = document["hendelser"] + [
        builders.event(
            "saksStatus", at=f"2026-11-24T11:00:{n:02d}.000Z", referanse=f"sak-{n + 2}", tittel=f"Sak {n}"
        )
        for n in range(30)
    ]
    report_case_events(actor_id=case_system("4601").pk, case_id=case.pk, document=document)
    row = CaseState.objects.get(case=case)
    case = Case.objects.select_related("application").get(pk=case.pk)
    view = view_to_json(
        fold(
            case.soker,
            now=case.application.sent_at,
            sent_at=case.application.sent_at,
            office=row.office,
            vedlegg=case.application.vedlegg_json,
        )
    )
    assert row.history_count == len(view["timeline"]) > RECENT_HISTORY
    assert row.recent_history == view["timeline"][-RECENT_HISTORY:]
    assert row.earlier_history == view["timeline"][:-RECENT_HISTORY] != []
    assert row.payments == view["payments"] and row.payment_count == len(row.payments) > 0
    assert row.page_view == {k: v for k, v in view.items() if k not in ("payments", "timeline")}
    assert whole_view(stored(case)) == view
    assert not hasattr(row, "view")
    assert stored(case) == fresh(case)


def test_rebuild_case_state_mends_the_case_page_s_columns():
    case = CaseFactory(paid=True)
    CaseState.objects.filter(case=case).update(page_view={}, payments=[], recent_history=[], history_count=0)
    assert stored(case) != fresh(case)
    out = io.StringIO()
    call_command("rebuild_case_state", stdout=out)
    assert out.getvalue().strip() == "1 saker lest, 0 rader opprettet, 1 rader endret."
    assert stored(case) == fresh(case)


def test_the_first_preliminary_answer_is_stored_and_rebuild_fills_it():
    """CaseState.preliminary_answer_at: when the first foreløpig svar was given (forvaltningsloven § 11a; the
    view keeps only the latest letter), written at fold time and filled by rebuild_case_state."""
    case = CaseFactory()
    first, second = datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC)
    document = builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at=datetime(2026, 11, 1, 10, tzinfo=UTC)),
        builders.forelopig_svar(builders.svarut("9f1e6a0e-6f7a-4c7e-9b1a-2c3d4e5f6a71", 1), at=first),
        builders.forelopig_svar(builders.svarut("9f1e6a0e-6f7a-4c7e-9b1a-2c3d4e5f6a72", 1), at=second),
    )
    report_case_events(actor_id=case_system(case.municipality_id).pk, case_id=case.id, document=document)
    assert CaseState.objects.get(case=case).preliminary_answer_at == first
    assert stored(case) == fresh(case)

    CaseState.objects.filter(case=case).update(preliminary_answer_at=None)
    call_command("rebuild_case_state", stdout=io.StringIO())
    assert CaseState.objects.get(case=case).preliminary_answer_at == first
    assert CaseState.objects.get(case=CaseFactory()).preliminary_answer_at is None


@settings(max_examples=60, deadline=None)
@given(documents(max_events=25))
def test_the_typed_view_dump_writes_what_the_generic_walk_writes(document):
    """serialise.view_to_json dumps by the dataclasses' type hints, worked out once per type (a stored report
    dumps its fold every time); it must write exactly what walking every value does."""
    from digisos.soker import serialise

    sent = datetime(2026, 11, 1, 8, tzinfo=UTC)
    view = fold(document, now=sent, sent_at=sent, office="1201", vedlegg=None)
    assert serialise.view_to_json(view) == {"version": serialise.VERSION, **serialise._dump(view)}
    assert view_from_json(serialise.view_to_json(view)) == view


def _instances(value):
    """Every dataclass instance inside a loaded view, depth first."""
    if dataclasses.is_dataclass(value):
        yield value
        for field in dataclasses.fields(value):
            yield from _instances(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _instances(item)


@settings(max_examples=60, deadline=None)
@given(documents(max_events=25))
def test_the_generated_view_loader_makes_what_the_dataclasses_own_init_makes(document):
    """serialise makes each stored dataclass without its `__init__` (object.__new__ and the whole __dict__ at
    once, the case page's cost of loading its view); every instance must be what calling the class makes: the
    same class, the same attributes in the same order, still frozen."""
    from digisos.soker import serialise

    sent = datetime(2026, 11, 1, 8, tzinfo=UTC)
    stored = serialise.view_to_json(fold(document, now=sent, sent_at=sent, office="1201", vedlegg=None))
    loaded = list(_instances(view_from_json(stored)))
    by_init = list(
        _instances(
            serialise._calling_loader(
                CaseView,
                typing.get_type_hints(CaseView),
                [field.name for field in dataclasses.fields(CaseView)],
            )({key: value for key, value in stored.items() if key != "version"})
        )
    )
    assert [type(one) for one in loaded] == [type(one) for one in by_init]
    assert [list(vars(one).items()) for one in loaded] == [list(vars(one).items()) for one in by_init]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded[0].status = "x"


def test_a_dataclass_with_post_init_is_loaded_through_its_init():
    from digisos.soker import serialise

    @dataclasses.dataclass(frozen=True)
    class Checked:
        at: datetime
        note: str

        def __post_init__(self):
            object.__setattr__(self, "note", self.note.strip())

    loaded = serialise._loader(Checked)({"at": "2026-11-01T08:00:00+00:00", "note": " x "})
    assert loaded == Checked(at=datetime(2026, 11, 1, 8, tzinfo=UTC), note="x")

"""Work queues for inbox municipalities: each queue counts and lists what waits too long, in its own
municipality only, in a fixed number of queries."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digisos.documents.models import Folder
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case, CaseState, Delivery
from digisos.followup import queues as queues_module
from digisos.followup.queues import work_queues

from .conftest import case_for, employee

pytestmark = pytest.mark.django_db

# A Wednesday: two working days back is Monday at the same time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# The four queues' counts and a page of rows for each in one statement, whatever their size (PostgreSQL).
QUERIES = 1


def delivery(case, kind: str, available_at: datetime, status: str = Delivery.Status.AVAILABLE) -> Delivery:
    return Delivery.objects.create(
        case=case,
        kind=kind,
        municipality_id=case.municipality_id,
        channel="inbox",
        nav_ekstern_ref_id=uuid.uuid4().hex,
        status=status,
        available_at=available_at,
        folder=Folder.objects.create(kind=Folder.Kind.ETTERSENDELSE, owner=case.owner),
        vedlegg_json={},
    )


def state(
    case,
    *,
    next_deadline: datetime | None = None,
    open_tasks: int = 0,
    status: str = "UNDER_BEHANDLING",
    preliminary_answer_at: datetime | None = None,
) -> None:
    CaseState.objects.update_or_create(
        case=case,
        defaults={
            "municipality_id": case.municipality_id,
            "case_created_at": case.created_at,
            "status": status,
            "next_deadline": next_deadline,
            "open_tasks": open_tasks,
            "preliminary_answer_at": preliminary_answer_at,
        },
    )


def sent_at(case, moment: datetime) -> None:
    """The case as if it had been received at `moment` (its read model keeps a copy of when)."""
    Case.objects.filter(pk=case.pk).update(created_at=moment)
    CaseState.objects.filter(case=case).update(case_created_at=moment)


def counts(kommunenummer: str = "0301", **options) -> dict[str, int]:
    return {queue.key: queue.count for queue in work_queues(kommunenummer, now=NOW, **options)}


def test_an_application_waits_two_working_days_before_it_is_late(reference_data):
    late = case_for("kari-leier-oslo")
    delivery(late, "soknad", NOW - timedelta(days=2))  # Monday 12.00: due now
    fresh = case_for("oslo-bydel-frogner")
    delivery(fresh, "soknad", NOW - timedelta(days=2) + timedelta(minutes=1))
    received = case_for("statslos-oslo")
    delivery(received, "soknad", NOW - timedelta(days=20), status=Delivery.Status.COLLECTED)
    old = case_for("under-18")
    delivery(old, "soknad", NOW - timedelta(days=30))
    assert counts()["not_received"] == 2


def test_a_weekend_does_not_count_as_working_days(reference_data):
    monday = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    friday_morning = case_for("kari-leier-oslo")
    delivery(friday_morning, "soknad", datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    thursday = case_for("oslo-bydel-frogner")
    delivery(thursday, "soknad", datetime(2026, 11, 19, 12, 0, tzinfo=UTC))
    queues = {q.key: q for q in work_queues("0301", now=monday)}
    assert queues["not_received"].count == 1
    assert queues["not_received"].rows[0].case_id == thursday.id


def test_requests_past_their_deadline_and_unread_documents(reference_data):
    overdue = case_for("kari-leier-oslo")
    state(overdue, next_deadline=NOW - timedelta(hours=1), open_tasks=1)
    upcoming = case_for("oslo-bydel-frogner")
    state(upcoming, next_deadline=NOW + timedelta(days=3), open_tasks=1)
    sent_later = case_for("statslos-oslo")
    delivery(sent_later, "ettersendelse", NOW - timedelta(hours=3))
    looked_at = case_for("under-18")
    delivery(looked_at, "ettersendelse", NOW - timedelta(hours=5), status=Delivery.Status.COLLECTED)
    assert counts() == {
        "not_received": 0,
        "overdue_requests": 1,
        "unread_documents": 1,
        "no_preliminary_answer": 0,
    }


def test_another_municipality_sees_none_of_it(reference_data):
    case = case_for("kari-leier-oslo")
    delivery(case, "soknad", NOW - timedelta(days=5))
    state(case)
    sent_at(case, NOW - timedelta(days=40))
    assert counts("4601") == {
        "not_received": 0,
        "overdue_requests": 0,
        "unread_documents": 0,
        "no_preliminary_answer": 0,
    }
    assert counts()["no_preliminary_answer"] == 1


def test_the_queues_are_sorted_and_read_in_constant_queries(reference_data):
    for index, key in enumerate(["kari-leier-oslo", "oslo-bydel-frogner", "statslos-oslo"]):
        case = case_for(key)
        delivery(case, "soknad", NOW - timedelta(days=12 + index))
        delivery(case, "ettersendelse", NOW - timedelta(days=1 + index))
        state(case, next_deadline=NOW - timedelta(days=1 + index), open_tasks=1)
        sent_at(case, NOW - timedelta(days=40 + index))
    with CaptureQueriesContext(connection) as few:
        oldest_first = work_queues("0301", now=NOW)
    more = case_for("under-18")
    delivery(more, "soknad", NOW - timedelta(days=3))  # in the calendar band
    state(more, next_deadline=NOW - timedelta(days=9), open_tasks=2)
    sent_at(more, NOW - timedelta(days=50))
    with CaptureQueriesContext(connection) as many:
        work_queues("0301", now=NOW)
    assert len(few) == len(many) == QUERIES
    assert {len(queue.rows) for queue in oldest_first} == {3}
    for queue in oldest_first:
        assert [row.since for row in queue.rows] == sorted(row.since for row in queue.rows)
    newest = work_queues("0301", now=NOW, newest_first=True)
    for queue in newest:
        assert [row.since for row in queue.rows] == sorted((row.since for row in queue.rows), reverse=True)


def test_cases_past_one_month_without_a_preliminary_answer(reference_data, client):
    """Forvaltningsloven § 11a third paragraph: an application not answered within one month of receipt gets a
    foreløpig svar. The queue lists the open cases older than one month that have had none, oldest first."""
    late = case_for("kari-leier-oslo")
    state(late, status="MOTTATT")
    sent_at(late, NOW - timedelta(days=31))
    answered = case_for("oslo-bydel-frogner")
    state(answered, preliminary_answer_at=NOW - timedelta(days=10))
    sent_at(answered, NOW - timedelta(days=60))
    decided = case_for("statslos-oslo")
    state(decided, status="FERDIGBEHANDLET")
    sent_at(decided, NOW - timedelta(days=60))
    young = case_for("under-18")
    state(young, status="SENDT")
    sent_at(young, NOW - timedelta(days=29))
    older = case_for("familie-bergen", "0301")
    state(older, status="SENDT")
    sent_at(older, NOW - timedelta(days=45))

    queue = {q.key: q for q in work_queues("0301", now=NOW)}["no_preliminary_answer"]

    assert queue.count == 2
    assert [row.case_id for row in queue.rows] == [older.id, late.id]
    assert queue.rows[0].since == NOW - timedelta(days=45)
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    from digisos.accounts.models import User

    client.force_login(User.objects.get(username="sara"))
    html = client.get("/oppfolging/arbeidskoer/").content.decode()
    assert 'data-testid="count-no_preliminary_answer">' in html


def test_the_page_is_for_the_municipalitys_caseworkers(reference_data, client):
    from digisos.accounts.models import User

    case = case_for("kari-leier-oslo")
    delivery(case, "ettersendelse", NOW)
    assert client.get("/oppfolging/arbeidskoer/").status_code == 302
    employee("ole", "operator")
    client.force_login(User.objects.get(username="ole"))
    assert client.get("/oppfolging/arbeidskoer/").status_code == 403
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    client.force_login(User.objects.get(username="sara"))
    html = client.get("/oppfolging/arbeidskoer/", {"rekkefolge": "nyeste"}).content.decode()
    assert 'data-testid="count-unread_documents">1<' in html
    assert html.count('data-testid="row"') == 1


def test_the_late_ones_are_exactly_those_whose_collect_deadline_has_come():
    """overdue_until replaces asking the calendar once per waiting delivery: for every hour around weekends,
    Easter and Christmas, a delivery is late by it exactly when collect_deadline says so."""

    from digisos.exchange.selectors import collect_deadline
    from digisos.followup.queues import late_since

    oslo = ZoneInfo("Europe/Oslo")
    for start in (datetime(2026, 3, 27, tzinfo=oslo), datetime(2026, 12, 19, tzinfo=oslo)):
        for now_hour in range(0, 24 * 16, 5):
            now = start + timedelta(hours=now_hour, minutes=17)
            late = late_since(now)
            for back in range(0, 24 * 12 * 2):
                available_at = now - timedelta(minutes=30 * back + 7)
                assert _matches(late, available_at) == (collect_deadline(available_at) <= now), (
                    now,
                    available_at,
                )


def _matches(condition, available_at) -> bool:
    """Evaluates late_since's filter (ANDs and ORs of comparisons on available_at) in Python."""
    from django.db.models import Q

    compare = {
        "available_at__lt": lambda value: available_at < value,
        "available_at__lte": lambda value: available_at <= value,
        "available_at__gte": lambda value: available_at >= value,
    }
    results = [
        _matches(child, available_at) if isinstance(child, Q) else compare[child[0]](child[1])
        for child in condition.children
    ]
    return any(results) if condition.connector == Q.OR else all(results)


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_database_and_the_orm_read_the_same_queues(reference_data, monkeypatch, newest_first):
    """PostgreSQL's one statement and the quick start's ORM querysets give the same counts and rows."""
    keys = ["kari-leier-oslo", "oslo-bydel-frogner", "statslos-oslo", "under-18"]
    for index, key in enumerate(keys):
        case = case_for(key)
        delivery(case, "soknad", NOW - timedelta(days=1 + 3 * index, hours=index))
        delivery(case, "ettersendelse", NOW - timedelta(hours=5 + index))
        state(case, next_deadline=NOW - timedelta(days=index - 1, hours=1), open_tasks=index % 2 + 1)
        sent_at(case, NOW - timedelta(days=25 + 4 * index))
    delivery(case_for("kari-leier-oslo", kommunenummer="4601"), "soknad", NOW - timedelta(days=9))
    in_database = work_queues("0301", now=NOW, newest_first=newest_first)
    monkeypatch.setattr(queues_module, "_queues_in_database", queues_module._queues_in_python)
    through_the_orm = work_queues("0301", now=NOW, newest_first=newest_first)
    assert in_database == through_the_orm
    assert [queue.count for queue in in_database] == [3, 3, 4, 2]


def index_plan(sql: str, params) -> dict:
    """The statement's plan as PostgreSQL would choose it at scale: on a few rows, read by index."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("RESET enable_seqscan")
    return plan


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_each_count_reads_one_table_by_one_index(reference_data):
    """Each count is a range of one index of the municipality's own rows of one table: exchange migration 0015
    gave the read model its case's municipality (the overdue requests' count joined every municipality's
    overdue cases to their cases to keep its own), and 0017 its case's creation (the § 11a count joined the
    unanswered cases to their cases, whose best order depended on the data)."""
    for key in ["kari-leier-oslo", "oslo-bydel-frogner"]:
        case = case_for(key)
        delivery(case, "soknad", NOW - timedelta(days=5))
        state(case, next_deadline=NOW - timedelta(days=1), open_tasks=1)
        sent_at(case, NOW - timedelta(days=40))
    ran = []

    def keep(execute, sql, params, many, context):
        ran.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        work_queues("0301", now=NOW)
    [(sql, params)] = ran
    plan = index_plan(sql, params)
    counts = [node for node in plan_nodes(plan) if node["Node Type"] == "Aggregate"]
    assert len(counts) == 4
    for count in counts:
        nodes = list(plan_nodes(count))
        tables = {node["Relation Name"] for node in nodes if "Relation Name" in node}
        indexes = {node["Index Name"] for node in nodes if "Index Name" in node}
        assert len(tables) == len(indexes) == 1, (tables, indexes)
        assert "exchange_case" not in tables


def test_the_statement_filters_exactly_the_late_applications():
    """The statement's filter, "not within what is not late yet" (_not_late_yet), holds exactly the instants
    late_ranges gives, for every half hour around weekends, Easter and Christmas."""
    oslo = ZoneInfo("Europe/Oslo")
    for start in (datetime(2026, 3, 27, tzinfo=oslo), datetime(2026, 12, 19, tzinfo=oslo)):
        for now_hour in range(0, 24 * 16, 7):
            now = start + timedelta(hours=now_hour, minutes=17)
            before, band = queues_module.late_ranges(now)
            not_late = queues_module._not_late_yet(now)
            edges = [before, *(end for _start, end in band), *(start for start, _end in band)]
            moments = [now - timedelta(minutes=30 * back + 7) for back in range(24 * 12 * 2)]
            moments += [edge + timedelta(microseconds=shift) for edge in edges for shift in (-1, 0, 1)]
            for moment in moments:
                late = moment < before or any(low <= moment <= high for low, high in band)
                assert any(moment in gap for gap in not_late) != late, (now, moment)


def test_the_page_shows_each_row_with_its_link_and_time_and_says_when_a_queue_has_more(
    reference_data, client, monkeypatch
):
    """The one fragment that renders every queue: each row links to the inbox's case page and says since when
    it waits, and a queue longer than its first rows says how many are shown and links to the queue's own page
    (in the order chosen)."""
    from digisos.accounts.models import User

    monkeypatch.setattr(queues_module, "PREVIEW", 1)
    monkeypatch.setattr(queues_module, "_SQL", {})  # the statement written again with fewer rows
    older, newer = case_for("kari-leier-oslo"), case_for("oslo-bydel-frogner")
    delivery(older, "ettersendelse", datetime(2026, 3, 3, 13, 5, tzinfo=UTC))
    delivery(newer, "ettersendelse", datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    client.force_login(User.objects.get(username="sara"))
    html = client.get("/oppfolging/arbeidskoer/").content.decode()
    assert html.count('data-testid="row"') == 1
    assert f'href="{reverse("inbox:case", args=[older.id])}"' in html
    assert str(newer.id) not in html
    assert "siden 3. mars 2026 14.05" in html  # Norway's time
    assert "Viser de 1 første." in html
    assert (
        'href="/oppfolging/arbeidskoer/nye-dokumenter/" data-testid="whole-unread_documents">Se alle 2 i køen<'
        in html
    )
    assert 'data-testid="count-unread_documents">2<' in html
    assert html.count("Ingen saker i denne køen.") == 3
    newest = client.get("/oppfolging/arbeidskoer/", {"rekkefolge": "nyeste"}).content.decode()
    assert str(newer.id) in newest and str(older.id) not in newest
    assert 'href="/oppfolging/arbeidskoer/nye-dokumenter/?rekkefolge=nyeste"' in newest


def test_postgresql_plans_the_statement_once_for_every_request(reference_data):
    """The page's one statement is prepared (psycopg, after a few runs) and PostgreSQL keeps one generic plan for
    it, not a plan per request (about 1 ms of the database's CPU on each): its generic plan must not be judged
    dearer than the plans for the actual values. On the bench's shape, many open cases without a foreløpig svar
    and none a month old, the generic plan's guess of a third of them for "sent a month ago" made it so, and
    PostgreSQL planned anew on every request (docs/performance.md, "Follow-up's work queues")."""
    if not connection.settings_dict["OPTIONS"].get("prepare_threshold"):  # read once the test database is set
        pytest.skip("prepared statements are off (DIGISOS_DB_PREPARED_STATEMENTS)")
    owner = case_for("kari-leier-oslo").owner
    cases = Case.objects.bulk_create(Case(municipality_id="0301", owner=owner) for _ in range(1000))
    for number, case in enumerate(cases[:100]):
        delivery(case, "soknad", NOW - timedelta(days=number % 7, hours=number))
    CaseState.objects.bulk_create(
        CaseState(
            case=case,
            municipality_id="0301",
            status="UNDER_BEHANDLING",
            open_tasks=number % 4 == 0,
            next_deadline=NOW + timedelta(days=number % 8 - 4) if number % 4 == 0 else None,
            case_created_at=case.created_at,
        )
        for number, case in enumerate(cases)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exchange_case, exchange_casestate, exchange_delivery")
    for _ in range(15):
        work_queues("0301", now=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%'no_preliminary_answer'::text%"],
        )
        [(generic, custom)] = cursor.fetchall()
    assert generic >= 5, (generic, custom)

"""One work queue's own page: all of it, fifty a page, oldest or newest first, every row exactly once however the
page's edge falls among rows that wait since the same moment, in a fixed number of queries on any page."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digisos.accounts.models import User
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case, Delivery
from digisos.followup import queues as queues_module
from digisos.followup.queues import SLUGS, QueuePosition, queue_page
from tests.fixtures.personas import citizen

from .conftest import employee
from .test_work_queues import NOW, delivery, index_plan, plan_nodes, sent_at, state

pytestmark = pytest.mark.django_db

PERSONS = ["kari-leier-oslo", "oslo-bydel-frogner", "statslos-oslo", "under-18"]


# Row keys counting down as rows are written: the table (and each index, among rows of one moment) holds them
# in the opposite of their key's order, so that a page which ordered a moment's rows by where they lie rather
# than by key would show the wrong ones.
_TOP = 10**9


def fill(key: str, count: int, kommunenummer: str = "0301", *, ties: int = 2) -> list[tuple]:
    """`count` items in queue `key`, `ties` at each moment (so that a page can end among rows of the same
    moment); returns each item's (since, row key, case id)."""
    made = []
    for number in range(count):
        owner = citizen(PERSONS[number % len(PERSONS)])
        case = Case.objects.create(
            id=uuid.UUID(int=_TOP - Case.objects.count()), municipality_id=kommunenummer, owner=owner
        )
        step = timedelta(hours=number // ties)
        if key in ("not_received", "unread_documents"):
            late = key == "not_received"
            since = NOW - timedelta(days=30 if late else 3) + step
            made_delivery = delivery(case, "soknad" if late else "ettersendelse", since)
            row = _TOP - Delivery.objects.count()
            Delivery.objects.filter(pk=made_delivery.pk).update(id=row)
            made.append((since, row, case.id))
        elif key == "overdue_requests":
            since = NOW - timedelta(days=5) + step
            state(case, next_deadline=since, open_tasks=1)
            made.append((since, case.id, case.id))
        else:
            since = NOW - timedelta(days=60) + step
            state(case, status="MOTTATT")
            sent_at(case, since)
            made.append((since, case.id, case.id))
    return made


def walk(key: str, *, newest_first: bool) -> tuple[list, list[int]]:
    """Every page of the queue from its first, following each page's position: the rows' case ids and times in
    the order shown, and the count each page gave."""
    shown, counts, after = [], [], None
    for _page in range(100):
        page = queue_page("0301", key, newest_first=newest_first, after=after, now=NOW)
        shown += [(row.since, row.case_id) for row in page.queue.rows]
        counts.append(page.queue.count)
        if page.next is None:
            return shown, counts
        after = QueuePosition.parse(key, page.next.token())  # as the link carries it
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("through", ["database", "orm"])
@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("key", list(SLUGS))
def test_every_row_of_a_queue_once_in_order_however_the_pages_fall(
    reference_data, monkeypatch, key, newest_first, through
):
    monkeypatch.setattr(queues_module, "PAGE", 3)
    if through == "orm":  # the quick start's SQLite reads the queue through the ORM
        monkeypatch.setattr(queues_module, "_queue_page_in_database", queues_module._queue_page_in_python)
    made = fill(key, 9, ties=5)  # five rows of one moment: more than a page and the row read past it
    fill(key, 2, kommunenummer="4601")  # another municipality's: never shown
    expected = [(since, case_id) for since, _row, case_id in sorted(made, reverse=newest_first)]

    shown, counts = walk(key, newest_first=newest_first)

    assert shown == expected
    assert counts == [9, 9, 9]


def test_a_queue_that_fills_its_pages_exactly_has_no_empty_last_page(reference_data, monkeypatch):
    monkeypatch.setattr(queues_module, "PAGE", 3)
    fill("unread_documents", 6)
    shown, counts = walk("unread_documents", newest_first=False)
    assert len(shown) == 6 and counts == [6, 6]


def test_a_page_reads_in_one_statement_whatever_the_queue_holds(reference_data, monkeypatch):
    monkeypatch.setattr(queues_module, "PAGE", 3)
    made = fill("overdue_requests", 5)
    after = QueuePosition(made[1][0], made[1][1])
    with CaptureQueriesContext(connection) as few:
        queue_page("0301", "overdue_requests", now=NOW)
        queue_page("0301", "overdue_requests", after=after, now=NOW)
    fill("overdue_requests", 20)
    with CaptureQueriesContext(connection) as many:
        queue_page("0301", "overdue_requests", now=NOW)
        queue_page("0301", "overdue_requests", after=after, now=NOW)
    assert len(few) == len(many) == 2


@pytest.mark.parametrize("key", list(SLUGS))
def test_a_later_page_reads_the_queues_index_from_its_position(reference_data, key):
    """From a position, the page's rows are a range of the queue's own index that starts at the position's time
    (an Index Cond on it), not the queue read from its start and filtered: the thousandth page costs what the
    first does."""
    made = fill(key, 4)
    ran = []

    def keep(execute, sql, params, many, context):
        ran.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        queue_page("0301", key, after=QueuePosition(made[1][0], made[1][1]), now=NOW)
    [(sql, params)] = ran
    plan = index_plan(sql, params)
    limits = [node for node in plan_nodes(plan) if node["Node Type"] == "Limit"]
    scans = [node for node in plan_nodes(limits[-1]) if "Index Name" in node]  # the rows', not the count's
    since = {"not_received": "available_at", "unread_documents": "available_at"}.get(
        key, "next_deadline" if key == "overdue_requests" else "case_created_at"
    )
    [scan] = [node for node in scans if node["Relation Name"] in ("exchange_delivery", "exchange_casestate")]
    assert f"{since} >=" in scan.get("Index Cond", ""), scan


@pytest.fixture
def sara(client) -> User:
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    user = User.objects.get(username="sara")
    client.force_login(user)
    return user


def test_the_page_is_for_the_municipalitys_caseworkers(reference_data, client):
    url = reverse("followup:work-queue", args=["nye-dokumenter"])
    assert client.get(url).status_code == 302
    employee("ole", "operator")
    client.force_login(User.objects.get(username="ole"))
    assert client.get(url).status_code == 403
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    client.force_login(User.objects.get(username="sara"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("followup:work-queue", args=["finnes-ikke"])).status_code == 404


def test_the_page_links_to_the_next_page_and_back_to_the_first_in_the_order_chosen(
    reference_data, client, sara, monkeypatch
):
    monkeypatch.setattr(queues_module, "PAGE", 3)
    made = sorted(fill("no_preliminary_answer", 5), reverse=True)
    url = reverse("followup:work-queue", args=["uten-forelopig-svar"])

    first = client.get(url, {"rekkefolge": "nyeste"}).content.decode()
    assert 'data-testid="queue-count">Saker i køen: 5<' in first
    assert first.count('data-testid="row"') == 3
    assert "Til første side" not in first
    link = first.split("Neste side")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("?neste=") and link.endswith("&rekkefolge=nyeste")

    second = client.get(url + link).content.decode()
    assert second.count('data-testid="row"') == 2
    assert [str(case_id) in second for _since, _row, case_id in made] == [False] * 3 + [True] * 2
    assert "Neste side" not in second
    assert f'href="{url}?rekkefolge=nyeste">Til første side<' in second
    assert f'href="{url}">Vis eldste først<' in second


@pytest.mark.parametrize(
    "position",
    [
        "tull",
        "1.2.3",
        "٣٣٣.1",  # other scripts' digits
        "9" * 30 + ".1",  # past the calendar's end
        "1" + "0" * 19 + ".1",  # too long for a bigint
        "1700000000000000." + "g" * 32,
        "1700000000000000.12345678-1234-1234-1234-123456789012",
        "",
        ".",
    ],
)
def test_a_broken_position_shows_the_first_page(reference_data, client, sara, position):
    fill("overdue_requests", 2)
    fill("unread_documents", 2)
    for slug in ("passert-frist", "nye-dokumenter"):
        response = client.get(reverse("followup:work-queue", args=[slug]), {"neste": position})
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="row"') == 2


def test_a_position_of_the_other_kind_of_queue_shows_the_first_page(reference_data):
    """A delivery queue's position (a number) in a case queue's link, and a case queue's (a uuid) in a delivery
    queue's."""
    [(since, delivery_id, _case)] = fill("unread_documents", 1)
    [(_since, case_id, _same)] = fill("overdue_requests", 1)
    assert QueuePosition.parse("overdue_requests", QueuePosition(since, delivery_id).token()) is None
    assert QueuePosition.parse("unread_documents", QueuePosition(since, case_id).token()) is None
    assert QueuePosition.parse("overdue_requests", QueuePosition(since, case_id).token()) == QueuePosition(
        since, case_id
    )
    assert Delivery.objects.count() == 1


def _generic_plan(sql: str, params: dict) -> dict:
    """The plan PostgreSQL keeps for the statement once psycopg has prepared it (prepare_threshold) and the plan
    cache has settled on a generic plan: made without the parameters' values, as the site runs it."""
    from psycopg import sql as literal
    from psycopg._queries import PostgresQuery
    from psycopg.adapt import Transformer

    raw = connection.connection
    query = PostgresQuery(Transformer(raw))
    query.convert(sql, params)
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))  # $1, $2, … in the order first named
    raw.execute(b"PREPARE queue_page AS " + query.query)
    try:
        raw.execute("SET plan_cache_mode = force_generic_plan")
        raw.execute("SET enable_seqscan = off")  # as at scale: a test's few rows fit in a page (index_plan)
        arguments = literal.SQL(", ").join(literal.Literal(params[name]) for name in names)
        explain = literal.SQL("EXPLAIN (FORMAT JSON) EXECUTE queue_page({})").format(arguments)
        return raw.execute(explain).fetchone()[0][0]["Plan"]
    finally:
        raw.execute("RESET plan_cache_mode")
        raw.execute("RESET enable_seqscan")
        raw.execute("DEALLOCATE queue_page")


def _parents(node: dict, parent: dict | None = None):
    yield node, parent
    for child in node.get("Plans", []):
        yield from _parents(child, node)


@pytest.mark.parametrize("from_a_position", [False, True])
@pytest.mark.parametrize("key", list(SLUGS))
def test_a_pages_rows_are_read_in_the_queues_index_order_in_the_plan_the_site_keeps(
    reference_data, key, from_a_position
):
    """The generic plan (made once, without the parameters' values) reads the queue's index in its own order and
    stops at the page: it guesses a queue of one row, and with the rows ordered by (time, key) it sorted every
    row of the queue for each page, 2,385 for Trondheim's first page at a million."""
    made = fill(key, 4)
    ran = []

    def keep(execute, sql, params, many, context):
        ran.append((sql, params))
        return execute(sql, params, many, context)

    after = QueuePosition(made[1][0], made[1][1]) if from_a_position else None
    with connection.execute_wrapper(keep):
        queue_page("0301", key, after=after, now=NOW)
    [(sql, params)] = ran
    table = (
        "exchange_casestate" if key in ("overdue_requests", "no_preliminary_answer") else "exchange_delivery"
    )
    read = [
        parent
        for node, parent in _parents(_generic_plan(sql, params))
        if node.get("Relation Name") == table
        and node["Node Type"] == "Index Scan"
        and parent["Node Type"] != "Aggregate"  # the count's, which reads the queue whole
    ]
    assert read and all(parent["Node Type"] == "Limit" for parent in read), read

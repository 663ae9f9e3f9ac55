"""The manual inbox runs a constant number of queries however much the municipality has: the list with
10,000 cases as with 3, and the case page with many deliveries, documents, letters and events as with one of
each. The counts are exact, so a query added to either page (or one that starts to repeat) shows here."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.models import Document, Folder
from digisos.exchange.models import Case, Delivery
from digisos.inbox import selectors
from digisos.soker import builders
from digisos.soker.constants import SaksStatus
from tests.fixtures.personas import citizen
from tests.fixtures.plans import plan_cost, prepared_plan
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

# session, user, the caseworker's role, the municipality's name with how many new deliveries wait (counted to
# a cap) in one, the page's rows (with their cases and applications in one join)
INBOX_LIST_QUERIES = 5
# session, user, the caseworker's roles (read once a request: the documents' permissions ask the same user), the
# case (with application, owner and letters folder in one join), the audit entry of the read, the deliveries
# (with their folders), their documents, the letters, the municipality's service flags, and the shown page of the
# history with the count of events (read from the stored document on its own: the case's row no longer carries
# the document)
INBOX_CASE_QUERIES = 10


@pytest.fixture
def sara(client) -> User:
    user = caseworker("0301")
    client.force_login(user)
    client.get(reverse("inbox:inbox"))  # the first request after login also writes the session
    return user


def inbox_cases(count: int, owner: User, kommunenummer: str = "0301") -> list[Case]:
    """`count` sent applications in the municipality's inbox, built directly in the database: one in ten
    new, the rest received, as an inbox looks after a while."""
    now = timezone.now()
    folders = Folder.objects.bulk_create(
        Folder(owner=owner, kind=Folder.Kind.APPLICATION, municipality_id=kommunenummer, sealed_at=now)
        for _ in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            owner=owner,
            folder=folder,
            status=Application.Status.READY,
            municipality_id=kommunenummer,
            reference=f"DS-{uuid.uuid4().hex[:8].upper()}",
        )
        for folder in folders
    )
    cases = Case.objects.bulk_create(
        Case(owner=owner, municipality_id=kommunenummer, application=application)
        for application in applications
    )
    Delivery.objects.bulk_create(
        Delivery(
            case=case,
            kind=Delivery.Kind.SOKNAD,
            municipality_id=kommunenummer,
            channel="inbox",
            nav_ekstern_ref_id=str(application.id),
            status=Delivery.Status.AVAILABLE if i % 10 == 0 else Delivery.Status.COLLECTED,
            available_at=now - timedelta(minutes=i),
            collected_at=None if i % 10 == 0 else now,
            folder=folder,
            vedlegg_json={"vedlegg": []},
        )
        for i, (case, application, folder) in enumerate(zip(cases, applications, folders, strict=True))
    )
    # Statistics as autovacuum leaves them after such a load. Without this the planner trusts whatever an
    # earlier test left: after a flush it believes the tables empty (reltuples 0), joins the 10,000 rows by
    # re-running the page's subquery for each one, and a page took 20 s in the full suite.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exchange_delivery, exchange_case, application_application, documents_folder")
    return cases


def _older_link(page: str) -> str:
    """The query of the page's "Eldre" link (the next page down the list)."""
    found = re.search(r'href="\?(eldre=[^"#]+)"[^>]*>Eldre', page)
    assert found, page
    return found.group(1)


def _newer_link(page: str) -> str:
    found = re.search(r'href="\?(nyere=[^"#]+)"[^>]*>Nyere', page)
    assert found, page
    return found.group(1)


def _references(page: str) -> list[str]:
    return re.findall(r">(DS-[0-9A-F]{8})</a>", page)


def test_the_inbox_list_runs_the_same_queries_for_three_and_ten_thousand_cases(
    client, sara, django_assert_num_queries
):
    owner = citizen("kari-leier-oslo")
    inbox_cases(3, owner)
    with django_assert_num_queries(INBOX_LIST_QUERIES):
        response = client.get(reverse("inbox:inbox"))
    page = response.content.decode()
    assert page.count("/innboks/sak/") == 3 and ">Eldre" not in page and ">Nyere" not in page

    inbox_cases(10_000 - 3, owner)
    with django_assert_num_queries(INBOX_LIST_QUERIES):
        response = client.get(reverse("inbox:inbox"))
    page = response.content.decode()
    assert page.count("/innboks/sak/") == 50 and ">Nyere" not in page
    # A page far down the list costs the same as the first.
    query = _older_link(page)
    for _ in range(30):
        with django_assert_num_queries(INBOX_LIST_QUERIES):
            page = client.get(f"{reverse('inbox:inbox')}?{query}").content.decode()
        query = _older_link(page)
    assert page.count("/innboks/sak/") == 50 and ">Nyere" in page


def test_the_inbox_list_never_counts_nor_skips_the_whole_inbox(client, sara):
    """The first-round list counted every delivery of the municipality (Paginator) and read later pages with
    OFFSET, both growing with the inbox (139,389 entries for Oslo at a million cases). A page is read from
    where the previous one ended, and only the new deliveries are counted, and only up to a cap."""
    inbox_cases(120, citizen("kari-leier-oslo"))
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("inbox:inbox")).content.decode()
        client.get(f"{reverse('inbox:inbox')}?{_older_link(first)}")
    statements = [query["sql"].upper() for query in queries.captured_queries]
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert len(counts) == 2 and all("LIMIT" in sql and "'AVAILABLE'" in sql for sql in counts), counts
    assert not any("OFFSET" in sql for sql in statements), statements


def test_the_inbox_list_walks_every_delivery_once_new_ones_first_and_back_again(client, sara):
    cases = inbox_cases(130, citizen("kari-leier-oslo"))  # 13 new, 117 received
    expected = list(selectors.inbox_deliveries("0301").values_list("case__application__reference", flat=True))
    assert len(expected) == 130 and {c.application.reference for c in cases} == set(expected)
    pages = [client.get(reverse("inbox:inbox")).content.decode()]
    while ">Eldre" in pages[-1]:
        pages.append(client.get(f"{reverse('inbox:inbox')}?{_older_link(pages[-1])}").content.decode())
    assert [len(_references(page)) for page in pages] == [50, 50, 30]
    assert [reference for page in pages for reference in _references(page)] == expected
    assert "13 nye venter" in pages[0]
    # And back up: "Nyere" from the last page shows the page before it, and from there the first.
    middle = client.get(f"{reverse('inbox:inbox')}?{_newer_link(pages[2])}").content.decode()
    assert _references(middle) == _references(pages[1])
    top = client.get(f"{reverse('inbox:inbox')}?{_newer_link(middle)}").content.decode()
    assert _references(top) == _references(pages[0]) and ">Nyere" not in top


def test_the_inbox_list_pages_across_the_boundary_between_new_and_received(client, sara):
    owner = citizen("kari-leier-oslo")
    inbox_cases(600, owner)  # 60 new: the second page holds the last 10 new ones and 40 received
    expected = list(selectors.inbox_deliveries("0301").values_list("case__application__reference", flat=True))
    first = client.get(reverse("inbox:inbox")).content.decode()
    second = client.get(f"{reverse('inbox:inbox')}?{_older_link(first)}").content.decode()
    assert _references(second) == expected[50:100]
    assert second.count("<strong>Ny søknad – ikke lest</strong>") == 10
    back = client.get(f"{reverse('inbox:inbox')}?{_newer_link(second)}").content.decode()
    assert _references(back) == expected[:50]


# "1.١.1": 1 in Arabic-Indic digits, which str.isdigit() takes; read as a position, the page below it was empty.
@pytest.mark.parametrize(
    "query", ["eldre=x", "nyere=1.2.3.4", "eldre=0.99999999999999999999.1", "side=9", "eldre=1.%D9%A1.1"]
)
def test_a_broken_or_old_inbox_link_shows_the_first_page(client, sara, query):
    inbox_cases(60, citizen("kari-leier-oslo"))
    page = client.get(f"{reverse('inbox:inbox')}?{query}")
    assert page.status_code == 200 and len(_references(page.content.decode())) == 50


def test_the_inbox_list_reads_its_page_in_order_from_its_index_not_by_sorting_every_case(sara):
    inbox_cases(10_000, citizen("kari-leier-oslo"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load
    plan = selectors.inbox_deliveries("0301")[:50].explain()
    assert "exchange_delivery_inbox_order" in plan and "Sort" not in plan, plan
    # A page further down, and one across the boundary between new and received, read from the index too:
    # from the position on (the row comparison is an index condition), never skipping the rows above it.
    received, new = (
        selectors.ListPosition.of(selectors.inbox_deliveries("0301").filter(status=status)[500])
        for status in ("collected", "available")
    )
    for position, upwards in ((received, False), (received, True), (new, False), (new, True)):
        plan = selectors._beyond("0301", position, 51, upwards=upwards).explain()
        scans = [line for line in plan.splitlines() if "exchange_delivery_inbox_order" in line]
        assert scans and all("Index" in line for line in scans), plan
        assert "ROW(" in plan and "Filter" not in plan and "Seq Scan on exchange_delivery" not in plan, plan
        # Each range is limited where it is read; only the page's own few rows are sorted after the join.
        assert plan.count("Limit") >= len(scans) + 1, plan


def test_the_new_deliveries_are_counted_from_their_own_index_alone(sara):
    """The heading's count of new deliveries (up to 1,001 on every page of the list) is an Index Only Scan of
    the new deliveries' partial index, not 1,001 heap rows fetched through the list's order index."""
    inbox_cases(2_000, citizen("kari-leier-oslo"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = selectors._heading("0301").explain()
    assert "Index Only Scan using exchange_delivery_inbox_new" in plan, plan
    assert selectors.inbox_page("0301").new_count == 200 == selectors._new_count("0301")


def _document(folder: Folder, by: User, name: str) -> Document:
    digest = uuid.uuid4().hex
    return Document.objects.create(
        folder=folder,
        uploaded_by=by,
        original_name=name,
        stored_name=name,
        original_content_type="application/pdf",
        original_size=1000,
        original_sha256=digest,
        size=1200,
        sha512=digest * 2,
        page_count=1,
        storage_name=f"bench/{digest}",
        key_id="k",
    )


def _history(count: int) -> dict:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        builders.saks_status(
            f"s{i}", tittel=f"Sak nr {i}", status=SaksStatus.UNDER_BEHANDLING, at=start + timedelta(seconds=i)
        )
        for i in range(count)
    ]
    return builders.document(*events, avsender={"systemnavn": "t", "systemversjon": "1"})


def _grow(case: Case, *, deliveries: int, documents: int, letters: int, events: int) -> None:
    """Adds ettersendelser (each with `documents` files), letters and events to the case."""
    owner, system = case.owner, User.objects.create(username=f"system-{uuid.uuid4().hex[:8]}", kind="system")
    now = timezone.now()
    for _ in range(deliveries):
        folder = Folder.objects.create(
            owner=owner, kind=Folder.Kind.ETTERSENDELSE, municipality_id=case.municipality_id, sealed_at=now
        )
        for n in range(documents):
            _document(folder, owner, f"kvittering-{n}.pdf")
        Delivery.objects.create(
            case=case,
            kind=Delivery.Kind.ETTERSENDELSE,
            municipality_id=case.municipality_id,
            channel="inbox",
            nav_ekstern_ref_id=uuid.uuid4().hex,
            status=Delivery.Status.COLLECTED,
            available_at=now,
            collected_at=now,
            folder=folder,
            vedlegg_json={"vedlegg": []},
        )
    if case.letters is None:
        case.letters = Folder.objects.create(
            owner=owner, kind=Folder.Kind.LETTERS, municipality_id=case.municipality_id
        )
    for n in range(letters):
        _document(case.letters, system, f"vedtak-{n}.pdf")
    case.soker = _history(events)
    case.save()


def test_the_inbox_case_page_runs_the_same_queries_however_much_the_case_holds(
    client, sara, django_assert_num_queries
):
    (case,) = inbox_cases(1, citizen("kari-leier-oslo"))
    _grow(case, deliveries=0, documents=0, letters=1, events=1)
    url = reverse("inbox:case", args=[case.id])
    with django_assert_num_queries(INBOX_CASE_QUERIES):
        assert client.get(url).status_code == 200

    _grow(case, deliveries=20, documents=5, letters=30, events=5_000)
    with django_assert_num_queries(INBOX_CASE_QUERIES):
        page = client.get(url).content.decode()
    assert page.count("kvittering-4.pdf") == 20 and "vedtak-29.pdf" in page


def test_the_inbox_lists_first_page_is_planned_once_not_on_every_request(sara):
    """psycopg prepares the list's queries (they run on every request), and PostgreSQL then plans them once
    for any municipality, but only if that plan is as good as planning each time: with the list's constants
    (the channel, the statuses) as parameters it could not prove the inbox index's condition, and planned the
    five-table page query again on every request (twice its execution). The constants are written into the SQL."""
    from django.db import connections

    inbox_cases(10_000, citizen("kari-leier-oslo"))  # as the bench: small tables make any plan cheap
    for _ in range(20):  # psycopg prepares a statement at its fifth run (settings: prepare_threshold)
        selectors.inbox_page("0301")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = cursor.fetchall()
    rows = [(generic, custom) for statement, generic, custom in plans if '"office_name"' in statement]
    heading = [(generic, custom) for statement, generic, custom in plans if '"new_count"' in statement]
    assert len(rows) == 1 and len(heading) == 1, plans
    # PostgreSQL tries five custom plans before it compares; every call after that uses the generic one.
    assert rows[0][0] >= 5 and heading[0][0] >= 5, plans


def test_the_first_page_is_planned_for_any_municipality_at_the_cost_of_a_plan_for_the_largest(sara):
    """The first page is a statement psycopg prepares, and PostgreSQL keeps the plan it makes once for any
    municipality (the generic plan) only if that plan is not estimated dearer than the plans it makes for the
    values (custom plans); otherwise it plans the statement again at every request. For a municipality with far
    more deliveries than the average one, a plan made for it was estimated cheaper, so Oslo's caseworkers paid
    the planning on every look at a million cases (make bench-scale: 1.9 ms of planning for 0.7 ms of
    execution, the list 0.79 of its small-database figure). The municipality is read through a sub-select,
    which the planner does not look into: the two plans are then the same plan at the same cost."""
    inbox_cases(2_000, citizen("kari-leier-oslo"))
    for kommunenummer in ("4601", "5001", "1103", "3403"):
        inbox_cases(20, citizen("kari-leier-oslo"), kommunenummer=kommunenummer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sql, params = selectors._FIRST_PAGE.sql("0301")

    custom = prepared_plan(sql, params, "force_custom_plan")
    generic = prepared_plan(sql, params, "force_generic_plan")

    assert plan_cost(custom) == plan_cost(generic), (custom, generic)
    assert "exchange_delivery_inbox_order" in generic, generic
    # And so PostgreSQL keeps the generic plan after its first five custom ones, as it does for a smaller
    # inbox (test_the_inbox_lists_first_page_is_planned_once_not_on_every_request above).
    from django.db import connections

    for _ in range(20):
        selectors.inbox_page("0301")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = [(g, c) for statement, g, c in cursor.fetchall() if '"office_name"' in statement]
    assert len(plans) == 1 and plans[0][0] >= 5, plans


def _generic_plan(sql: str, params: list) -> str:
    """EXPLAIN of `sql` as PostgreSQL plans a prepared statement once for any values (a generic plan), as it
    does for a statement psycopg has prepared after its fifth run."""
    return prepared_plan(sql, params, "force_generic_plan")


def test_a_page_further_down_is_read_from_the_inbox_index_also_when_planned_once_for_any_municipality(sara):
    """A page below or above a position ("Eldre"/"Nyere") is a statement psycopg prepares, and PostgreSQL then
    plans it once for any municipality and position. With the list's constants (statuses, channel, the rank's
    0 and 1) as parameters, that generic plan could not use the inbox's index (a partial index on an
    expression, provable only from literals) and read every delivery of the municipality: 400 ms a page at
    Oslo's 140,000 (make bench-scale). The constants are written into the SQL; the positions stay parameters."""
    inbox_cases(2_000, citizen("kari-leier-oslo"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    received, new = (
        selectors.ListPosition.of(selectors.inbox_deliveries("0301").filter(status=status)[100])
        for status in ("collected", "available")
    )
    statements: list[tuple[str, list]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        for position in (received, new):
            older = selectors.inbox_page("0301", older_than=position)
            newer = selectors.inbox_page("0301", newer_than=position)
            assert older.deliveries and newer.deliveries
    paging = [(sql, params) for sql, params in statements if '"office_name"' in sql]
    assert len(paging) == 4, statements
    for sql, params in paging:
        plan = _generic_plan(sql, params)
        assert "exchange_delivery_inbox_order" in plan and "exchange_delivery_waiting" not in plan, plan
        # Only the positions and the municipality are parameters.
        assert all(not isinstance(value, str) or value == "0301" for value in params), params
    # And the generic plan is the one the site runs: after its first five custom plans PostgreSQL uses it for
    # every page (it did so before the fix too, with the plan that read every delivery).
    from django.db import connections

    for _ in range(20):
        selectors.inbox_page("0301", older_than=received)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = [
            (generic, custom)
            for statement, generic, custom in cursor.fetchall()
            if '"office_name"' in statement
        ]
    assert plans and all(generic >= 5 for generic, _custom in plans), plans

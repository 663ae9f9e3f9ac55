"""The person overview's panels: decisions, payments per month (chart and table), open requests and deadlines,
conditions and document names, from the stored case read model in a constant number of queries, each panel
labelled with its source and legal basis and shown only when the policy permits its kind of data. And the NKS
view's Modia fields: payments without an account number when a third party is paid, attachment names only."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digisos.accounts.models import User
from digisos.documents.models import Folder
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange import case_state
from digisos.exchange.models import CaseState, DeliveredFile, Delivery
from digisos.exchange.services.case_items import write_file_items, write_items
from digisos.followup import policy
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NKS_ROLE, DataKind
from digisos.followup.selectors import PANEL_ROWS, PersonOverview, office_person_overview
from digisos.soker import builders as b
from tests.fixtures.personas import persona_pid

from .conftest import case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db
KARI = "kari-leier-oslo"


def month_ago(months: int) -> date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 5)


def soker(payments: int = 3) -> dict:
    now = timezone.now()
    events = [
        b.soknads_status("UNDER_BEHANDLING", at=now - timedelta(days=40)),
        b.saks_status("sak-1", tittel="Livsopphold", at=now - timedelta(days=39)),
        b.vedtak_fattet(
            saksreferanse="sak-1", vedtaksfil="vedtak-1", utfall="INNVILGET", at=now - timedelta(days=38)
        ),
        b.dokumentasjon_etterspurt(
            [
                b.dokument(
                    "Husleiekontrakt", innsendelsesfrist=now + timedelta(days=7), dokumentreferanse="d1"
                )
            ],
            forvaltningsbrev="brev-1",
            at=now - timedelta(days=37),
        ),
        b.vilkar("v1", tittel="Søke jobb", status="RELEVANT", at=now - timedelta(days=36)),
    ]
    for n in range(payments):
        paid = month_ago(n)
        events.append(
            b.utbetaling(
                f"u{n}",
                status="UTBETALT",
                belop=1000 + n,
                saksreferanse="sak-1",
                utbetalingsdato=paid.isoformat(),
                annenMottaker=n % 2 == 1,  # every other payment goes to the landlord
                mottaker="Utleier AS" if n % 2 else "Kari",
                kontonummer="12345678903",
                at=datetime(paid.year, paid.month, paid.day, 12, tzinfo=UTC),
            )
        )
    return {"version": "1.0.0", "avsender": {"systemnavn": "test"}, "hendelser": events}


def case_with_state(
    key: str, kommunenummer: str = "0301", *, payments: int = 3, attachment: str = "lonnsslipp.pdf"
):
    case = case_for(key, kommunenummer)
    document = soker(payments)
    values = case_state.state_values(document, sha256="x", sent_at=case.created_at, office="", vedlegg=None)
    CaseState.objects.create(
        case=case, municipality_id=case.municipality_id, case_created_at=case.created_at, **values
    )
    write_items(case.pk, values)  # its items, as the report writes them with its row
    folder = Folder.objects.create(owner=case.owner)
    delivery = Delivery.objects.create(
        case=case,
        kind=Delivery.Kind.SOKNAD,
        municipality_id=kommunenummer,
        channel="inbox",
        nav_ekstern_ref_id=f"ref-{case.pk}",
        folder=folder,
        vedlegg_json={},
    )
    file = DeliveredFile.objects.create(
        delivery=delivery,
        position=1,
        role=DeliveredFile.Role.VEDLEGG,
        filename=attachment,
        content_type="application/pdf",
        size=10,
        storage_name=f"s-{case.pk}",
    )
    write_file_items(delivery, [file])  # its attachment's item, as the delivery writes it with its files
    return case


def login(client, username: str, role: str, kommunenummer: str | None = "0301"):
    employee(username, role, kommunenummer=kommunenummer)
    client.force_login(User.objects.get(username=username))


def lookup(client, purpose: str = "casework") -> str:
    response = client.post("/oppfolging/", {"fnr": persona_pid(KARI), "purpose": purpose})
    assert response.status_code == 200
    return response.content.decode()


def test_the_caseworker_sees_every_panel_labelled_with_source_and_legal_basis(reference_data, client):
    case_with_state(KARI)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)

    html = lookup(client)

    for panel in ("decisions", "requests", "conditions", "months", "documents"):
        assert f'data-testid="panel-{panel}"' in html, panel
    assert "Innvilget" in html and "Husleiekontrakt" in html and "Søke jobb" in html
    assert (
        "lonnsslipp.pdf" in html
        and "href" not in html.split('data-testid="panel-documents"')[1].split("</section>")[0]
    )
    assert html.count('data-testid="month"') == 24
    assert 'role="img"' in html and html.count("<rect") == 24  # the chart, with the table as its alternative
    assert "NAV-loven § 16" in html and "Kommunens fagsystem" in html
    # The office overview shows payments per month, never an account number.
    assert "12345678903" not in html and "1234 56 78903" not in html
    # One audit row for the look, naming each kind of data shown, permitted.
    assert list(AccessDecision.objects.values_list("data_kind", "outcome")) == [
        ("cases,payments,documents", "PERMIT")
    ]


def test_payments_per_month_sum_the_paid_payments_of_each_month(reference_data):
    case_with_state(KARI, payments=3)
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")

    overview = office_person_overview(who, persona_pid(KARI), kinds=set(DataKind))

    months = {row.month: row.amount for row in overview.months}
    assert months[month_ago(0).replace(day=1)] == 1000
    assert months[month_ago(2).replace(day=1)] == 1002
    assert months[month_ago(5).replace(day=1)] == 0
    assert max(row.share for row in overview.months) == 100


def test_the_panels_hold_only_the_items_of_cases_the_look_may_see(reference_data):
    """The items are keyed to the person, whose cases elsewhere have items too: each panel, count and month sums
    only those of the cases the look selects (here the caseworker's municipality's), as it always did."""
    case_with_state(KARI, "0301", payments=2, attachment="oslo.pdf")
    case_with_state(KARI, "4601", payments=3, attachment="bergen.pdf")
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")

    overview = office_person_overview(who, persona_pid(KARI), kinds=set(DataKind))

    assert len(overview.cases) == len(overview.decisions) == len(overview.requests) == 1
    assert len(overview.conditions) == 1 and not overview.totals
    assert sum(row.amount for row in overview.months) == 1000 + 1001
    assert [row.name for row in overview.documents] == ["oslo.pdf"]


def test_a_panel_is_left_out_when_the_policy_does_not_permit_its_kind(reference_data, client, monkeypatch):
    case_with_state(KARI)
    kinds = {**policy.ROLE_KINDS, MUNICIPAL_CASEWORKER_ROLE: {DataKind.CASES}}
    monkeypatch.setattr(policy, "ROLE_KINDS", kinds)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)

    html = lookup(client)

    assert 'data-testid="panel-decisions"' in html
    assert 'data-testid="panel-months"' not in html and 'data-testid="panel-documents"' not in html
    assert "lonnsslipp.pdf" not in html
    # A kind the role may never see is not asked for (policy.kinds_for), so the audit holds the look's one kind.
    assert set(AccessDecision.objects.values_list("data_kind", "reason")) == {("cases", "permitted")}


def test_the_overview_is_read_in_the_same_number_of_queries_for_2_and_20_cases(reference_data):
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            office_person_overview(who, persona_pid(KARI), kinds=set(DataKind))
        return len(captured)

    for _ in range(2):
        case_with_state(KARI)
    few = queries()
    for _ in range(18):
        case_with_state(KARI)
    # On PostgreSQL one statement: the cases with their offices' names, each panel read from the cases' items
    # (decisions, requests, conditions, letters, the months' sums) and the attachments' names.
    assert queries() == few == 1


@pytest.mark.parametrize("role", [MUNICIPAL_CASEWORKER_ROLE, NKS_ROLE])
def test_a_look_after_the_first_compiles_no_queryset(reference_data, role):
    """The person's cases and the panels' statement are written once per process (core/prepared.py and
    selectors._panel_sql): compiling the cases' queryset on every look was a tenth of the overview's CPU."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from digisos.followup.selectors import nks_person_overview

    case_with_state(KARI)
    if role == NKS_ROLE:
        nks_agreement("0301", active=True)
        who, overview = employee("nina", NKS_ROLE, kommunenummer=None), nks_person_overview
    else:
        who, overview = employee("sara", role, kommunenummer="0301"), office_person_overview
    overview(who, persona_pid(KARI), kinds=set(DataKind))

    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        seen = overview(who, persona_pid(KARI), kinds=set(DataKind))

    assert as_sql.call_count == 0
    assert len(seen.cases) == 1 and len(seen.decisions) == 1


def test_nks_sees_modias_fields_without_a_third_partys_account_or_any_file(reference_data, client):
    case_with_state(KARI, payments=4)
    nks_agreement("0301", active=True)
    login(client, "nina", NKS_ROLE, kommunenummer=None)

    html = lookup(client, "phone_call")

    for panel in ("decisions", "requests", "payments", "documents", "months"):
        assert f'data-testid="panel-{panel}"' in html, panel
    assert 'data-testid="panel-conditions"' not in html
    payments = html.split('data-testid="panel-payments"')[1].split("</section>")[0]
    assert payments.count('data-testid="payment"') == 4
    # Kari's own account shows on her two payments; the landlord's two show none.
    # Written as banks print it (core's account), not "12345678903".
    assert payments.count('<td class="aksel-table__data-cell">1234 56 78903</td>') == 2
    assert "12345678903" not in payments
    documents = html.split('data-testid="panel-documents"')[1].split("</section>")[0]
    assert "lonnsslipp.pdf" in documents and "href" not in documents
    assert "<form" not in html.split('data-testid="overview"')[1]  # read-only
    assert list(AccessDecision.objects.values_list("data_kind", flat=True)) == [
        "cases,payments,attachment_names"
    ]


def test_a_long_list_shows_its_first_rows_and_says_how_many_there_are(reference_data, client):
    for _ in range(PANEL_ROWS + 2):
        case_with_state(KARI, payments=1)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)

    html = lookup(client)

    assert html.count('data-testid="case"') == PANEL_ROWS
    assert html.count('data-testid="decision"') == PANEL_ROWS
    assert f"Viser {PANEL_ROWS} av {PANEL_ROWS + 2}." in html


@pytest.mark.parametrize("nks", [False, True])
def test_the_overview_picked_in_the_database_equals_the_one_cut_in_python(reference_data, nks):
    """PostgreSQL picks each panel's first rows and counts (selectors._overview_in_database); the quick start's
    SQLite reads every case and cuts in Python (_overview_in_python). Both give the same overview, for lists
    longer and shorter than PANEL_ROWS."""
    from dataclasses import asdict

    from digisos.exchange.case_state import followup_view
    from digisos.followup.selectors import Panel, _overview_in_database, _overview_in_python, _recent_cases

    for number in range(PANEL_ROWS + 3):
        case = case_with_state(KARI, payments=number % 4, attachment=f"vedlegg-{number}.pdf")
        if number % 5 == 0:  # some cases without a state's lists, as a paper case before any report
            empty = {"decisions": [], "page_view": {}, "payments": [], "followup_view": followup_view({})}
            CaseState.objects.filter(case=case).update(**empty)
            write_items(case.pk, empty)  # and its items, as a report writes them with the row
    now = timezone.now()
    cases = _recent_cases(persona_pid(KARI), now)
    kinds = {str(kind) for kind in DataKind}
    panel = Panel(source="kilde", legal_basis="grunnlag")

    in_database = _overview_in_database(cases, kinds, now, panel=panel, nks=nks)
    in_python = _overview_in_python(cases, kinds, now, panel=panel, nks=nks)

    assert asdict(in_database) == asdict(in_python)
    assert in_database.totals["cases"] == PANEL_ROWS + 3 and in_database.totals["documents"] > PANEL_ROWS
    assert sum(month.amount for month in in_database.months) > 0


def test_the_office_overview_reads_the_cases_items_not_their_stored_lists(reference_data, client):
    """A person's 200 cases were 200 stored lists unpacked per look; the panels and the months' sums now come
    from the case read model's items (exchange.CaseItem), which the report writes with each case's row."""
    case_with_state(KARI, payments=3)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)

    with CaptureQueriesContext(connection) as seen:
        html = lookup(client)

    statements = " ".join(query["sql"] for query in seen)
    assert '"exchange_caseitem" i WHERE i.owner_id' in statements
    assert "followup_view" not in statements and "page_view" not in statements
    assert '"payments"' not in statements and "state__payments" not in statements
    assert html.count('data-testid="request"') == 1 and 'data-testid="panel-months"' in html


def test_the_fragment_places_each_cell_as_the_rows_say_escaped_with_a_dash_for_what_is_missing(rf):
    """The list panels' cells are formatted in the view (views._overview_cells) and only placed by the fragment:
    each shows what its row says, escaped, "–" where a date, a recipient or a case's decisions are missing, a
    case's decisions joined by "; " (each its sak's title and outcome, or the outcome alone), the office after the
    municipality, a condition's status after its title."""
    from digisos.followup import selectors as s
    from digisos.followup.forms import PersonLookupForm
    from digisos.followup.views import _overview_context, _page_html

    overview = s.PersonOverview(
        cases=[
            s.CaseRow(
                "1", "Søknad <A&B>", datetime(2026, 1, 2, 12, tzinfo=UTC), "Oslo", "", "Sendt", 0, None, []
            ),
            s.CaseRow(
                "2",
                "Papirsøknad",
                datetime(2026, 3, 2, 12, tzinfo=UTC),
                "Bergen",
                "Nav Bergen",
                "Under behandling",
                3,
                datetime(2026, 4, 1, 12, tzinfo=UTC),
                [("Livsopphold", "Innvilget"), ("", "Ikke oppgitt")],
            ),
        ],
        panel=s.Panel("Kildesystemet", "§ 17"),
    )
    overview.decisions = [
        s.DecisionRow("Søknad A", "", "Innvilget", None),
        s.DecisionRow("Søknad A", "Sak 1", "Avslått", None),
    ]
    overview.requests = [s.RequestRow("Søknad A", "Kontoutskrift", None)]
    overview.conditions = [
        s.ConditionRow("Søknad A", "Søke jobb", ""),
        s.ConditionRow("Søknad A", "Møte", "Oppfylt"),
    ]
    overview.payments = [s.PaymentRow("Søknad A", None, 1234.5, "Utbetalt", "", "", "")]
    overview.documents = [s.DocumentRow("Søknad A", "<husleie>.pdf")]
    page = {"is_nks": False, "denied": None, **_overview_context(overview, "010101*****")}
    html = _page_html(rf.get("/"), PersonLookupForm(), page)

    cell = '<td class="aksel-table__data-cell">'
    assert '<th scope="row" class="aksel-table__data-cell">Søknad &lt;A&amp;B&gt;</th>' in html
    assert f"{cell}Oslo</td>{cell}0</td>{cell}–</td>{cell}–</td></tr>" in html
    assert (
        f"{cell}Bergen, Nav Bergen</td>{cell}3</td>{cell}1. april 2026</td>"
        f"{cell}Livsopphold: Innvilget; Ikke oppgitt</td>" in html
    )
    assert f"{cell}–</td>{cell}Søknad A</td>{cell}Innvilget</td>" in html
    assert f"{cell}Søknad A: Sak 1</td>" in html
    assert f"{cell}Kontoutskrift</td>{cell}Søknad A</td>{cell}–</td>" in html
    assert '<li data-testid="condition">Søke jobb (Søknad A)</li>' in html
    assert '<li data-testid="condition">Møte (Søknad A): Oppfylt</li>' in html
    assert f"{cell}–</td>{cell}1\xa0234,50\xa0kr</td>{cell}Utbetalt</td>{cell}–</td>{cell}–</td>" in html
    assert '<li data-testid="document">&lt;husleie&gt;.pdf (Søknad A)</li>' in html


@pytest.mark.parametrize(
    "cells",
    [
        [],
        ["Søke jobb (Søknad <A>)", "Møte & mer"],
        [("a", 1, 2.5), ("<b>", "'q' \"d\"", "–"), ("", None, -0.0)],
        [("Søknad <A&B> 'q' \"d\"", "&amp;", 1234.5), ("a\tb\n", 0, "plain")],
        [("nul\x00inside", "x"), ("y", "z")],
        [("markup", "<b>&amp;</b>"), ("plain", "<i>")],
    ],
)
def test_a_panels_rows_are_escaped_together_as_each_cell_alone(cells):
    """views._rows escapes a panel's cells in one pass: the same rows as markupsafe's escape (Jinja2's
    autoescape) writes cell by cell, also for a NUL in a text (split where it should not) and a cell of markup
    (left as it is)."""
    from django.utils.safestring import mark_safe
    from markupsafe import escape

    from digisos.followup.views import _rows

    if cells and cells[-1][0] == "markup":
        cells = [("markup", mark_safe(cells[0][1])), cells[1]]  # noqa: S308 - a constant of the test
    for row in ("<tr>{}{}{}</tr>", "<li>{}</li>", "<tr>{}{}</tr>"):
        width = row.count("{}")
        shaped = [cell for cell in cells if (len(cell) if isinstance(cell, tuple) else 1) == width]
        expected = "".join(
            row.format(*(str(escape(value)) for value in (cell if isinstance(cell, tuple) else (cell,))))
            for cell in shaped
        )
        assert str(_rows(row, shaped)) == expected


def test_the_written_page_leaves_the_overview_to_be_freed_at_once_not_by_the_garbage_collector(rf):
    """The fragment holds no macro (a macro refers to the render's context, which holds it): the context, the
    overview and its rows are freed when the page is written, not left at every look for the cyclic collector."""
    import gc
    import weakref

    from digisos.followup import selectors as s
    from digisos.followup.forms import PersonLookupForm
    from digisos.followup.views import _overview_context, _page_html

    overview = s.PersonOverview(
        cases=[
            s.CaseRow("1", "Søknad", datetime(2026, 1, 2, 12, tzinfo=UTC), "Oslo", "", "Sendt", 0, None, [])
        ],
        panel=s.Panel("Kildesystemet", "§ 17"),
        decisions=[s.DecisionRow("Søknad", "", "Innvilget", None)],
        totals={"decisions": 30},
    )
    freed = weakref.ref(overview)
    request, form = rf.get("/"), PersonLookupForm()
    gc.collect()
    gc.disable()
    try:
        page = {"is_nks": False, "denied": None, **_overview_context(overview, "010101*****")}
        html = _page_html(request, form, page)
        del overview, page
        assert freed() is None
    finally:
        gc.enable()
    assert 'data-testid="more"' in html


def _explained_look(
    who, pid: str, *, analyze: bool = True, analyse_tables: bool = False, off: tuple[str, ...] = ()
) -> tuple[PersonOverview, dict]:
    """The look's overview and the plan of its one statement, read by index as at scale (a few rows here), with
    the planner's methods in `off` turned off too (enable_<method>)."""
    with CaptureQueriesContext(connection) as seen:
        overview = office_person_overview(who, pid, kinds=set(DataKind))
    [query] = seen.captured_queries
    with connection.cursor() as cursor:
        if analyse_tables:
            cursor.execute("ANALYZE")
        for method in ("seqscan", *off):
            cursor.execute(f"SET enable_{method} = off")
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) {query['sql']}")
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("RESET ALL")
    return overview, plan


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def _plan_nodes_outside_subplans(node: dict):
    yield node
    for child in node.get("Plans", ()):
        if child.get("Parent Relationship") not in ("InitPlan", "SubPlan"):
            yield from _plan_nodes_outside_subplans(child)


def test_the_attachments_are_read_from_the_persons_items_not_the_cases_deliveries(reference_data):
    """The attachments' panel and its count joined the listed cases' deliveries and their files on every look,
    planned on PostgreSQL's guess of how many cases are listed, a guess that depends on everyone else's cases
    (docs/performance.md, "Other people's data"): 200 probes of each index for bench/followup.py's person. The
    attachments' names are now the cases' items (CaseItem kind "file", written with the delivery's files), read
    from the person's index like every other panel: neither table is read by a look."""
    for _ in range(3):
        case_with_state(KARI)
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    overview, plan = _explained_look(who, persona_pid(KARI), analyze=False)
    read = [node.get("Relation Name") for node in _plan_nodes(plan)]
    assert "exchange_delivery" not in read and "exchange_deliveredfile" not in read, read
    assert [row.name for row in overview.documents] == ["lonnsslipp.pdf"] * 3


def test_the_months_are_read_once_whatever_the_guess_of_the_listed_cases(reference_data):
    """The months' sums (and the panels' counts) joined the person's items to the listed cases, planned on
    PostgreSQL's guess of how many cases are listed: on a guess of 5 (the generic plan with the rest of `make
    bench`'s data in the tables) it probed the months index once per listed case, each probe reading the whole
    range of the person's months (200 cases: 200 reads of 600 entries, 8 of the statement's 14 ms under the
    bench's auto_explain; docs/performance.md, "Other people's data"). The person's months and counted items
    are now read once, each kept when its case is listed (a hashed subplan)."""
    for _ in range(8):
        case_with_state(KARI, payments=6)
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    # The join a small guess of the listed cases chooses (a guess of 5 where 200 are listed): a nested loop.
    _, plan = _explained_look(
        who,
        persona_pid(KARI),
        analyse_tables=True,
        off=("hashjoin", "mergejoin", "bitmapscan", "material"),
    )
    items = [node for node in _plan_nodes(plan) if node.get("Relation Name") == "exchange_caseitem"]
    months = [node for node in items if "month" in f"{node.get('Index Name')} {node.get('Filter')}"]
    assert months, items
    assert [node["Actual Loops"] for node in items] == [1] * len(items), items


def test_the_listed_cases_are_hashed_once_and_only_the_shown_rows_applications_read(reference_data):
    """Each panel joined the listed cases for its rows' applications itself, hashing every listed case once per
    panel (six hash tables of 200 cases a look for bench/followup.py's person) and sorting its rows again;
    the rows of every panel now join them once (the cases' panel reads them for its own rows). Left to itself the planner joined the applications of every
    listed case first (200 lookups where 125 rows are shown): only the rows' applications are read."""
    for _ in range(PANEL_ROWS + 2):
        case_with_state(KARI)
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    _, plan = _explained_look(who, persona_pid(KARI), analyse_tables=True)
    nodes = list(_plan_nodes(plan))
    # The listed cases read as rows outside any subplan (the panels' filters read their keys in one): by the
    # cases' panel, and by the one join.
    joined = [node for node in _plan_nodes_outside_subplans(plan) if node.get("CTE Name") == "listed"]
    assert len(joined) == 2, joined
    applications = [node for node in nodes if node.get("Relation Name") == "application_application"]
    read = sum(node["Actual Rows"] * node["Actual Loops"] for node in applications)
    assert applications and read <= plan["Actual Rows"] and read < PANEL_ROWS * 6, (read, plan["Actual Rows"])


def _subplans(node: dict):
    for child in node.get("Plans", ()):
        if child.get("Parent Relationship") == "SubPlan":
            yield child
        yield from _subplans(child)


def test_when_every_case_of_the_person_is_listed_no_item_is_looked_up_among_the_listed_cases(reference_data):
    """The counts and the months kept each of the person's items (600–800 for bench/followup.py's person) by
    probing a hash of the listed cases, and each panel's rows by comparing them with the listed keys. When the
    look lists every case the person has (the usual look), every item is a listed case's: the statement knows
    that once (`listed_ids.every`) and no hash of the listed cases is built or probed. With a case elsewhere the
    filter decides as before (test_the_panels_hold_only_the_items_of_cases_the_look_may_see)."""
    for _ in range(3):
        case_with_state(KARI, payments=2)
    who = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    overview, plan = _explained_look(who, persona_pid(KARI))
    probes = [
        node
        for subplan in _subplans(plan)
        for node in _plan_nodes(subplan)
        if node.get("CTE Name") == "listed" and node.get("Actual Loops", 0) > 0
    ]
    assert probes == [], probes
    assert len(overview.cases) == 3 and sum(row.amount for row in overview.months) == 3 * (1000 + 1001)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_texts_translated_once_per_language_are_those_translated_at_each_look(language):
    """The outcomes', statuses', titles' and panels' texts the overview takes from a per-language table
    (selectors._label_texts, _title_texts, _language_panel; soker.labels.title_texts) are the texts
    `status_label`, gettext and the data-flow register give in that language."""
    from django.utils import translation
    from django.utils.translation import get_language

    from digisos.core.dataflows import get_flow
    from digisos.exchange.models import Case
    from digisos.followup import selectors
    from digisos.soker.constants import Utfall
    from digisos.soker.labels import DEFAULT_SAK_TITLE, OUR_TITLES, STATUS_LABELS, status_label, title_texts

    with translation.override(language):
        outcomes, unknown, statuses = selectors._label_texts(get_language())
        assert outcomes == {code: status_label(code) for code in Utfall}
        assert unknown == str(translation.gettext("Ikke oppgitt"))
        assert statuses == {code: status_label(code) for code in STATUS_LABELS}
        ours = title_texts()
        assert {title: ours(title) for title in OUR_TITLES} == {
            title: translation.gettext(title) for title in OUR_TITLES
        }
        assert DEFAULT_SAK_TITLE in OUR_TITLES and ours("Livsopphold") == "Livsopphold" and ours(None) == ""
        paper, numbered = selectors._title_texts(get_language())
        assert (paper, numbered % {"reference": "R1"}) == (
            str(translation.gettext("Papirsøknad")),
            translation.gettext("Søknad %(reference)s") % {"reference": "R1"},
        )
        for flow in ("employee.nav_office", "employee.nks"):
            assert selectors._panel(flow) == selectors.Panel(
                source=str(get_flow(Case.FLOW).source), legal_basis=str(get_flow(flow).legal_basis)
            )

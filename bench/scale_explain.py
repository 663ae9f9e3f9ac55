"""EXPLAIN (ANALYZE, BUFFERS) of every query the pages `make bench-scale` measures run, at scale.

Run by bench/scale.py on the seeded database once the page figures are measured: requests each page once in
process (Django's test client, the bench settings) as the people the bench measures, records every statement
with `connection.execute_wrapper`, then explains each. Writes (the event post's UPDATE, INSERT) are explained
inside a transaction that is rolled back. Prints one line per query: its time and each scan node (the index
it used, or a sequential scan), flagging a sequential scan over a table of more than SMALL_TABLE rows; writes
the full plans to bench/results/scale-explain.txt.

Each read is explained twice: as the request sent it (a plan for its values), and as the running site runs it
after a few requests. psycopg prepares a statement a connection has run five times (settings: prepare_threshold),
and PostgreSQL then plans a prepared statement once for any values (a generic plan) when that looks no dearer.
A generic plan is made for the average municipality, not for Oslo, so it can pick other indexes than the first
explain shows. The second explain prepares the statement and runs it under `plan_cache_mode =
force_generic_plan`; a line is printed under the query when its scans differ, and flagged when it is also more
than GENERIC_SLOWER times as slow (and by more than GENERIC_MARGIN_MS). Whether PostgreSQL picks the generic plan
depends on its estimated cost against the custom plans' (both printed): a statement that runs rarely, or whose
generic plan is estimated dearer, keeps its custom plans, so a flag is a place to look, not a verdict
(tests/inbox/test_inbox_queries.py checks pg_prepared_statements for the inbox's paging).
"""

import json
import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMALL_TABLE = 10000  # a sequential scan over fewer rows is what an index would cost anyway
PLANS = ROOT / "bench" / "results" / "scale-explain.txt"
SKIPPED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ")
GENERIC_SLOWER = 2.0
GENERIC_MARGIN_MS = 0.5


class NotARequest:
    """What a step that is not a request (the statistics' update's question) shows in place of a response."""

    status_code = 200
    content = b""


def changed_cases() -> NotARequest:
    """The statistics' hourly update's first question (insights.services.update): which cases changed since its
    last run, an hour ago. At a million cases, without an index on updated_at, a scan of every case."""
    from django.utils import timezone

    from digisos.exchange.models import Case

    list(Case.objects.filter(updated_at__gt=timezone.now() - timedelta(hours=1)).values_list("id", flat=True))
    return NotARequest()


class Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        if not many and not sql.lstrip().upper().startswith(SKIPPED):
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


def pages(
    sessions: Path, exchange: Path, innsyn: Path, inbox: Path, followup: Path, concerns: Path
) -> dict[str, Callable[[], Any]]:
    """Each measured request, as the bench's own people make it."""
    from bench.exchange import CLIENT_ID
    from bench.innsyn import document, story
    from django.conf import settings
    from django.test import Client

    from digisos.exchange.models import Case
    from digisos.inbox import selectors as inbox_selectors
    from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

    cookie = settings.SESSION_COOKIE_NAME
    drafts = json.loads(sessions.read_text())
    innsyn_setup = json.loads(innsyn.read_text())
    inbox_setup = json.loads(inbox.read_text())
    exchange_setup = json.loads(exchange.read_text())
    followup_setup = json.loads(followup.read_text())
    concerns_setup = json.loads(concerns.read_text())

    def client(session: str) -> Client:
        http = Client()
        http.cookies[cookie] = session
        return http

    citizen = client(drafts[0]["session"])
    step = f"/soknad/{drafts[0]['application']}/steg/behov/"
    case_page = innsyn_setup["case_page"][0]

    def authorization(client_id: str, key: str, **scope: str) -> dict[str, str]:
        """A case system's access token, fetched in process, as the header a request sends it in."""
        signer = FagsystemClient(
            base_url="http://testserver", client_id=client_id, client_key_pem=Path(key).read_bytes(), **scope
        )
        token = Client().post(
            "/api/exchange/v1/token", {"grant_type": GRANT_TYPE, "assertion": signer.assertion()}
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {token.json()['access_token']}"}

    bearer = authorization(CLIENT_ID, exchange_setup["client_key"])
    # Bergen's child-welfare case system, its own client and scope (bench/concerns.py wrote them).
    child_welfare_bearer = authorization(
        concerns_setup["client_id"], concerns_setup["client_key"], scope=concerns_setup["scope"]
    )
    api = Client()
    reported = exchange_setup["cases"][0]
    # Newer than the stored document (the innsyn setup may have reported into the next minutes), as a case
    # system's next post is.
    stored = Case.objects.values_list("soker_latest_event_at", flat=True).get(pk=reported)
    start = max(datetime.now(UTC), *([datetime.fromisoformat(stored)] if stored else [])) + timedelta(
        minutes=1
    )
    events = document(story(random.Random(5), 9, start, start + timedelta(minutes=10), []))
    # Two positions for the inbox list's "Eldre" link: 5,000 rows down (among the received), and the last new
    # delivery (the next page goes on into the received ones).
    oslo = inbox_selectors.inbox_deliveries("0301")
    deep = inbox_selectors.ListPosition.of(oslo[5000])
    last_new = inbox_selectors.ListPosition.of(
        oslo.filter(status="available").order_by("available_at", "id")[0]
    )
    inbox_client = client(inbox_setup["sessions"][0])
    caseworker = client(followup_setup["sessions"][0])
    measured = {
        "baseline: bare view": lambda: Client().get("/bench/bare"),
        "baseline: logged-in page": lambda: citizen.get("/bench/logged-in"),
        "baseline: exchange call": lambda: api.get("/bench/exchange/v1/ping", **bearer),
        "steps: GET behov": lambda: citizen.get(step),
        "steps: POST behov": lambda: citizen.post(
            step, {"hva": "Penger til mat", "hvorfor": "", "nodhjelp": "mat"}
        ),
        "innsyn case page (500 events)": lambda: client(case_page["session"]).get(
            f"/innsyn/{case_page['case']}/"
        ),
        "Mine søknader (50 cases)": lambda: client(innsyn_setup["mine"][0]["session"]).get("/innsyn/"),
        "inbox list (Oslo)": lambda: inbox_client.get("/innboks/"),
        "inbox list (Oslo), 5,000 rows down": lambda: inbox_client.get(f"/innboks/?eldre={deep.token()}"),
        "inbox list (Oslo), from the new into the received": lambda: inbox_client.get(
            f"/innboks/?eldre={last_new.token()}"
        ),
        "person overview (200 cases)": lambda: caseworker.post(
            "/oppfolging/", {"fnr": followup_setup["pid"], "purpose": "casework"}
        ),
        "work queues (Trondheim)": lambda: caseworker.get("/oppfolging/arbeidskoer/"),
        **work_queue(caseworker),
        "exchange list": lambda: api.get("/api/exchange/v1/leveranser", **bearer),
        "child-welfare list (Bergen)": lambda: api.get(
            "/api/barnevern/v1/bekymringsmeldinger", **child_welfare_bearer
        ),
        # The statistics (issue 14) read only their aggregate tables, filled from the seeded cases by the
        # scale run's rebuild and updates: the country's page, and Oslo's (the largest) page and JSON.
        "statistics page (country)": lambda: Client().get("/statistikk/"),
        "statistics page (Oslo)": lambda: Client().get("/statistikk/?kommune=0301"),
        "statistics JSON (Oslo)": lambda: Client().get("/api/public/v1/statistikk/?niva=kommune&kode=0301"),
        "statistics hourly update: the changed cases": changed_cases,
        "event post": lambda: api.post(
            f"/api/exchange/v1/saker/{reported}/digisos-soker",
            events,
            content_type="application/json",
            **bearer,
        ),
    }
    # The child-welfare staff's inbox (since session 21; the follow-up part wrote its sessions beside its own).
    staff_setup = followup.parent / "concern-staff.json"
    if staff_setup.exists():
        measured.update(child_welfare_inbox(client(json.loads(staff_setup.read_text())["sessions"][0])))
    return measured


def work_queue(caseworker: Any) -> dict[str, Callable[[], Any]]:
    """Trondheim's queue of requests past their deadline (bench/followup.py), on its own page: the first page
    and the one after it."""
    from bench.followup import KOMMUNENUMMER

    from digisos.followup.queues import queue_page

    url = "/oppfolging/arbeidskoer/passert-frist/"
    after = queue_page(KOMMUNENUMMER, "overdue_requests").next
    pages = {"work queue page (Trondheim, past their deadline), page 1": lambda: caseworker.get(url)}
    if after is not None:
        pages["work queue page (Trondheim, past their deadline), page 2"] = lambda: caseworker.get(
            f"{url}?neste={after.token()}"
        )
    return pages


def child_welfare_inbox(staff: Any) -> dict[str, Callable[[], Any]]:
    """Bente's inbox (bench/concerns.py staff): its first page and the page below it."""
    from bench.concerns import STAFF_USERNAME

    from digisos.accounts.models import User
    from digisos.concerns.selectors import inbox_page

    bente = User.objects.get(username=STAFF_USERNAME)
    after = inbox_page(bente).next
    pages = {"child-welfare inbox (Oslo), page 1": lambda: staff.get("/bekymringsmelding/innboks/")}
    if after is not None:
        pages["child-welfare inbox (Oslo), page 2"] = lambda: staff.get(
            f"/bekymringsmelding/innboks/?neste={after.token()}"
        )
    return pages


def explain(
    sessions: Path, exchange: Path, innsyn: Path, inbox: Path, followup: Path, concerns: Path
) -> None:
    from django.db import connection

    counts = table_rows()
    PLANS.parent.mkdir(parents=True, exist_ok=True)
    out = PLANS.open("w")
    print("\n== EXPLAIN (ANALYZE, BUFFERS) of every query of the measured pages, at scale ==")
    big_scans = slow_generic = 0
    for page, request in pages(sessions, exchange, innsyn, inbox, followup, concerns).items():
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            response = request()
        print(f"\n-- {page}: HTTP {response.status_code}, {len(recorder.statements)} queries")
        if response.status_code >= 400:
            print(f"   (refused: {response.content[:300]!r})")
        out.write(
            f"\n\n===== {page}: HTTP {response.status_code}, {len(recorder.statements)} queries =====\n"
        )
        for number, (sql, params) in enumerate(recorder.statements, 1):
            plan = explained(sql, params)
            nodes = list(scan_nodes(plan["Plan"]))
            flagged = [
                n
                for n in nodes
                if n["Node Type"] == "Seq Scan" and counts.get(n["Relation Name"], 0) > SMALL_TABLE
            ]
            big_scans += len(flagged)
            described = "; ".join(describe(n) for n in nodes) or "no table"
            mark = "  SEQ SCAN OF A LARGE TABLE" if flagged else ""
            print(
                f"  {number:>2}. {plan['Execution Time']:>7.2f} ms  {first_words(sql)}  →  {described}{mark}"
            )
            out.write(f"\n--- {number}. {sql}\n{json.dumps(params, default=str)}\n")
            out.write(text_plan(sql, params))
            generic = generic_plan(sql, params)
            if generic is None:
                continue
            generic_nodes = list(scan_nodes(generic["Plan"]))
            if [_scan(n) for n in generic_nodes] == [_scan(n) for n in nodes]:
                continue
            spent = generic["Execution Time"]
            slow = (
                spent > GENERIC_SLOWER * plan["Execution Time"]
                and spent > plan["Execution Time"] + GENERIC_MARGIN_MS
            )
            slow_generic += slow
            print(
                f"      generic plan: {spent:>7.2f} ms (estimated cost {generic['Plan']['Total Cost']:.0f} against "
                f"{plan['Plan']['Total Cost']:.0f})  →  {'; '.join(describe(n) for n in generic_nodes)}"
                + ("  GENERIC PLAN SLOWER" if slow else "")
            )
            out.write(f"(generic plan, as prepared after five runs)\n{generic_text_plan(sql, params)}")
    out.close()
    print(
        f"\nfull plans: {PLANS.relative_to(ROOT)}; sequential scans of large tables: {big_scans}; "
        f"generic plans much slower than the explained one: {slow_generic}"
    )


def table_rows() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


def _run_explain(options: str, sql: str, params: Any) -> list:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        rows = cursor.fetchall()
        transaction.set_rollback(True)  # a write's EXPLAIN ANALYZE really writes: undo it
    return rows


def explained(sql: str, params: Any) -> dict:
    value = _run_explain(_options(sql, params) + ", FORMAT JSON", sql, params)[0][0]
    plan = (json.loads(value) if isinstance(value, str) else value)[0]
    plan.setdefault("Execution Time", 0.0)
    return plan


def text_plan(sql: str, params: Any) -> str:
    return "\n".join(row[0] for row in _run_explain(_options(sql, params), sql, params)) + "\n"


def _options(sql: str, params: Any) -> str:
    """ANALYZE, BUFFERS; without running it when running it again fails (an INSERT of the row the request
    already wrote conflicts with it): then the plan alone."""
    from django.db import DatabaseError

    try:
        _run_explain("ANALYZE, BUFFERS", sql, params)
    except DatabaseError:
        return "COSTS"
    return "ANALYZE, BUFFERS"


def _prepared(sql: str) -> str:
    """Django's SQL with its %s placeholders numbered ($1, $2, …) for PREPARE; a literal %% stays a %."""
    parts = sql.replace("%%", "\x00").split("%s")
    numbered = parts[0] + "".join(f"${index}{part}" for index, part in enumerate(parts[1:], 1))
    return numbered.replace("\x00", "%")


@cache  # opened on first use, one for the run
def _generic_connection():
    """A connection of its own for the generic plans, in autocommit: a PREPARE outlives a rolled-back
    transaction, and Django's connection has psycopg's own prepared statements, which DEALLOCATE ALL would drop."""
    import psycopg
    from django.db import connection

    generic = psycopg.connect(
        **{**connection.get_connection_params(), "prepare_threshold": None}, autocommit=True
    )
    generic.execute("SET plan_cache_mode = force_generic_plan")
    return generic


def _generic_explain(options: str, sql: str, params: Any) -> list | None:
    """EXPLAIN of a read as a prepared statement under a generic plan, or None if it cannot be prepared (a
    placeholder whose type PostgreSQL cannot infer) or is not a read."""
    import psycopg
    from psycopg import ClientCursor

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or " FOR UPDATE" in sql.upper():
        return None
    generic = _generic_connection()
    values = list(params or ())
    execute = "EXECUTE scale_explain_generic" + (f"({', '.join(['%s'] * len(values))})" if values else "")
    try:
        generic.execute(f"PREPARE scale_explain_generic AS {_prepared(sql)}")
    except psycopg.Error:
        return None
    try:
        # The values as literals: EXECUTE's arguments are cast to the types PREPARE inferred.
        literal = ClientCursor(generic).mogrify(execute, values)
        return generic.execute(f"EXPLAIN ({options}) {literal}").fetchall()
    except psycopg.Error:
        return None
    finally:
        generic.execute("DEALLOCATE scale_explain_generic")


def generic_plan(sql: str, params: Any) -> dict | None:
    rows = _generic_explain("ANALYZE, BUFFERS, FORMAT JSON", sql, params)
    if rows is None:
        return None
    value = rows[0][0]
    plan = (json.loads(value) if isinstance(value, str) else value)[0]
    plan.setdefault("Execution Time", 0.0)
    return plan


def generic_text_plan(sql: str, params: Any) -> str:
    return "\n".join(row[0] for row in _generic_explain("ANALYZE, BUFFERS", sql, params) or ()) + "\n"


def _scan(node: dict) -> tuple[str, str, str]:
    return node["Node Type"], node.get("Index Name", ""), node.get("Relation Name", "")


def scan_nodes(node: dict):
    if "Relation Name" in node or "Index Name" in node:
        yield node
    for child in node.get("Plans", []):
        yield from scan_nodes(child)


def describe(node: dict) -> str:
    where = node.get("Relation Name", "")
    index = f" using {node['Index Name']}" if "Index Name" in node else ""
    rows = int(node.get("Actual Rows", 0))
    loops = int(node.get("Actual Loops", 1))
    on = f" on {where}" if where else ""
    return f"{node['Node Type']}{index}{on} ({rows} rows × {loops})"


def first_words(sql: str) -> str:
    """The statement's verb and its main table (the first FROM outside any subquery)."""
    words = " ".join(sql.split())
    verb = words.split()[0]
    quoted = words.split('"')
    if verb in ("UPDATE", "INSERT", "DELETE"):
        return f"{verb} {quoted[1] if len(quoted) > 1 else ''}"[:60]
    depth = 0
    for position, character in enumerate(words):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and words.startswith(' FROM "', position):
            table = words[position + 7 :].split('"')[0]
            return f"{verb} {table}"[:60]
    return verb


if __name__ == "__main__":
    sys.exit("run through bench/scale.py explain")

"""`make bench-scale`: the page figures of `make bench` on a database of a million applications and cases.

`python bench/scale.py run [--cases N] [--shapes S]` runs, one after the other on the same machine:

1. the scale run: a fresh throwaway PostgreSQL seeded with N applications and cases across all municipalities
   (`seed`, below), `make bench`'s own setup and page figures on top (bench/run.py's functions), then
   EXPLAIN (ANALYZE, BUFFERS) of every query the measured pages run (bench/scale_explain.py);
2. the small run: a fresh throwaway PostgreSQL with only what `make bench` sets up, and the same figures;

and prints each ratio's value in both runs and `BENCH <name>_scale_vs_small ...` (target ≥ 0.8), then the
scale run's summary lines. `seed-alone` seeds a fresh cluster and stops (the seeding's time and size only).

`run --keep DIR` puts the scale run's cluster in DIR and leaves it there, with a copy of the database as seeded
(`digisos_seeded`, before any benchmark wrote to it; twice the database's size on disk). `reuse DIR [--only
insights,pages,explain,followup] [--small]` then measures again without seeding: it starts that cluster, makes
the database to measure afresh from the seeded copy, migrates it to today's code, and runs the chosen parts
(the statistics: rebuild, hourly updates, dashboard and JSON against the bare view; the page figures, the
follow-up's among them; EXPLAIN of every measured page's queries, which needs the pages' set-up and so runs
them too; the follow-up's pages alone); `--small` adds the small run and the scale-against-small comparison.

The measured people are part of the population: Sofie (bench/exchange.py) owns seeded Bergen paper cases,
topped up to 50 by the exchange bench's sends; Oslo, the inbox list's municipality, has its share of the
million (about an eighth, by population) on top of the inbox list's own 10,000; Bergen's case system lists and
reports among Bergen's seeded cases. See docs/performance.md.

Seeding (`python bench/scale.py seed N S`, run by `run` with the bench settings) is bulk SQL: S document
shapes are built in Python with the event builders (bench/innsyn.py's `story`, 5–50 events each) and folded
with the same `case_state.state_values` a stored report uses; they are copied (COPY) into a staging table,
and every seeded table is filled by one INSERT ... SELECT over generate_series joined to the shapes. Cases
that share a shape share its document, application sent time, office and vedlegg.json, so each stored
CaseState row equals a fresh fold of its own stored document (`verify` checks a sample after seeding).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench import run as runner  # noqa: E402
from bench.summary import bench_line  # noqa: E402
from tools.pgcluster import ThrowawayPostgres, _free_port  # noqa: E402

SCALE_CASES = int(os.environ.get("DIGISOS_BENCH_SCALE_CASES", "1000000"))
SHAPES = int(os.environ.get("DIGISOS_BENCH_SCALE_SHAPES", "600"))
CITIZENS_PER_CASE = 0.4  # 2.5 cases per person on average
SLOTS = 10000  # municipalities get cases in proportion to their population, to 1/SLOTS
MIN_SCALE_VS_SMALL = 0.8
# Sofie's seeded Bergen cases: the exchange bench sends EXCHANGE_SENDS + 1 more (one warm-up), and the innsyn
# setup tops up to its 50 only if she has fewer; seeded ones are among the million.
SOFIE_CASES = 50 - (runner.EXCHANGE_SENDS + 1)
API_MUNICIPALITIES = ("4601", "5501")  # exchange_demo_setup's case-system municipalities; the rest: inbox
INBOX_AVAILABLE_EVERY = 100  # one inbox delivery in a hundred still waits to be received
LETTER_EVERY = 2  # one case in two has a stored letter (a decision as PDF) in its letters folder
# Documents end at least this long ago: nobody seeded is eligible for kort søknad (a payment in the last 50
# days or planned within 14), so the bench's sends take the standard steps as in the small run; and the innsyn
# setup's new documents for Sofie's cases (from half a year ago) are newer than the seeded ones.
QUIET_DAYS = 200
# Paper cases (registered by a case system, no application nor delivery): one for every PAPER_EVERY
# applications, on top of them, folded from their own shapes (no sent time, no vedlegg.json). Sofie's seeded
# cases are paper cases, as in the small run (the innsyn setup spreads them over the last half year).
PAPER_EVERY = 20
# A seeded case ended months ago; as a case system reports a case it is done with, all but one shape in
# OPEN_EVERY end with a decision on every sak, their dokumentasjonkrav delivered and the application
# FERDIGBEHANDLET. The rest stay in progress, requests and all: the backlog a case system never closed. (Until
# session 19 every seeded case stayed open, so Trondheim's work queues at scale counted 31,000 overdue requests
# and 33,000 cases waiting for a § 11a answer, against the small run's 980 and none: no real municipality's state.)
OPEN_EVERY = 20
MAX_EVENTS = 50
PAPER_SHAPE_SHARE = 10  # one shape in ten is a paper case's
# Concern reports (issue 15), one for every CONCERN_EVERY cases, spread over the demo's child-welfare offices
# (Bergen and Tromsø by case system, Oslo's districts and Trondheim by inbox): sent 40–900 days ago, collected
# and acknowledged the next day, their content deleted by retention (CONCERNS_RETENTION_DAYS) and the rows
# kept: report, delivery, its three files, the states. One in CONCERN_WAITING_EVERY still waits at Tromsø's case
# system, sent in the last two days; Bergen's list, the one measured, holds only the bench's own reports, as in
# the small run (its index range skips the collected ones).
CONCERN_EVERY = 8
CONCERN_WAITING_EVERY = 100
CONCERN_WAITING_AT = "5501"
# What an unset municipality or office reference is stored as: NULL, these columns being foreign keys.
NO_REFERENCE = "NULL"

# Every seeded table: its columns and the SQL expression that fills each from the plan `p` (one row per case,
# see PLAN) and the case's shape `s`. One place to adapt when a column changes.
COLUMNS: dict[str, dict[str, str]] = {
    "accounts_user": {
        "password": "'!'",
        "last_login": "NULL",
        "is_superuser": "false",
        "username": "'scale-citizen-' || u",
        "first_name": "''",
        "last_name": "''",
        "email": "''",
        "is_staff": "false",
        "is_active": "true",
        "date_joined": "now() - interval '3 years'",
        "kind": "'citizen'",
        # Synthetic: a leading 9 is neither a fødselsnummer nor a d-nummer, so no persona's number is taken.
        "pid": "'9' || lpad(u::text, 10, '0')",
        "municipality": NO_REFERENCE,
    },
    "documents_folder_application": {
        "id": "p.folder_id",
        "kind": "'application'",
        "owner_id": "p.owner_id",
        "kommunenummer": "p.kommunenummer",
        "created_at": "s.sent_at - interval '1 day'",
        "expires_at": "NULL",
        "sealed_at": "s.sent_at",
    },
    "documents_folder_letters": {
        "id": "p.letters_id",
        "kind": "'letters'",
        "owner_id": "p.owner_id",
        "kommunenummer": "p.kommunenummer",
        "created_at": "s.sent_at",
        "expires_at": "NULL",
        "sealed_at": "NULL",
    },
    "application_application": {
        "id": "p.application_id",
        "owner_id": "p.owner_id",
        "status": "'ready'",
        "variant": "'standard'",
        "created_at": "s.sent_at - interval '1 day'",
        "updated_at": "s.sent_at",
        "answers": "%(answers)s::jsonb",
        "registers": "'{}'::jsonb",
        "folder_id": "p.folder_id",
        "kommunenummer": "p.kommunenummer",
        "enhetsnummer": "s.enhetsnummer",
        "office_name": "s.office_name",
        "sent_at": "s.sent_at",
        "reference": "'DS-' || upper(substr(md5(p.n::text), 1, 8))",
        "soknad_json": "%(soknad)s::jsonb",
        "vedlegg_json": "s.vedlegg",
        "pdf_id": "NULL",
    },
    "exchange_case": {
        "id": "p.case_id",
        "kommunenummer": "p.kommunenummer",
        "owner_id": "p.owner_id",
        "application_id": "CASE WHEN p.paper THEN NULL ELSE p.application_id END",
        "applicant_name": "''",
        "enhetsnummer": "s.enhetsnummer",
        "created_at": "s.sent_at",
        "updated_at": "s.soker_updated_at",
        "soker": "s.soker",
        "soker_sha256": "s.sha256",
        "soker_latest_event_at": "s.latest_event_at",
        "soker_updated_at": "s.soker_updated_at",
        "letters_id": "p.letters_id",
    },
    # exchange_casestate: case_id plus every CaseState column, straight from the shape (see STATE_COLUMNS).
    "exchange_delivery": {
        "public_id": "gen_random_uuid()",
        "case_id": "p.case_id",
        "kind": "'soknad'",
        "kommunenummer": "p.kommunenummer",
        "channel": "p.channel",
        "nav_ekstern_ref_id": "p.application_id::text",
        "status": "p.delivery_status",
        "attempts": "1",
        "last_error": "''",
        "next_attempt_at": "NULL",
        "created_at": "s.sent_at",
        "available_at": "s.sent_at + interval '1 minute'",
        "collected_at": "CASE WHEN p.delivery_status = 'collected' THEN s.sent_at + interval '2 hours' END",
        "folder_id": "p.folder_id",
        "vedlegg_json": "s.vedlegg",
        "cover_id": "NULL",
    },
    # From the deliveries `d` and the FILES `f`: soknad.json, vedlegg.json and soknad.pdf of each.
    "exchange_deliveredfile": {
        "id": "gen_random_uuid()",
        "delivery_id": "d.id",
        "position": "f.position",
        "role": "f.role",
        "filename": "f.role",
        "content_type": "f.content_type",
        "size": "f.size",
        "storage_name": "'scale/' || d.public_id || '/' || f.position",
        # Retention deletes the encrypted copy a while after collection; the row stays.
        "deleted_at": "d.collected_at + interval '14 days'",
    },
    # A letter's row; the encrypted file is not written (no seeded letter is downloaded).
    "documents_document": {
        "id": "gen_random_uuid()",
        "folder_id": "p.letters_id",
        "uploaded_by_id": "%(case_system)s",
        "original_name": "'vedtak.pdf'",
        "stored_name": "'vedtak.pdf'",
        "original_content_type": "'application/pdf'",
        "original_size": "18000",
        "original_sha256": "md5(p.n::text) || md5(p.case_id::text)",
        "size": "19000",
        "sha512": "repeat(md5(p.n::text), 4)",
        "page_count": "1",
        "storage_name": "'scale/letters/' || p.case_id",
        "key_id": "'scale'",
        "created_at": "s.sent_at + interval '10 days'",
    },
}
FILES = (
    "(VALUES (0, 'soknad.json', 'application/json', 9000), (1, 'vedlegg.json', 'application/json', 900), "
    "(2, 'soknad.pdf', 'application/pdf', 60000)) AS f(position, role, content_type, size)"
)

# The plan: one row per case, with its owner, municipality, shape and the keys of everything it has. (All SQL
# here is built from this module's constants; the values are parameters.)
PLAN = f"""
CREATE UNLOGGED TABLE scale_plan AS
SELECT n, o.id AS owner_id, m.kommunenummer, n < %(paper)s AS paper,
       CASE WHEN n < %(paper)s THEN abs(hashint4(n + 7654321)) %% %(paper_shapes)s
            ELSE %(paper_shapes)s + abs(hashint4(n + 7654321)) %% (%(shapes)s - %(paper_shapes)s) END AS shape,
       gen_random_uuid() AS case_id, gen_random_uuid() AS application_id, gen_random_uuid() AS folder_id,
       gen_random_uuid() AS letters_id,
       CASE WHEN m.kommunenummer IN {API_MUNICIPALITIES!r} THEN 'api' ELSE 'inbox' END AS channel,
       CASE WHEN m.kommunenummer NOT IN {API_MUNICIPALITIES!r} AND n %% {INBOX_AVAILABLE_EVERY} = 0
            THEN 'available' ELSE 'collected' END AS delivery_status
FROM (
    SELECT n,
           CASE WHEN n < %(sofie_cases)s THEN NULL ELSE abs(hashint4(n)) %% %(citizens)s END AS citizen,
           CASE WHEN n < %(sofie_cases)s THEN '4601' END AS sofie_municipality
    FROM generate_series(0, %(cases)s + %(paper)s - 1) AS n
) AS g
LEFT JOIN scale_citizen AS c ON c.u = g.citizen
JOIN accounts_user AS o ON o.id = coalesce(c.id, %(sofie)s)
JOIN scale_slot AS sl ON sl.slot = abs(hashint4(n + 1234567)) %% {SLOTS}
JOIN municipalities_municipality AS m ON m.kommunenummer = coalesce(g.sofie_municipality, sl.kommunenummer)
"""  # noqa: S608


CONCERN_PLAN = f"""
CREATE UNLOGGED TABLE scale_concern AS
SELECT n, gen_random_uuid() AS report_id, o.id AS office_id, o.municipality_id, o.channel,
       CASE WHEN n %% 3 = 0 THEN 'offentlig' ELSE 'privat' END AS kind, u.id AS reporter_id,
       CASE WHEN waiting THEN now() - (abs(hashint4(n + 424242)) %% 2880) * interval '1 minute'
            ELSE now() - interval '40 days' - (abs(hashint4(n + 424242)) %% (860 * 24)) * interval '1 hour'
       END AS sent_at,
       CASE WHEN waiting THEN 'available' ELSE 'collected' END AS status
FROM (SELECT n, n %% {CONCERN_WAITING_EVERY} = 0 AS waiting
      FROM generate_series(0, %(concerns)s - 1) AS n) AS g
JOIN (SELECT id, municipality_id, channel, (row_number() OVER (ORDER BY id) - 1)::int AS k,
             (count(*) OVER ())::int AS offices
      FROM concerns_childwelfareoffice WHERE active) AS o
  ON CASE WHEN g.waiting THEN o.municipality_id = '{CONCERN_WAITING_AT}'
          ELSE o.k = abs(hashint4(n + 99)) %% o.offices END
JOIN accounts_user AS u ON u.username = 'scale-citizen-' || abs(hashint4(n + 31337)) %% %(citizens)s
"""  # noqa: S608
CONCERN_COLUMNS: dict[str, dict[str, str]] = {
    "concerns_concernreport": {
        "id": "c.report_id",
        "kind": "c.kind",
        "status": "'sent'",
        "reporter_id": "c.reporter_id",
        "sender_id": "NULL",
        "municipality_id": "c.municipality_id",
        "office_id": "c.office_id",
        "answers": "'{}'::jsonb",
        # The list reads none of it; a collected report's is deleted by retention, and no waiting one is shown.
        "content": "NULL",
        "created_at": "c.sent_at - interval '10 minutes'",
        "updated_at": "c.sent_at",
        "sent_at": "c.sent_at",
        "acknowledged_at": "CASE WHEN c.status = 'collected' THEN c.sent_at + interval '1 day' END",
        "content_deleted_at": "CASE WHEN c.status = 'collected' THEN c.sent_at + interval '31 days' END",
    },
    "concerns_concerndelivery": {
        "public_id": "gen_random_uuid()",
        "status": "c.status",
        "attempts": "1",
        "last_error": "''",
        "next_attempt_at": "NULL",
        "created_at": "c.sent_at",
        "available_at": "c.sent_at + interval '30 seconds'",
        "collected_at": "CASE WHEN c.status = 'collected' THEN c.sent_at + interval '1 day' END",
        "report_id": "c.report_id",
        "office_id": "c.office_id",
        "channel": "c.channel",
        "failure_message": "''",
        "printed_at": "NULL",
    },
    "concerns_concerndeliveredfile": {
        "public_id": "gen_random_uuid()",
        "delivery_id": "d.id",
        "role": "f.role",
        "filename": "f.filename",
        "content_type": "f.content_type",
        "size": "f.size",
        "storage_name": "'scale/concerns/' || d.public_id || '/' || f.role",
        "key_id": "'scale'",
    },
    "concerns_concernstate": {
        "report_id": "c.report_id",
        "state": "t.state",
        "at": "c.sent_at + t.after",
        "description": "''",
    },
}
CONCERN_FILES = (
    "(VALUES ('json', 'bekymringsmelding.json', 'application/json', 4000), "
    "('pdf', 'bekymringsmelding.pdf', 'application/pdf', 40000), "
    "('asice', 'bekymringsmelding.asice', 'application/vnd.etsi.asic-e+zip', 50000)) "
    "AS f(role, filename, content_type, size)"
)
CONCERN_STATES = (
    "(VALUES ('AKSEPTERT', interval '0 seconds', false), ('SENDT_FAGSYSTEM', interval '30 seconds', false), "
    "('LEVERT', interval '1 day', true)) AS t(state, after, when_collected)"
)


def seed_concerns(cursor, concerns: int) -> None:
    """`concerns` concern reports with their deliveries, files and states (CONCERN_PLAN), by bulk SQL over the
    seeded citizens; the demo's child-welfare offices made first (as the bench's concern part makes them)."""
    from digisos.concerns.services import apply_demo_child_welfare_offices

    apply_demo_child_welfare_offices()
    cursor.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'scale-citizen-%%'")
    citizens = cursor.fetchone()[0]
    cursor.execute(CONCERN_PLAN, {"concerns": concerns, "citizens": citizens})
    plan = "scale_concern AS c"
    cursor.execute(_insert("concerns_concernreport", CONCERN_COLUMNS["concerns_concernreport"], plan))
    cursor.execute(_insert("concerns_concerndelivery", CONCERN_COLUMNS["concerns_concerndelivery"], plan))
    cursor.execute(
        _insert(
            "concerns_concerndeliveredfile",
            CONCERN_COLUMNS["concerns_concerndeliveredfile"],
            f"concerns_concerndelivery AS d JOIN scale_concern AS c ON c.report_id = d.report_id "
            f"CROSS JOIN {CONCERN_FILES}",
        )
    )
    cursor.execute(
        _insert(
            "concerns_concernstate",
            CONCERN_COLUMNS["concerns_concernstate"],
            f"{plan} CROSS JOIN {CONCERN_STATES} WHERE NOT t.when_collected OR c.status = 'collected'",
        )
    )
    cursor.execute("DROP TABLE scale_concern")


def seed_concerns_alone() -> None:
    """The concern reports on a database seeded before they were (a kept cluster's copy, for `reuse`): as many
    as `seed` makes for its applications."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("SELECT count(*) FROM concerns_concernreport")
        if cursor.fetchone()[0]:
            print("concern reports seeded already")
            return
        cursor.execute("SELECT count(*) FROM application_application")
        concerns = max(1, cursor.fetchone()[0] // CONCERN_EVERY)
        seed_concerns(cursor, concerns)
        cursor.execute(
            "ANALYZE concerns_concernreport, concerns_concerndelivery, concerns_concerndeliveredfile, "
            "concerns_concernstate"
        )
    print(f"seeded {concerns} concern reports in {time.perf_counter() - started:.0f} s")


def _insert(table: str, columns: dict[str, str], source: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} FROM {source}"  # noqa: S608


def state_columns() -> list[str]:
    from digisos.exchange.models import CaseState

    # The municipality and the creation are the case's (the plan's and the sent time's), not the shape's.
    return [f.column for f in CaseState._meta.concrete_fields if f.name not in _CASES_OWN]


# CaseState's columns copied from its case, not from the shape's fold.
_CASES_OWN = ("case", "municipality", "case_created_at")


# --- The shapes ------------------------------------------------------------------------------------------


def shapes(count: int, paper: int, now: datetime) -> list[dict]:
    """`count` cases' worth of inputs to the fold and their folded state: document, sent time, office, vedlegg;
    the first `paper` of them paper cases' (folded without the application's sent time and vedlegg.json)."""
    from bench.innsyn import document

    from digisos.exchange import case_state
    from digisos.exchange.services.reporting import document_digest
    from digisos.municipalities.models import NavOffice

    offices = list(NavOffice.objects.filter(active=True).order_by("pk").values_list("pk", "name"))
    vedlegg_variants = [
        {"vedlegg": []},
        {
            "vedlegg": [
                {"type": "husleiekontrakt", "tilleggsinfo": "husleiekontrakt", "status": "VedleggKreves"}
            ]
        },
        {"vedlegg": [{"type": "kontooversikt", "tilleggsinfo": "brukskonto", "status": "LastetOpp"}]},
    ]
    result = []
    for number in range(count):
        rng = random.Random(number)
        told, start = shape_events(number, rng, now)
        soker = document(told)
        sent_at = start - timedelta(hours=rng.uniform(1, 48))
        enhetsnummer, office_name = rng.choice(offices)
        vedlegg = None if number < paper else rng.choice(vedlegg_variants)
        values = case_state.state_values(
            soker,
            sha256=document_digest(soker),
            sent_at=None if number < paper else sent_at,
            office=case_state.office_of(enhetsnummer, None if number < paper else enhetsnummer),
            vedlegg=vedlegg,
        )
        latest = max(datetime.fromisoformat(e["hendelsestidspunkt"]) for e in soker["hendelser"])
        result.append(
            {
                "shape": number,
                "soker": soker,
                "sha256": values["source_sha256"],
                "latest_event_at": _instant(latest),
                "soker_updated_at": latest + timedelta(minutes=1),
                "sent_at": sent_at,
                "enhetsnummer": enhetsnummer,
                "office_name": office_name,
                "vedlegg": vedlegg,
                "state": values,
            }
        )
    return result


def shape_events(number: int, rng: random.Random, now: datetime) -> tuple[list[dict], datetime]:
    """Shape `number`'s events (5–MAX_EVENTS of them, the last at least QUIET_DAYS ago; finished unless the
    shape is one of the open ones, OPEN_EVERY) and when its story starts."""
    from bench.innsyn import story

    events = rng.randint(5, MAX_EVENTS)
    end = now - timedelta(days=QUIET_DAYS + rng.uniform(0, 700))
    start = end - timedelta(days=events * rng.uniform(1, 6))
    told = story(rng, events, start, end, [])
    return (finished(told, rng) if number % OPEN_EVERY else told), start


def finished(events: list[dict], rng: random.Random) -> list[dict]:
    """The story, then what a case system reports when it is done with the case, an hour apart: a decision on
    each sak that has none, each dokumentasjonkrav still asked for delivered (LEVERT_TIDLIGERE), and the
    application FERDIGBEHANDLET. The story is cut first where the whole would pass MAX_EVENTS."""
    from digisos.soker import builders
    from digisos.soker.tidspunkt import parse_tidspunkt

    while True:
        closing = _closing(events, rng)
        if len(events) + len(closing) <= MAX_EVENTS:
            break
        events = events[: MAX_EVENTS - len(closing)]
    last = max(parse_tidspunkt(e["hendelsestidspunkt"]) for e in events)
    return events + [
        {**event, "hendelsestidspunkt": builders.tidspunkt(last + timedelta(hours=hour))}
        for hour, event in enumerate(closing, 1)
    ]


def _closing(events: list[dict], rng: random.Random) -> list[dict]:
    from digisos.soker import builders
    from digisos.soker.constants import EventType, KravStatus, SoknadsStatus, Utfall

    saker = [e["referanse"] for e in events if e["type"] == EventType.SAKS_STATUS]
    decided = {e["saksreferanse"] for e in events if e["type"] == EventType.VEDTAK_FATTET}
    requirements = {
        e["dokumentasjonkravreferanse"]: e for e in events if e["type"] == EventType.DOKUMENTASJONKRAV
    }
    closing = [
        builders.vedtak_fattet(
            saksreferanse=reference,
            vedtaksfil=builders.svarut(str(uuid.UUID(int=rng.getrandbits(128), version=4)), 1),
            utfall=rng.choice([Utfall.INNVILGET, Utfall.DELVIS_INNVILGET, Utfall.AVSLATT]),
        )
        for reference in dict.fromkeys(saker)
        if reference not in decided
    ]
    closing += [
        {**event, "status": KravStatus.LEVERT_TIDLIGERE}
        for event in requirements.values()
        if event["status"] != KravStatus.LEVERT_TIDLIGERE
    ]
    closing.append(builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET))
    return closing


def _instant(moment: datetime) -> str:
    # As services.report_case_events stores soker_latest_event_at.
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}Z"


def copy_shapes(cursor, built: list[dict]) -> None:
    from psycopg.types.json import Jsonb

    from digisos.exchange.models import CaseState

    fields = {f.column: f for f in CaseState._meta.concrete_fields if f.name not in _CASES_OWN}
    types = {name: _sql_type(field) for name, field in fields.items()}
    state = ", ".join(f"{name} {kind}" for name, kind in types.items())
    cursor.execute(
        "CREATE UNLOGGED TABLE scale_shape (shape int PRIMARY KEY, soker jsonb, sha256 text, "
        "latest_event_at text, soker_updated_at timestamptz, sent_at timestamptz, enhetsnummer text, "
        f"office_name text, vedlegg jsonb, {state})"
    )
    names = ["shape", "soker", "sha256", "latest_event_at", "soker_updated_at", "sent_at", "enhetsnummer"]
    names += ["office_name", "vedlegg", *types]
    with cursor.copy(f"COPY scale_shape ({', '.join(names)}) FROM STDIN") as copy:
        for shape in built:
            row = [shape[name] for name in names[:9]]
            row[1], row[8] = Jsonb(row[1]), None if row[8] is None else Jsonb(row[8])
            for name, field in fields.items():
                value = shape["state"][field.attname]
                row.append(Jsonb(value) if types[name] == "jsonb" else value)
            copy.write_row(row)


def _sql_type(field) -> str:
    internal = field.get_internal_type()
    return {
        "JSONField": "jsonb",
        "DateTimeField": "timestamptz",
        "DateField": "date",
        "FloatField": "double precision",
        "PositiveIntegerField": "integer",
    }.get(internal, "text")


# --- Seeding ---------------------------------------------------------------------------------------------


def seed(cases: int, shape_count: int) -> None:
    from bench.application import ANSWERS
    from bench.exchange import sofie
    from django.db import connection
    from django.utils import timezone

    from digisos.accounts.models import User

    started = time.perf_counter()
    steps: list[tuple[str, float]] = []  # each step's label and the clock when it ended

    def step(label: str) -> None:
        steps.append((label, time.perf_counter()))

    paper_shapes = max(1, shape_count // PAPER_SHAPE_SHARE)
    built = shapes(shape_count, paper_shapes, timezone.now())
    step(f"{shape_count} shapes built and folded")
    case_system, _ = User.objects.get_or_create(
        username="scale-case-system", defaults={"kind": User.Kind.SYSTEM}
    )
    citizens = max(1, int(cases * CITIZENS_PER_CASE))
    paper = max(SOFIE_CASES, cases // PAPER_EVERY)
    parameters = {
        "cases": cases,
        "paper": paper,
        "paper_shapes": paper_shapes,
        "shapes": shape_count,
        "citizens": citizens,
        "sofie": sofie().pk,
        "sofie_cases": SOFIE_CASES,
        "case_system": case_system.pk,
        "answers": json.dumps(ANSWERS),
        "soknad": json.dumps(_soknad_json()),
    }
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        cursor.execute("SET maintenance_work_mem = '256MB'")
        # The rows are consistent by construction (every key made in the plan): skip the per-row foreign-key
        # triggers while loading, as pg_restore does. The constraints stay and hold for every later write.
        cursor.execute("SET session_replication_role = replica")
        copy_shapes(cursor, built)
        cursor.execute(
            "CREATE UNLOGGED TABLE scale_slot AS "  # noqa: S608
            "SELECT slot, kommunenummer FROM ("
            "  SELECT kommunenummer, "
            f"   floor({SLOTS} * (sum(w) OVER (ORDER BY kommunenummer) - w) / sum(w) OVER ())::int AS lo, "
            f"   floor({SLOTS} * sum(w) OVER (ORDER BY kommunenummer) / sum(w) OVER ())::int AS hi "
            "  FROM (SELECT kommunenummer, greatest(coalesce(population, 0), 1000)::float AS w "
            "        FROM municipalities_municipality WHERE active) AS weights"
            ") AS ranges, generate_series(lo, hi - 1) AS slot"
        )
        cursor.execute(
            "WITH made AS ("  # noqa: S608
            + _insert("accounts_user", COLUMNS["accounts_user"], "generate_series(0, %(citizens)s - 1) AS u")
            + " RETURNING id, username) "
            "SELECT split_part(username, '-', 3)::int AS u, id INTO UNLOGGED scale_citizen FROM made",
            parameters,
        )
        cursor.execute("ALTER TABLE scale_citizen ADD PRIMARY KEY (u)")
        step(f"{citizens} citizens")
        cursor.execute(PLAN, parameters)
        cursor.execute("ALTER TABLE scale_plan ADD PRIMARY KEY (n)")
        step("plan")
        with_shape = "scale_plan AS p JOIN scale_shape AS s USING (shape)"
        digital = f"{with_shape} WHERE NOT p.paper"
        for table, key, source in (
            ("documents_folder", "documents_folder_application", digital),
            ("documents_folder", "documents_folder_letters", with_shape),
            ("application_application", "application_application", digital),
            ("exchange_case", "exchange_case", with_shape),
        ):
            cursor.execute(_insert(table, COLUMNS[key], source), parameters)
            step(table)
        state = {
            "case_id": "p.case_id",
            "kommunenummer": "p.kommunenummer",
            "case_created_at": COLUMNS["exchange_case"]["created_at"],
            **{name: f"s.{name}" for name in state_columns()},
        }
        cursor.execute(_insert("exchange_casestate", state, with_shape), parameters)
        step("exchange_casestate")
        cursor.execute(_insert("exchange_delivery", COLUMNS["exchange_delivery"], digital), parameters)
        step("exchange_delivery")
        files = f"exchange_delivery AS d CROSS JOIN {FILES}"
        cursor.execute(
            _insert("exchange_deliveredfile", COLUMNS["exchange_deliveredfile"], files), parameters
        )
        step("exchange_deliveredfile")
        letters = f"{with_shape} WHERE p.n %% {LETTER_EVERY} = 0"
        cursor.execute(_insert("documents_document", COLUMNS["documents_document"], letters), parameters)
        step("documents_document")
        seed_concerns(cursor, max(1, cases // CONCERN_EVERY))
        step(f"{max(1, cases // CONCERN_EVERY)} concern reports")
        cursor.execute("RESET session_replication_role")
        for table in ("scale_plan", "scale_shape", "scale_slot", "scale_citizen"):
            cursor.execute(f"DROP TABLE {table}")
    # As autovacuum would soon after such a load: statistics for the planner and the visibility map for
    # index-only scans. Outside a transaction.
    connection.ensure_connection()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = True
    try:
        raw.execute("VACUUM (ANALYZE)")
    finally:
        raw.autocommit = autocommit
    step("VACUUM (ANALYZE)")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    previous = started
    for label, ended in steps:
        print(f"  {label:<40} {ended - previous:>7.1f} s")
        previous = ended
    print(
        f"seeded {cases} applications with their cases and deliveries, and {paper} paper cases "
        f"({shape_count} document shapes, {paper_shapes} of them paper cases') in {seconds:.0f} s"
    )
    print(f"database size {size / 2**20:.0f} MiB")
    print(bench_line("scale_seed_seconds", seconds, "s", "<", 1200))
    print(bench_line("scale_database_size", size / 2**20, "MiB", ">", 0))
    verify(200)


def _soknad_json() -> dict:
    """A soknad.json of a typical size for every seeded application (the pages measured do not read it)."""
    return {
        "version": "1.0.0",
        "soknad": {
            "data": {
                "personalia": {"navn": {"fornavn": "Ola", "etternavn": "Nordmann"}},
                "begrunnelse": {"hvaSokesOm": "Penger til mat og husleie", "hvorforSoke": "Mistet jobben"},
                "okonomi": {"utgifter": [{"type": "husleie", "belop": 9000}] * 6},
            }
        },
    }


def verify(sample: int) -> None:
    """A sample of seeded cases: each stored CaseState equals a fresh fold of the case's stored document."""
    from digisos.exchange.models import Case, CaseState
    from digisos.exchange.services import reporting as services

    fields = [f.name for f in CaseState._meta.concrete_fields if f.name != "case"]
    found = Case.objects.select_related("application", "state").order_by("?")
    cases = [
        *found.filter(application__isnull=True)[: sample // 2],
        *found.filter(application__isnull=False)[: sample // 2],
    ]
    differing = 0
    for case in cases:
        fresh = services._reloaded(CaseState(case_id=case.pk, **services.case_state_values(case)))
        if services._state_columns(fresh, fields) != services._state_columns(case.state, fields):
            differing += 1
    print(f"verified: {len(cases) - differing} of {len(cases)} sampled CaseState rows equal a fresh fold")
    if differing:
        raise SystemExit("seeded CaseState rows differ from a fresh fold of their documents")


# --- The runs --------------------------------------------------------------------------------------------


def prepare(env: dict[str, str]) -> None:
    for command in (["migrate", "--noinput", "-v0"], ["load_municipalities"], ["load_demo_service_flags"]):
        started = time.perf_counter()
        subprocess.run(
            [runner.PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        # On a reused million, a merged branch's migrations (an index, a filled column) take their real time.
        print(f"{command[0]}: {time.perf_counter() - started:.1f} s", flush=True)


FAILED: list[int] = []  # each locust step's failed requests, both runs
# What a run measures: the statistics (full rebuild, hourly updates, dashboard and API against the bare view),
# the page figures of make bench, and EXPLAIN of every query those pages run (which needs the pages' set-up).
# "pages" and "explain" include the follow-up's and the concern reports'.
PARTS = ("insights", "pages", "explain", "followup", "concerns")
# A kept cluster's copy of the database as seeded, before any benchmark wrote to it: `reuse` measures on a
# fresh copy of it each time, so every re-measurement starts from the same million.
SEEDED = "digisos_seeded"


def page_figures(
    label: str,
    cases: int,
    shape_count: int,
    *,
    keep: Path | None = None,
    reuse: bool = False,
    parts: tuple[str, ...] = PARTS,
) -> list[str]:
    """One run on a fresh database (seeded with `cases` when not 0; or, `reuse`, a fresh copy of the seeded
    database in the kept cluster at `keep`): the baselines and the chosen parts' figures, as make bench
    measures them. Returns the run's BENCH lines."""
    runner.SUMMARY.clear()
    cluster = ThrowawayPostgres(dbname="digisos_bench", directory=keep).start()
    port = _free_port()
    workdir = tempfile.TemporaryDirectory()
    server = None
    clamd = None
    work = Path(workdir.name)
    try:
        if reuse:
            copy_seeded(cluster)
        else:
            cluster.create_database()
        runner.ssd_planner_costs(cluster)
        clamd, document_env = runner.start_clamd_and_key(workdir.name)
        env = {**runner.production_env(cluster.url), **document_env}
        seeded = reuse or bool(cases)
        print(f"\n===== {label} =====", flush=True)
        prepare(env)
        if cases and not reuse:
            runner.run_step(
                [runner.PY, str(ROOT / "bench" / "scale.py"), "seed", str(cases), str(shape_count)], env
            )
            if keep is not None:
                snapshot_seeded(cluster)
        all_pages = "pages" in parts or "explain" in parts
        if reuse and (all_pages or "concerns" in parts):
            # A million kept before the concern reports were seeded gets them on its copy (some 30 s).
            runner.run_step([runner.PY, str(ROOT / "bench" / "scale.py"), "seed-concerns"], env)
        if reuse:
            print(f"(re-measured on a fresh copy of the seeded database kept at {keep})")
            runner.run_step([runner.PY, str(ROOT / "bench" / "scale.py"), "size"], env)
        if "insights" in parts or "explain" in parts or not seeded:
            # The statistics: a full rebuild and an hourly update timed on the seeded cases (bench/insights.py;
            # the explain needs their published figures too); without cases, synthetic published figures.
            runner.run_step(
                [runner.PY, str(ROOT / "bench" / "insights.py"), "timings" if seeded else "prepare"], env
            )
        subprocess.run(
            [runner.PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        server = runner.start_gunicorn(env, port)
        host = f"http://127.0.0.1:{port}"
        runner.wait_until_up(f"{host}/internal/isready")
        runner.public_bench(host)
        if "insights" in parts:
            runner.insights_bench(host)
        if all_pages or "followup" in parts:
            sessions = work / "sessions.json"
            bench_py = [runner.PY, str(ROOT / "bench" / "application.py")]
            subprocess.run(
                [*bench_py, "sessions", str(runner.USERS), str(sessions)], cwd=ROOT, env=env, check=True
            )
            if all_pages:
                FAILED.append(runner.steps_bench(host, work, sessions))
            runner.stop(server)
            server = None
            if all_pages:
                FAILED.append(runner.exchange_bench(env, port, work))
                FAILED.append(runner.logged_in_bench(env, port, work, sessions))
            # The follow-up's pages (issue 13): Trondheim's work queues hold its seeded share of the million
            # (about 4 %; the cases still open) beside the bench's own 10,000 cases; the person overview reads
            # one person's 200.
            FAILED.append(runner.followup_bench(env, port, work, sessions))
        if all_pages or "concerns" in parts:
            # Bergen's child-welfare list against its application list (issue 15), among the seeded reports;
            # on its own server with the db_worker (as make bench's concern part).
            runner.stop(server)
            server = None
            FAILED.append(runner.concerns_bench(env, port, work))
        if seeded and "explain" in parts:
            # The person overview's person is synthetic (as in the follow-up part's own server).
            local_env = {**env, "DIGISOS_ALLOWED_HOSTS": "testserver", "DIGISOS_ALLOW_SYNTHETIC_IDS": "true"}
            explain_arguments = [
                str(work / name)
                for name in (
                    "sessions.json",
                    "exchange.json",
                    "innsyn.json",
                    "inbox_list.json",
                    "followup.json",
                    "concerns.json",
                )
            ]
            runner.run_step(
                [runner.PY, str(ROOT / "bench" / "scale.py"), "explain", *explain_arguments], local_env
            )
        return list(runner.SUMMARY)
    finally:
        runner.stop(server)
        if clamd is not None:
            clamd.terminate()
            clamd.wait(timeout=10)
        workdir.cleanup()
        cluster.stop()


def _server_connection(cluster: ThrowawayPostgres):
    import psycopg

    return psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres", autocommit=True
    )


def snapshot_seeded(cluster: ThrowawayPostgres) -> None:
    """The seeded database copied, as it is before any benchmark writes to it, to `SEEDED` in the kept cluster
    (a file copy: a minute or two for a million cases, and as much disk again)."""
    started = time.perf_counter()
    with _server_connection(cluster) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SEEDED}"')
        connection.execute(f'CREATE DATABASE "{SEEDED}" TEMPLATE "{cluster.dbname}" STRATEGY FILE_COPY')
    print(f"kept the seeded database as {SEEDED} ({time.perf_counter() - started:.0f} s)", flush=True)


def copy_seeded(cluster: ThrowawayPostgres) -> None:
    """The kept cluster's database to measure, made again from the seeded copy."""
    started = time.perf_counter()
    with _server_connection(cluster) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (SEEDED,)).fetchone()
        if not found:
            raise SystemExit(f"{cluster.tmpdir} has no seeded database {SEEDED}: seed it with `run --keep`")
        connection.execute(f'DROP DATABASE IF EXISTS "{cluster.dbname}"')
        connection.execute(f'CREATE DATABASE "{cluster.dbname}" TEMPLATE "{SEEDED}" STRATEGY FILE_COPY')
    print(f"copied {SEEDED} to {cluster.dbname} ({time.perf_counter() - started:.0f} s)", flush=True)


def database_size() -> None:
    """The size of the database measured on, and its cases (after migrate, on a reused seeded copy)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), (SELECT count(*) FROM exchange_case)")
        size, cases = cursor.fetchone()
    print(f"database size {size / 2**20:.0f} MiB, {cases} cases")
    print(bench_line("scale_database_size", size / 2**20, "MiB", ">", 0))


def seed_alone(cases: int, shape_count: int) -> int:
    """Only the seeding, on a fresh database (to try the seeding's time and size without the page runs)."""
    cluster = ThrowawayPostgres(dbname="digisos_bench").start().create_database()
    try:
        env = runner.production_env(cluster.url)
        prepare(env)
        runner.run_step(
            [runner.PY, str(ROOT / "bench" / "scale.py"), "seed", str(cases), str(shape_count)], env
        )
    finally:
        cluster.stop()
    return 0


def values_of(lines: list[str]) -> dict[str, float]:
    return {line.split()[1]: float(line.split()[2]) for line in lines}


def compare(small: list[str], scale: list[str]) -> list[str]:
    """Each ratio's scale value against its small value, 1 meaning the same; a p95 ratio (lower is better) is
    turned so that below 1 is worse there too."""
    small_values, scale_values = values_of(small), values_of(scale)
    lines = []
    for name, small_value in small_values.items():
        if not name.endswith("_ratio") or name not in scale_values:
            continue
        scale_value = scale_values[name]
        if name.endswith("_p95_ratio"):
            relative = runner.ratio(small_value, scale_value)
        else:
            relative = runner.ratio(scale_value, small_value)
        print(f"{name:<45} small {small_value:>6.2f}  scale {scale_value:>6.2f}")
        lines.append(bench_line(f"{name}_scale_vs_small", relative, "ratio", ">=", MIN_SCALE_VS_SMALL))
    return lines


def run(cases: int, shape_count: int, keep: Path | None = None) -> int:
    # The scale run first: if the seeding fails, it fails before half an hour of small figures.
    scale = page_figures(f"scale database ({cases} applications and cases)", cases, shape_count, keep=keep)
    small = page_figures("small database (as make bench)", 0, shape_count)
    return report(small, scale)


def reuse(directory: Path, parts: tuple[str, ...], with_small: bool) -> int:
    """The chosen parts again on the seeded database kept by `run --keep` (a fresh copy of it, migrated to
    today's code), without seeding again; with the small run too when its comparison is wanted."""
    scale = page_figures(
        f"scale database kept at {directory} ({', '.join(parts)})",
        0,
        0,
        keep=directory,
        reuse=True,
        parts=parts,
    )
    if not with_small:
        print(f"\n== Summary: the scale run's figures ({', '.join(parts)}) ==")
        for line in scale:
            print(line)
        return 1 if any(FAILED) else 0
    small = page_figures("small database (as make bench)", 0, 0, parts=parts)
    return report(small, scale)


def report(small: list[str], scale: list[str]) -> int:
    print("\n== Scale against small: each ratio's value in both runs ==")
    comparison = compare(small, scale)
    missed = sum(1 for line in comparison + scale if line.endswith(" MISS"))
    print(
        f"\n== Summary: each ratio at scale against small, then the scale run's figures; {missed} missed =="
    )
    for line in comparison + scale:
        print(line)
    if any(FAILED):
        print(f"\nFAILED: {sum(FAILED)} requests failed (see locust's output above)", file=sys.stderr)
    return 1 if any(FAILED) else 0


def _parts(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(PARTS)}")
    return chosen


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser("run")
    run_command.add_argument("--cases", type=int, default=SCALE_CASES)
    run_command.add_argument("--shapes", type=int, default=SHAPES)
    run_command.add_argument(
        "--keep", type=Path, help="keep the scale run's PostgreSQL cluster here, for `reuse` (13+13 GB)"
    )
    reuse_command = commands.add_parser("reuse")
    reuse_command.add_argument("directory", type=Path, help="a cluster kept by `run --keep`")
    reuse_command.add_argument("--only", type=_parts, default=PARTS, help=f"among {','.join(PARTS)}")
    reuse_command.add_argument("--small", action="store_true", help="and the small run, to compare")
    for name in ("seed-alone",):
        alone = commands.add_parser(name)
        alone.add_argument("--cases", type=int, default=SCALE_CASES)
        alone.add_argument("--shapes", type=int, default=SHAPES)
    seed_command = commands.add_parser("seed")
    seed_command.add_argument("cases", type=int)
    seed_command.add_argument("shapes", type=int)
    explain_command = commands.add_parser("explain")
    explain_command.add_argument("files", nargs=6)
    commands.add_parser("size")
    commands.add_parser("seed-concerns")
    arguments = parser.parse_args()
    if arguments.command == "run":
        sys.exit(run(arguments.cases, arguments.shapes, arguments.keep))
    if arguments.command == "reuse":
        sys.exit(reuse(arguments.directory, arguments.only, arguments.small))
    if arguments.command == "seed-alone":
        sys.exit(seed_alone(arguments.cases, arguments.shapes))
    import django

    django.setup()
    if arguments.command == "seed":
        seed(arguments.cases, arguments.shapes)
    elif arguments.command == "size":
        database_size()
    elif arguments.command == "seed-concerns":
        seed_concerns_alone()
    else:
        from bench.scale_explain import explain

        explain(*(Path(name) for name in arguments.files))

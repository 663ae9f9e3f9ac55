"""The exchange API's cost per request, independent of load: `python bench/profile_exchange.py [N] [--profile]`.

Sets up what bench/exchange.py leaves for the exchange bench (Bergen's demo case system, its access token,
collectable deliveries with files, cases to report on) in a throwaway PostgreSQL with the bench settings, then
calls the trivial authenticated call (bench_urls.py's ping), the delivery list and an event post N times each
through Django's test client, in-process. Prints ms and queries per request and, with --profile, each call's
cProfile top list. A ratio of these costs is what `make bench`'s throughput ratio approaches when the server
is the bottleneck; no test times anything.
"""

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.run import production_env  # noqa: E402
from tools.pgcluster import ThrowawayPostgres  # noqa: E402

DELIVERIES = 21  # bench/exchange.py sends 20 (+1 warm-up), each collectable with its files
FILES_PER_DELIVERY = 4
KOMMUNENUMMER = "4601"


def set_up(var: Path) -> dict:
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_municipalities", verbosity=0)
    call_command("exchange_demo_setup", stdout=io.StringIO())
    from bench.exchange import CLIENT_ID, SOFIE, persona_pid
    from django.test import override_settings

    from digisos.documents.models import Folder
    from digisos.exchange.models import ApiClient, DeliveredFile, Delivery
    from digisos.exchange.services.delivery import create_paper_case
    from digisos.exchange.tokens import GRANT_TYPE, issue_access_token
    from digisos_simulator.simulator import FagsystemClient

    client = ApiClient.objects.get(client_id=CLIENT_ID)
    signer = FagsystemClient(
        base_url="http://testserver",
        client_id=CLIENT_ID,
        client_key_pem=(var / "fagsystem" / KOMMUNENUMMER / "klient.pem").read_bytes(),
    )
    access, _, _ = issue_access_token(grant_type=GRANT_TYPE, assertion=signer.assertion())
    with override_settings(ALLOW_SYNTHETIC_IDENTITY_NUMBERS=True):
        cases = [
            create_paper_case(
                actor_id=client.user.pk, kommunenummer=KOMMUNENUMMER, fodselsnummer=persona_pid(SOFIE)
            )
            for _ in range(DELIVERIES + 1)
        ]
    now = datetime.now(UTC)
    for index, case in enumerate(cases[:DELIVERIES]):
        folder = Folder.objects.create(kind=Folder.Kind.APPLICATION, owner=case.owner)
        delivery = Delivery.objects.create(
            case=case,
            kind=Delivery.Kind.SOKNAD,
            municipality_id=KOMMUNENUMMER,
            channel="api",
            nav_ekstern_ref_id=str(uuid.uuid4()),
            status=Delivery.Status.AVAILABLE,
            available_at=now - timedelta(minutes=DELIVERIES - index),
            folder=folder,
            vedlegg_json={"vedlegg": []},
        )
        for position, role in enumerate(["soknad.json", "vedlegg.json", "soknad.pdf", "vedlegg"]):
            DeliveredFile.objects.create(
                delivery=delivery,
                position=position,
                role=role,
                filename=f"{role}.p7m",
                content_type="application/pdf",
                size=12345,
                storage_name=f"profile/{delivery.pk}/{position}",
            )
    return {"token": access, "case": str(cases[-1].id)}


def _story(today) -> list[dict]:
    """bench/locustfile.py's `_events` (importing the locustfile would monkey-patch this process with gevent)."""
    from digisos.soker import builders
    from digisos.soker.constants import SoknadsStatus, UtbetalingStatus
    from digisos_simulator.simulator import condition, framework_decision, planned_payment

    payment = planned_payment(today)
    paid = builders.utbetaling(
        payment["utbetalingsreferanse"], status=UtbetalingStatus.UTBETALT, utbetalingsdato=today
    )
    return [
        builders.soknads_status(SoknadsStatus.MOTTATT),
        builders.tildelt_nav_kontor("1201"),
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING),
        builders.saks_status("sak-1", tittel="Livsopphold"),
        framework_decision(today),
        payment,
        condition(),
        {**payment, **paid},
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET),
    ]


def events_document(count: int, clock: datetime) -> dict:
    """The locust ExchangeEvents story (bench/locustfile.py): 1–9 events, one second apart."""
    story = _story(clock.date())
    events = []
    for index in range(count):
        stamp = (clock + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        events.append({**story[index], "hendelsestidspunkt": stamp})
    return {
        "version": "1.0.0",
        "avsender": {"systemnavn": "bench", "systemversjon": "1"},
        "hendelser": events,
    }


def measure(label: str, call, rounds: int, profile: bool) -> float:
    from django.db import connection

    call()  # warm-up: first-use imports and caches
    queries = []  # Django's own query log is reset at each request's start
    in_database = [0.0]

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database[0] += time.perf_counter() - started

    with connection.execute_wrapper(count):
        call()
    # Python function calls per request: the one figure here the machine's load does not move.
    counter = cProfile.Profile()
    counter.enable()
    call()
    counter.disable()
    calls = pstats.Stats(counter).total_calls
    if "--sql" in sys.argv:
        print("\n".join(queries))
    backend = _backend(connection)
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        for _ in range(rounds):
            call()
    ms = (time.perf_counter() - started) * 1000 / rounds
    # This process's CPU alone: steadier than the wall clock on a shared machine (the database's is not in it).
    cpu_ms = (time.process_time() - cpu) * 1000 / rounds
    db = in_database[0] * 1000 / rounds
    db_cpu_ms, wal_bytes = (
        after - before for after, before in zip(_backend(connection), backend, strict=True)
    )
    print(
        f"{label:<40} {ms:7.2f} ms/request ({cpu_ms:5.2f} ms CPU here) {calls:6d} Python calls "
        f"{len(queries):2d} queries {db:6.2f} ms waiting on them"
    )
    # PostgreSQL's share, which the throughput figure pays on the same two cores: its backend's CPU (parse,
    # plan, execute, commit; not the WAL writer's or autovacuum's) and the WAL it wrote, per request.
    print(f"{'':<40} {db_cpu_ms / rounds:7.2f} ms CPU in PostgreSQL {wal_bytes / rounds:8.0f} bytes of WAL")
    if profile:
        # CPU, not the wall clock: under load the wall clock charges the waits on other processes to whatever
        # function was running (session 14 saw a millisecond per post charged to psycopg's send).
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(rounds):
            call()
        profiler.disable()
        dump = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--dump=")), None)
        if dump:  # for pstats afterwards: python -m pstats FILE
            profiler.dump_stats(f"{dump}-{label.split()[1].strip('/').replace('/', '-')}.prof")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
    return cpu_ms


def _backend(connection) -> tuple[float, int]:
    """This connection's PostgreSQL backend: its CPU so far in ms (from /proc: the throwaway cluster runs on
    this machine) and the WAL insert position in bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
        pid, wal = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime: fields 14 and 15 of stat(5), here 12 and 13 after the name.
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK"), int(wal)


def main(arguments: list[str]) -> None:
    rounds = int(next((a for a in arguments if a.isdigit()), "300"))
    profile = "--profile" in arguments
    postgres = ThrowawayPostgres("digisos_profile").start().create_database()
    var = Path(tempfile.mkdtemp(prefix="digisos-profile-"))
    try:
        os.environ.update(production_env(postgres.url))
        os.environ.update(DIGISOS_VAR_DIR=str(var), DIGISOS_EXCHANGE_ACCESS_TOKEN_SECONDS="3600")  # noqa: S106 (a lifetime)
        import django

        django.setup()
        from django.test import Client

        setup = set_up(var)
        http = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {setup['token']}")
        clock = [datetime(2026, 11, 23, 10, 0, tzinfo=UTC)]
        posted = [0]

        def ping():
            assert http.get("/bench/exchange/v1/ping").status_code == 200

        def listing():
            response = http.get("/api/exchange/v1/leveranser")
            assert response.status_code == 200, response.content

        def post():
            # As the locust users post: one event longer each time, then a new story.
            posted[0] += 1
            count = (posted[0] - 1) % 9 + 1
            if count == 1:
                clock[0] += timedelta(minutes=1)
            response = http.post(
                f"/api/exchange/v1/saker/{setup['case']}/digisos-soker",
                events_document(count, clock[0]),
                content_type="application/json",
            )
            assert response.status_code == 200, response.content

        print(f"{rounds} calls each, in-process (Django test client), bench settings, PostgreSQL")
        base = measure("GET /bench/exchange/v1/ping (baseline)", ping, rounds, profile)
        for label, call in (("GET /leveranser (21 deliveries)", listing), ("POST /digisos-soker", post)):
            ms = measure(label, call, rounds, profile)
            print(f"{'':<40} {base / ms:7.2f} of the baseline's CPU cost here (ratio)")
    finally:
        postgres.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

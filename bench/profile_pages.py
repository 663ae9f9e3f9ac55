"""Cost per request of the logged-in pages, independent of load: what `make bench`'s ratios come from.

Under load, each page's throughput against the trivial logged-in page's is about the inverse of its cost per
request (Django's and PostgreSQL's CPU) against the trivial page's. This measures that cost directly, one
request at a time in one process, on the data the bench uses (bench/innsyn.py, bench/inbox_list.py):

    .venv/bin/python bench/profile_pages.py serve ENV_FILE [--followup]   # PostgreSQL with the bench data
    .venv/bin/python bench/profile_pages.py measure ENV_FILE [N] [--profile PAGE]

`serve` starts a throwaway PostgreSQL (and the ClamAV and document key the letters need), loads the bench's
data, writes the settings' environment to ENV_FILE and waits until interrupted (Ctrl-C), so that `measure`
can be run again after each change. `measure` loops Django's test client over the trivial logged-in page and
each page (N requests each, after a warm-up), printing wall and CPU ms per request and queries per request;
with `--profile PAGE` (logged_in, case, mine, inbox, step_get, step_post) it prints cProfile's top functions for that page (the
environment's TOP=N lines of the cumulative list, 45 unless set; DUMP=FILE also writes the whole profile there,
for pstats' callers and callees), and
with `--queries PAGE` each query of one request with its time (the best of five), slowest first.
`serve --followup` loads follow-up's data instead (bench/followup.py: the person overview's person with 200
cases, the work queues' 10,000 cases; with `--with-pages` on top of the other pages' data, as the full `make
bench` has it when follow-up runs), and `measure` then measures the pages followup_overview (a POST),
followup_queues and followup_queue (one queue's page) against the trivial page. Without it the pages are the innsyn case page, Mine søknader, the
inbox list and the application's steps (step_get: the "behov" step's page; step_post: "behov" posted and
saved, answered with a redirect, as bench/locustfile.py's ApplicationSteps does; the test client does not
check CSRF).
"""

import cProfile
import gc
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PY = str(ROOT / ".venv" / "bin" / "python")
STEP_POST = {"hva": "Penger til mat", "hvorfor": "", "nodhjelp": "mat"}  # as bench/locustfile.py posts
CASE_PAGE_CASES = 2  # the page costs the same whichever of the identical 500-event cases it shows
INBOX_LIST_CASES = 10000
FORM_ENCODED = "application/x-www-form-urlencoded"


def serve(env_file: Path, followup: bool = False, with_pages: bool = False) -> None:
    from bench.run import production_env, ssd_planner_costs, start_clamd_and_key
    from tools.pgcluster import ThrowawayPostgres

    cluster = ThrowawayPostgres(dbname="digisos_profile").start().create_database()
    ssd_planner_costs(cluster)
    workdir = tempfile.TemporaryDirectory()
    clamd, document_env = start_clamd_and_key(workdir.name)
    env = {**production_env(cluster.url), **document_env, "DIGISOS_ALLOWED_HOSTS": "testserver"}
    try:
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["load_municipalities"],
            ["load_demo_service_flags"],
        ):
            subprocess.run(
                [PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        if followup and not with_pages:
            serve_followup(env, env_file, Path(workdir.name))
            wait_for_signal(env_file)
            return
        innsyn, inbox = serve_pages_data(env, Path(workdir.name))
        if followup:
            serve_followup(env, env_file, Path(workdir.name))
            wait_for_signal(env_file)
            return
        sessions = Path(workdir.name) / "sessions.json"
        subprocess.run(
            [PY, str(ROOT / "bench" / "application.py"), "sessions", "1", str(sessions)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup = {
            "innsyn": json.loads(innsyn.read_text()),
            "inbox": json.loads(inbox.read_text()),
            "sessions": json.loads(sessions.read_text()),
        }
        env_file.write_text(json.dumps({"env": env, "setup": setup}))
        wait_for_signal(env_file)
    finally:
        clamd.terminate()
        clamd.wait(timeout=10)
        workdir.cleanup()
        cluster.stop()


def serve_pages_data(env: dict[str, str], workdir: Path) -> tuple[Path, Path]:
    """The pages' data (the exchange's demo setup, the innsyn pages' cases, the inbox list's 10,000 cases)."""
    from bench.run import exchange_setup_only

    exchange_setup_only(env, workdir)
    innsyn, inbox = workdir / "innsyn.json", workdir / "inbox_list.json"
    subprocess.run(
        [PY, str(ROOT / "bench" / "innsyn.py"), "setup", str(CASE_PAGE_CASES), str(innsyn)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        [PY, str(ROOT / "bench" / "inbox_list.py"), "setup", str(INBOX_LIST_CASES), "1", str(inbox)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return innsyn, inbox


def serve_followup(env: dict[str, str], env_file: Path, workdir: Path) -> None:
    followup, sessions = workdir / "followup.json", workdir / "sessions.json"
    for arguments in (  # the sessions first, as bench/run.py has it: the citizen is the overview's person
        [str(ROOT / "bench" / "application.py"), "sessions", "1", str(sessions)],
        [str(ROOT / "bench" / "followup.py"), "setup", "10000", "1", str(followup)],
    ):
        subprocess.run([PY, *arguments], cwd=ROOT, env=env, check=True)
    env = {**env, "DIGISOS_ALLOW_SYNTHETIC_IDS": "true"}
    setup = {"followup": json.loads(followup.read_text()), "sessions": json.loads(sessions.read_text())}
    env_file.write_text(json.dumps({"env": env, "setup": setup}))


def wait_for_signal(env_file: Path) -> None:
    print(f"ready: {env_file}; Ctrl-C (or SIGTERM) to stop", file=sys.stderr)
    stopped = False

    def stop(*_: object) -> None:
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopped:
        time.sleep(0.5)


def _pages(setup: dict) -> dict[str, tuple[str, str, str, dict | None]]:
    """Each page: (url, session cookie's name, session, POST data or None for a GET)."""
    if "followup" in setup:
        followup = setup["followup"]
        session = followup["sessions"][0]
        post = {"fnr": followup["pid"], "purpose": "casework"}
        return {
            "logged_in": ("/bench/logged-in", followup["cookie"], setup["sessions"][0]["session"], None),
            "followup_overview": ("/oppfolging/", followup["cookie"], session, post),
            "followup_queues": ("/oppfolging/arbeidskoer/", followup["cookie"], session, None),
            "followup_queue": ("/oppfolging/arbeidskoer/passert-frist/", followup["cookie"], session, None),
        }
    cookie = setup["innsyn"]["cookie"]
    draft = setup["sessions"][0]
    step = f"/soknad/{draft['application']}/steg/"
    return {
        "logged_in": ("/bench/logged-in", cookie, setup["sessions"][0]["session"], None),
        "case": (
            f"/innsyn/{setup['innsyn']['case_page'][0]['case']}/",
            cookie,
            setup["innsyn"]["case_page"][0]["session"],
            None,
        ),
        "mine": ("/innsyn/", cookie, setup["innsyn"]["mine"][0]["session"], None),
        "inbox": ("/innboks/", cookie, setup["inbox"]["sessions"][0], None),
        # The steps as bench/locustfile.py's ApplicationSteps requests them: a step page, and "behov" posted
        # (answered with a redirect to the next step; the draft is saved on every POST).
        "step_get": (f"{step}behov/", cookie, draft["session"], None),
        "step_post": (f"{step}behov/", cookie, draft["session"], STEP_POST),
    }


def print_queries(name: str, get, connection) -> None:
    """Each query of one request of the page, with its time (the best of five requests), slowest first."""
    best: dict[int, tuple[float, str]] = {}
    for _ in range(5):
        timings: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, timings=timings):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append((time.perf_counter() - started, sql))

        with connection.execute_wrapper(timed):
            get(name)
        for index, (spent, sql) in enumerate(timings):
            if index not in best or spent < best[index][0]:
                best[index] = (spent, sql)
    for index, (spent, sql) in sorted(best.items(), key=lambda item: -item[1][0]):
        print(f"{spent * 1000:8.2f} ms  #{index}  {sql[:400]}")


def measure(env_file: Path, count: int, profile: str | None, queries_only: bool = False) -> None:
    saved = json.loads(env_file.read_text())
    os.environ.update(saved["env"])
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    pages = _pages(saved["setup"])
    clients = {}

    def get(name: str) -> int:
        url, _cookie, _session, post = pages[name]
        client = clients[name]
        if post is None:
            return client.get(url).status_code
        # Form-encoded, as the browser and bench/locustfile.py post it (the test client's default is multipart,
        # whose parsing the real look does not pay).
        return client.post(url, urlencode(post), content_type=FORM_ENCODED).status_code

    for name, (url, cookie, session, _post) in pages.items():
        client = Client()
        client.cookies[cookie] = session
        clients[name] = client
        if (status := get(name)) not in (200, 302):
            raise SystemExit(f"{name}: {url} answered {status}")
        for _ in range(5):  # warm-up: templates compiled, caches filled
            get(name)

    if profile and queries_only:
        print_queries(profile, get, connection)
        return
    if profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
        profiler.enable()
        for _ in range(count):
            get(profile)
        profiler.disable()
        if os.environ.get("DUMP"):  # the whole profile, for pstats' callers and callees
            profiler.dump_stats(os.environ["DUMP"])
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("TOP", "45")))
        stats.sort_stats("tottime").print_stats(30)
        if os.environ.get("CALLERS"):
            stats.print_callers(os.environ["CALLERS"])
        return

    counted = {}
    for name in pages:
        queries: list[float] = []

        def timed(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            get(name)
        counted[name] = (len(queries), sum(queries) * 1000)
    # Interleaved, one request of each page in turn, so that the machine's other load weighs on all alike.
    # The cyclic garbage collector's runs per request of each page (any generation), and their CPU: a page whose
    # objects outnumber the collector's threshold pays for a collection that the trivial page never triggers.
    collector = {"page": "", "started": 0.0}
    collected = {name: [0, 0.0] for name in pages}

    def on_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            collector["started"] = time.process_time()
        elif collector["page"]:
            collected[collector["page"]][0] += 1
            collected[collector["page"]][1] += time.process_time() - collector["started"]

    spent = {name: [0.0, 0.0] for name in pages}
    for _ in range(count):
        for name in pages:
            wall, cpu = time.perf_counter(), time.process_time()
            get(name)
            spent[name][0] += time.perf_counter() - wall
            spent[name][1] += time.process_time() - cpu
    # Each page alone for the collector (as a bench slice runs one page): interleaved, a collection falls on
    # whichever page's request crosses the threshold, not on the page whose objects filled it.
    gc.callbacks.append(on_collection)
    for name in pages:
        collector["page"] = name
        for _ in range(count):
            get(name)
    collector["page"] = ""
    gc.callbacks.remove(on_collection)
    results = {
        name: (wall * 1000 / count, cpu * 1000 / count, *counted[name]) for name, (wall, cpu) in spent.items()
    }
    base_wall, base_cpu = results["logged_in"][:2]
    print(
        f"{'page':<10} {'wall ms':>8} {'cpu ms':>8} {'queries':>8} {'sql ms*':>8} {'wall×':>6} {'cpu×':>6} "
        f"{'gc/req':>7} {'gc ms':>6}"
    )
    for name, (wall, cpu, queries, db) in results.items():
        runs, gc_cpu = collected[name]
        print(
            f"{name:<10} {wall:>8.2f} {cpu:>8.2f} {queries:>8} {db:>8.2f} {wall / base_wall:>6.2f} "
            f"{cpu / base_cpu:>6.2f} {runs / count:>7.2f} {gc_cpu * 1000 / count:>6.3f}"
        )
    print(
        "* sql ms: the queries' wall time in one request; cpu: this process only; gc ms: the collector's CPU"
    )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        serve(
            Path(sys.argv[2]),
            followup="--followup" in sys.argv[3:],
            with_pages="--with-pages" in sys.argv[3:],
        )
    elif command == "measure":
        arguments = sys.argv[2:]
        page, queries_only = None, False
        if "--queries" in arguments:
            index = arguments.index("--queries")
            page, queries_only = arguments[index + 1], True
            del arguments[index : index + 2]
        if "--profile" in arguments:
            index = arguments.index("--profile")
            page = arguments[index + 1]
            del arguments[index : index + 2]
        measure(Path(arguments[0]), int(arguments[1]) if len(arguments) > 1 else 200, page, queries_only)
    else:
        raise SystemExit(__doc__)

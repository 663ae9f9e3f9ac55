"""`make bench`: starts a throwaway PostgreSQL and gunicorn with the production settings, loads them with
locust (20 concurrent clients), and prints throughput and latency for each target next to the bare-view
ceiling measured in the same run."""

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.pgcluster import ThrowawayPostgres, _free_port  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
USERS = int(os.environ.get("DIGISOS_BENCH_USERS", "20"))
SECONDS = int(os.environ.get("DIGISOS_BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("DIGISOS_BENCH_WORKERS", str((os.cpu_count() or 2) * 2)))
EXCHANGE_SENDS = int(os.environ.get("DIGISOS_BENCH_EXCHANGE_SENDS", "20"))


def production_env(database_url: str) -> dict[str, str]:
    secret = secrets.token_urlsafe(64)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="digisos.settings.bench",
        DIGISOS_SECRET_KEY=secret,
        DIGISOS_ALLOWED_HOSTS="127.0.0.1,localhost",
        DIGISOS_DATABASE_URL=database_url,
        # Production refuses plain http and local login providers. The bench serves plain HTTP on loopback
        # (settings/bench.py) and never logs in through a provider nor sends mail with links, so these are
        # https stand-ins under .invalid that nothing resolves.
        DIGISOS_PUBLIC_URL="https://digisos.bench.invalid",
        DIGISOS_IDPORTEN_ISSUER="https://idporten.bench.invalid",
        DIGISOS_IDPORTEN_CLIENT_ID="bench",
        DIGISOS_IDPORTEN_CLIENT_SECRET=secret,
        DIGISOS_EMPLOYEE_OIDC_ISSUER="https://login.bench.invalid",
        DIGISOS_EMPLOYEE_OIDC_CLIENT_ID="bench",
        DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET=secret,
        DIGISOS_LOG_LEVEL="WARNING",
        DIGISOS_DOCUMENT_KEY_CERTIFICATE="/nonexistent/document-key.crt",
        DIGISOS_DOCUMENT_KEY_PRIVATE="/nonexistent/document-key.pem",
        DIGISOS_CLAMD_ADDRESS="/nonexistent/clamd.sock",
    )
    return env


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


USER_CLASSES = {
    "bare": "BareDjangoView",
    "public_api": "PublicMunicipalityApi",
    "steps": "ApplicationSteps",
    "exchange_list": "ExchangeList",
    "exchange_download": "ExchangeDownload",
    "exchange_events": "ExchangeEvents",
    "innsyn_case": "InnsynCasePage",
    "innsyn_mine": "MyApplicationsPage",
}


def run_locust(
    target: str, host: str, workdir: Path, extra_env: dict[str, str] | None = None, *, check: bool = True
) -> dict[str, dict]:
    """Runs one user class; with check=False a run with failed requests still returns its figures."""
    prefix = workdir / target
    env = {**os.environ, **(extra_env or {})}
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--host",
            host,
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{SECONDS}s",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
            USER_CLASSES[target],
        ],
        check=check,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    figures: dict[str, dict] = {
        name: {
            "requests": float(row["Request Count"]),
            "failures": float(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
        }
        for name, row in rows.items()
    }
    exceptions = Path(f"{prefix}_exceptions.csv")
    if exceptions.exists():
        with open(exceptions, newline="") as handle:
            raised = list(csv.DictReader(handle))
        if raised:
            figures["exceptions"] = {"count": sum(int(r["Count"]) for r in raised)}
            for r in raised:
                print(f"locust {target}: {r['Count']} × {r['Message']}", file=sys.stderr)
    return figures


def start_clamd_and_key(tmp: str) -> tuple[subprocess.Popen, dict[str, str]]:
    """A clamd and a document key of the benchmark's own; returns the process and the settings for them."""
    from tests.fixtures.documents import start_clamd

    from digisos.documents.encryption import generate_key_pair

    clamd = start_clamd(Path(tmp) / "clamd")
    Path(f"{tmp}/convert").mkdir()
    certificate, private = f"{tmp}/keys/document-key.crt", f"{tmp}/keys/document-key.pem"
    generate_key_pair(Path(certificate), Path(private))
    return clamd, {
        "DIGISOS_CLAMD_ADDRESS": f"{tmp}/clamd/clamd.sock",
        "DIGISOS_DOCUMENT_KEY_CERTIFICATE": certificate,
        "DIGISOS_DOCUMENT_KEY_PRIVATE": private,
        "DIGISOS_DOCUMENT_DIR": f"{tmp}/documents",
        "DIGISOS_DOCUMENT_WORK_DIR": f"{tmp}/convert",
    }


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "digisos.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT / "src"),
        ],
        cwd=ROOT,
        env=env,
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


EXCHANGE_TARGETS = {
    "exchange_list": ("GET /leveranser", "GET /api/exchange/v1/leveranser (list)"),
    "exchange_download": ("GET /leveranser/{id}/filer/{fil_id}", "GET .../filer/{fil_id} (download)"),
    "exchange_events": ("POST /saker/{digisos_id}/digisos-soker", "POST .../digisos-soker (events)"),
}


def exchange_bench(env: dict[str, str], port: int, workdir: Path) -> int:
    """The exchange: send → collectable with the db_worker running, then the case-system API under load.

    Returns the number of failed requests (and exceptions) in the locust runs."""
    var = workdir / "var"
    keys = var / "fagsystem" / "4601"
    # Tokens outlive the run; the worker gets exactly gunicorn's environment.
    env = {**env, "DIGISOS_EXCHANGE_ACCESS_TOKEN_SECONDS": "3600"}
    subprocess.run(
        [PY, "manage.py", "exchange_demo_setup"],
        cwd=ROOT,
        env={**env, "DIGISOS_VAR_DIR": str(var)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    server = start_gunicorn(env, port)
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "-v0"], cwd=ROOT, env=env
    )
    try:
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/internal/isready")
        setup = workdir / "exchange.json"
        arguments = ["send", str(EXCHANGE_SENDS), host, str(keys), str(USERS), str(setup)]
        subprocess.run(
            [PY, str(ROOT / "bench" / "exchange.py"), *arguments],
            cwd=ROOT,
            env=env,
            check=True,
        )
        if worker.poll() is not None:
            raise RuntimeError("the db_worker stopped")
        stop(worker)
        worker = None
        details = json.loads(setup.read_text())
        results = {
            name: run_locust(name, host, workdir, {"DIGISOS_BENCH_EXCHANGE": str(setup)}, check=False)
            for name in EXCHANGE_TARGETS
        }
    finally:
        stop(worker)
        stop(server)
    print(
        f"\n== Exchange API as Bergen's case system ({USERS} concurrent clients, {SECONDS} s each, "
        f"gunicorn {WORKERS} sync workers, production settings, PostgreSQL) =="
    )
    failed = print_table(EXCHANGE_TARGETS, results)
    sizes = [size for _, _, size in details["files"]]
    print(
        f"list: {details['deliveries']} collectable deliveries, {len(sizes)} files; download: a random one of "
        f"them (mean {sum(sizes) / len(sizes) / 1024:.0f} KiB encrypted); events: one case per client, "
        "1–9 events per document, every post a write"
    )
    print("target: list and events ≥ 300 req/s")
    return failed


def print_table(targets: dict[str, tuple[str, str]], results: dict[str, dict[str, dict]]) -> int:
    """One row per target (locust's row `row_name`, printed as `label`); returns the failed requests and
    exceptions in those runs, counting a run without a single request as one failure."""
    width = max(40, *(len(label) for _, label in targets.values()))
    print(f"{'request':<{width}} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'failures':>9}")
    failed = 0
    for name, (row_name, label) in targets.items():
        figures = results[name]
        row = figures.get(row_name, {"rps": 0.0, "p50": 0.0, "p95": 0.0, "failures": 0.0, "requests": 0.0})
        failed += int(
            sum(r["failures"] for key, r in figures.items() if key not in ("Aggregated", "exceptions"))
        )
        failed += int(figures.get("exceptions", {}).get("count", 0))
        if not row["requests"]:
            failed += 1
        print(
            f"{label:<{width}} {row['rps']:>9.0f} {row['p50']:>8.0f} {row['p95']:>8.0f} {row['failures']:>9.0f}"
        )
    return failed


INNSYN_TARGETS = {
    "innsyn_case": ("GET /innsyn/{case_id}/", "GET /innsyn/{case_id}/ (case, 500 events)"),
    "innsyn_mine": ("GET /innsyn/", "GET /innsyn/ (Mine søknader, 50 cases)"),
}


def innsyn_bench(env: dict[str, str], port: int, workdir: Path) -> int:
    """Innsyn's citizen pages under load: a case with 500 events, and "Mine søknader" with 50 cases.

    Runs after the exchange bench (Sofie's sent applications become some of her 50 cases; Bergen's case system
    client reports the events). Returns the number of failed requests (and exceptions) in the locust runs."""
    setup = workdir / "innsyn.json"
    subprocess.run(
        [PY, str(ROOT / "bench" / "innsyn.py"), "setup", str(USERS), str(setup)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    details = json.loads(setup.read_text())
    server = start_gunicorn(env, port)
    try:
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/internal/isready")
        results = {
            name: run_locust(name, host, workdir, {"DIGISOS_BENCH_INNSYN": str(setup)}, check=False)
            for name in INNSYN_TARGETS
        }
    finally:
        stop(server)
    print(
        f"\n== Innsyn: logged-in citizens' pages ({USERS} concurrent clients, {SECONDS} s each, "
        f"gunicorn {WORKERS} sync workers, production settings, PostgreSQL) =="
    )
    failed = print_table(INNSYN_TARGETS, results)
    low, high = details["my_events"]
    print(
        f"case: one Bergen case per client, 500 events each (a year of payments, conditions, requirements, "
        f"requests and decisions); Mine søknader: Sofie's {details['my_cases']} cases "
        f"({details['my_sent_applications']} sent applications, the rest paper cases), {low}–{high} events each"
    )
    print("target: p95 < 100 ms")
    return failed


def print_steps(figures: dict[str, dict]) -> None:
    print(
        f"\n== Application steps: logged-in drafts ({USERS} concurrent clients, {SECONDS} s, gunicorn {WORKERS} "
        f"sync workers, production settings, PostgreSQL) =="
    )
    print(f"{'request':<40} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'failures':>9}")
    for name in ("GET step", "POST step"):
        row = figures.get(name)
        if row:
            print(
                f"{name:<40} {row['rps']:>9.0f} {row['p50']:>8.0f} {row['p95']:>8.0f} {row['failures']:>9.0f}"
            )
    print("target: steps p95 < 100 ms")


def main() -> int:
    cluster = ThrowawayPostgres(dbname="digisos_bench").start().create_database()
    port = _free_port()
    workdir = tempfile.TemporaryDirectory()
    clamd, document_env = start_clamd_and_key(workdir.name)
    env = {**production_env(cluster.url), **document_env}
    server = None
    try:
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["load_municipalities"],
            ["load_demo_service_flags"],
        ):
            subprocess.run(
                [PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        server = start_gunicorn(env, port)
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/internal/isready")
        with tempfile.TemporaryDirectory() as tmp:
            results = {
                name: run_locust(name, host, Path(tmp))["Aggregated"] for name in ("bare", "public_api")
            }
        print(
            f"\n== Public API: GET /api/public/v1/kommuner/{{kommunenummer}} "
            f"({USERS} concurrent clients, {SECONDS} s each, gunicorn {WORKERS} sync workers, "
            f"production settings, PostgreSQL) =="
        )
        print(f"{'target':<40} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'failures':>9}")
        labels = {"bare": "bare Django view (ceiling)", "public_api": "Kan jeg søke digitalt? JSON"}
        for name, figures in results.items():
            print(
                f"{labels[name]:<40} {figures['rps']:>9.0f} {figures['p50']:>8.0f} {figures['p95']:>8.0f} "
                f"{figures['failures']:>9.0f}"
            )
        share = results["public_api"]["rps"] / results["bare"]["rps"] if results["bare"]["rps"] else 0
        print(
            f"throughput vs ceiling: {share:.0%} (target ≥ 50%); "
            f"p95 {results['public_api']['p95']:.0f} ms (target < 50 ms)"
        )
        sessions = Path(workdir.name) / "sessions.json"
        bench_py = [PY, str(ROOT / "bench" / "application.py")]
        subprocess.run([*bench_py, "sessions", str(USERS), str(sessions)], cwd=ROOT, env=env, check=True)
        print_steps(run_locust("steps", host, Path(workdir.name), {"DIGISOS_BENCH_SESSIONS": str(sessions)}))
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server = None
        print("\n== Application: send ==")
        subprocess.run([*bench_py, "send", "20"], cwd=ROOT, env=env, check=True)
        local_env = {**env, "DIGISOS_ALLOWED_HOSTS": "testserver"}
        subprocess.run([PY, str(ROOT / "bench" / "documents.py")], cwd=ROOT, env=local_env, check=True)
        subprocess.run([PY, str(ROOT / "bench" / "inbox.py")], cwd=ROOT, env=local_env, check=True)
        subprocess.run([PY, str(ROOT / "bench" / "uploads.py"), "measure"], cwd=ROOT, env=env, check=True)
        failed = exchange_bench(env, port, Path(workdir.name))
        innsyn_failed = innsyn_bench(env, port, Path(workdir.name))
        if failed:
            print(f"\nFAILED: {failed} exchange requests failed (see locust's output above)", file=sys.stderr)
        if innsyn_failed:
            print(
                f"\nFAILED: {innsyn_failed} innsyn requests failed (see locust's output above)",
                file=sys.stderr,
            )
        return 1 if failed or innsyn_failed else 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        clamd.terminate()
        clamd.wait(timeout=10)
        workdir.cleanup()
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())

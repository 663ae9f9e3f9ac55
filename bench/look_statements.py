"""PostgreSQL's CPU per statement of one page's request: `python bench/look_statements.py ENV_FILE [N] [PAGE]`.

Against `bench/profile_pages.py serve ENV_FILE --followup` (or without it, for its pages), requests PAGE
(followup_overview unless given; the names of profile_pages.py's `measure`) N times (300 unless given) after a
warm-up, in this process, and charges each statement the CPU its PostgreSQL backend spent while it ran: the
backend's scheduler time from /proc/<pid>/schedstat (nanoseconds, not the 10 ms ticks of /proc/<pid>/stat),
read before and after each statement, so parsing, planning, executing and an autocommit's commit are all in it.
Prints each statement of a request (in its order) with the median and mean backend CPU, the backend CPU between
statements (the connection's idle loop, the client's round trips), and the whole request's backend CPU; with
EXPLAIN=1 in the environment, then `EXPLAIN (ANALYZE, BUFFERS)` of each SELECT once with its parameters (shared
buffers hit and read, rows).
The backend must be on this machine (the throwaway cluster is).
"""

import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def _backend_ns(pid: int) -> int:
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def main(env_file: Path, count: int, page: str) -> None:
    saved = json.loads(env_file.read_text())
    os.environ.update(saved["env"])
    import django

    django.setup()
    from bench.profile_pages import _pages
    from django.db import connection
    from django.test import Client

    url, cookie, session, post = _pages(saved["setup"])[page]
    client = Client()
    client.cookies[cookie] = session

    def get() -> int:
        return (client.post(url, post) if post is not None else client.get(url)).status_code

    if (status := get()) not in (200, 302):
        raise SystemExit(f"{page}: {url} answered {status}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for _ in range(10):  # warm-up: prepared statements, caches
        get()
    spent: dict[int, list[int]] = {}
    texts: dict[int, tuple[str, object]] = {}
    whole: list[int] = []
    for _ in range(count):
        timings: list[int] = []

        def timed(execute, sql, params, many, context, timings=timings):
            before = _backend_ns(backend)
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(_backend_ns(backend) - before)
                texts.setdefault(len(timings) - 1, (sql, params))

        start = _backend_ns(backend)
        with connection.execute_wrapper(timed):
            get()
        whole.append(_backend_ns(backend) - start)
        for index, ns in enumerate(timings):
            spent.setdefault(index, []).append(ns)
    total_median = statistics.median(whole) / 1e6
    in_statements = sum(statistics.mean(values) for values in spent.values()) / 1e6
    print(f"{page}: {count} requests, backend {backend}")
    print(f"{'#':>2} {'median ms':>9} {'mean ms':>8}  statement")
    for index, values in spent.items():
        sql = " ".join(texts[index][0].split())
        print(
            f"{index:>2} {statistics.median(values) / 1e6:>9.3f} {statistics.mean(values) / 1e6:>8.3f}  {sql[:150]}"
        )
    print(
        f"whole request: backend CPU median {total_median:.3f} ms, mean {statistics.mean(whole) / 1e6:.3f} ms; "
        f"in statements (sum of means) {in_statements:.3f} ms"
    )
    if os.environ.get("EXPLAIN"):
        with connection.cursor() as cursor:
            for index, (sql, params) in texts.items():
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0][0]
                top = plan["Plan"]
                print(
                    f"#{index}: rows {top.get('Actual Rows')}, shared hit {top.get('Shared Hit Blocks')}, "
                    f"read {top.get('Shared Read Blocks')}, planning {plan.get('Planning Time'):.3f} ms, "
                    f"execution {plan.get('Execution Time'):.3f} ms"
                )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments:
        raise SystemExit(__doc__)
    main(
        Path(arguments[0]),
        int(arguments[1]) if len(arguments) > 1 else 300,
        arguments[2] if len(arguments) > 2 else "followup_overview",
    )

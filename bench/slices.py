"""Interleaved load slices for bench/run.py: one locust process runs a schedule of short slices, one user class
each, one after the other against the same server, and writes each slice's figures.

`python bench/slices.py HOST USERS SECONDS WARMUP FILE CLASS [CLASS ...]` runs each CLASS (a user class of
bench/locustfile.py) with USERS concurrent users, in the order given, for WARMUP seconds unmeasured and then
SECONDS measured, and writes to FILE a list
with one entry per slice: {"user_class", "seconds", "rows": {name: {requests, failures, rps, p50, p95}},
"exceptions"}. The setup files the user classes read come from the environment, as with locust's command line.

One process for the whole schedule (locust as a library) rather than one `locust` command per slice: the
slices are short (a few seconds), and starting locust each time would cost about as much as the slice itself
on a busy machine, and load it differently from slice to slice.

Each slice starts and ends clean. Its users stop gracefully (each finishes the request it has sent, within
STOP_SECONDS), so that no request left running on the server slows the next slice; and its first WARMUP
seconds are not counted, while the users are logging in and the server's queue fills to its steady length
(every user starts at once: the first requests see an empty queue, the next ones a full one).
"""

import json
import os
import sys
import time
from pathlib import Path

import gevent
from locust.env import Environment
from locust.stats import StatsEntry

sys.path.insert(0, str(Path(__file__).resolve().parent))

import locustfile  # the path above: bench/ itself


def figures(entry: StatsEntry, seconds: float) -> dict[str, float]:
    return {
        "requests": float(entry.num_requests),
        "failures": float(entry.num_failures),
        "rps": entry.num_requests / seconds if seconds else 0.0,
        "p50": float(entry.get_response_time_percentile(0.5) or 0),
        "p95": float(entry.get_response_time_percentile(0.95) or 0),
    }


STOP_SECONDS = 5


def run_slice(user_class: type, host: str, users: int, seconds: float, warmup: float) -> dict:
    """One slice: `users` users of `user_class` (all started at once, as `-r USERS` does), measured for
    `seconds` after `warmup`. Throughput is the requests completed in the measured time over that time."""
    environment = Environment(user_classes=[user_class], host=host, stop_timeout=STOP_SECONDS)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    environment.stats.reset_all()
    started = time.monotonic()
    wall_started = time.time()
    gevent.sleep(seconds)
    # The figures at the end of the measured time; then the users finish what they sent, uncounted.
    elapsed = time.monotonic() - started
    measured = {entry.name: figures(entry, elapsed) for entry in environment.stats.entries.values()}
    measured["Aggregated"] = figures(environment.stats.total, elapsed)
    runner.stop()
    runner.quit()
    raised = [
        {"count": error.get("count", 0), "msg": error.get("msg", "")} for error in runner.exceptions.values()
    ]
    return {
        "user_class": user_class.__name__,
        "seconds": elapsed,
        # The measured time's wall clock, to line a slice up with a sample of the machine's processes.
        "measured": [wall_started, wall_started + elapsed],
        "rows": measured,
        "exceptions": raised,
    }


def main(host: str, users: int, seconds: float, warmup: float, target: Path, class_names: list[str]) -> None:
    results = [run_slice(getattr(locustfile, name), host, users, seconds, warmup) for name in class_names]
    target.write_text(json.dumps(results))
    if log := os.environ.get("DIGISOS_BENCH_SLICE_LOG"):
        # A copy that outlives bench/run.py's temporary directory; each part's slices added to the earlier
        # parts' (bench/cpu_by_process.py reads them all).
        earlier = json.loads(Path(log).read_text()) if Path(log).exists() else []
        Path(log).write_text(json.dumps(earlier + results))


if __name__ == "__main__":
    main(
        sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), Path(sys.argv[5]), sys.argv[6:]
    )

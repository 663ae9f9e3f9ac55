"""Interleaved load slices for bench/run.py: one locust process runs a schedule of short slices, one user class
each, one after the other against the same server, and writes each slice's figures.

`python bench/slices.py HOST USERS SECONDS FILE CLASS [CLASS ...]` runs each CLASS (a user class of
bench/locustfile.py) for SECONDS with USERS concurrent users, in the order given, and writes to FILE a list
with one entry per slice: {"user_class", "seconds", "rows": {name: {requests, failures, rps, p50, p95}},
"exceptions"}. The setup files the user classes read come from the environment, as with locust's command line.

One process for the whole schedule (locust as a library) rather than one `locust` command per slice: the
slices are short (a few seconds), and starting locust each time would cost about as much as the slice itself
on a busy machine, and load it differently from slice to slice.
"""

import json
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


def run_slice(user_class: type, host: str, users: int, seconds: float) -> dict:
    """One slice: `users` users of `user_class` (all started at once, as `-r USERS` does) for `seconds`."""
    environment = Environment(user_classes=[user_class], host=host)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.stop()
    elapsed = time.monotonic() - started
    runner.quit()
    rows = {entry.name: figures(entry, elapsed) for entry in environment.stats.entries.values()}
    rows["Aggregated"] = figures(environment.stats.total, elapsed)
    raised = [
        {"count": error.get("count", 0), "msg": error.get("msg", "")} for error in runner.exceptions.values()
    ]
    return {"user_class": user_class.__name__, "seconds": elapsed, "rows": rows, "exceptions": raised}


def main(host: str, users: int, seconds: float, target: Path, class_names: list[str]) -> None:
    results = [run_slice(getattr(locustfile, name), host, users, seconds) for name in class_names]
    target.write_text(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4]), sys.argv[5:])

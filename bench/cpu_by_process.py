"""Where a bench part's CPU goes: `python bench/cpu_by_process.py PART [PART ...]`.

Runs `bench/run.py --only PART,...` while sampling every process's CPU from /proc (utime + stime, every
SAMPLE_SECONDS), then charges each measured slice's CPU (bench/slices.py records each slice's wall clock) to
the kind of process that spent it: the gunicorn workers, the locust process (bench/slices.py), PostgreSQL's
backends, PostgreSQL's own processes (WAL writer, checkpointer, autovacuum) and the run's other processes. Only
the run's own processes count: each inherits a marker in its environment from the run (PostgreSQL's too, started
by the run through pg_ctl), so another session's bench or tests on the same machine are left out of the columns
(their load still slows the run).
Prints, per user class, the median over its slices of the CPU per request in ms for each kind, the cores the
machine spent and the throughput; then each kind's system time (the kernel's part of it: syscalls, sockets).

A throughput ratio is a cost ratio when the machine is saturated (the cores column near 2.0 on this machine):
the total per request of a page against its baseline's says how far a page is from its target, and which
process to look at. Sessions 13 to 15 found the event post and the person overview this way. Run it on a quiet
machine: another session's processes show as "other", and its load moves every figure.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.2
TICKS = os.sysconf("SC_CLK_TCK")
MARKER = "DIGISOS_CPU_BY_PROCESS"
_POSTGRES_OWN = (
    "walwriter",
    "checkpointer",
    "autovacuum",
    "background writer",
    "logical",
    "stats",
    "archiver",
)


def _ticks() -> dict[int, tuple[int, int]]:
    """Every process's CPU so far, in clock ticks: (user, system)."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[11]), int(fields[12]))  # utime, stime: stat(5) fields 14, 15
    return found


def _marked(pid: int, token: bytes) -> bool:
    """Whether the process was started by this run: the marker is in its environment."""
    try:
        return token in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _kind(name: str) -> str:
    if "gunicorn" in name:
        return "gunicorn"
    if "slices.py" in name:
        return "locust"
    if "bin/postgres " in name:  # the postmaster
        return "postgres own"
    if name.startswith("postgres"):
        return "postgres own" if any(word in name for word in _POSTGRES_OWN) else "postgres backends"
    return "other"


class Sampler(threading.Thread):
    def __init__(self, token: bytes) -> None:
        super().__init__(daemon=True)
        self.token = token
        self.samples: list[tuple[float, dict[int, tuple[int, int]]]] = []
        self.kinds: dict[int, str | None] = {}  # None: not the run's
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            now, ticks = time.time(), _ticks()
            for pid in sorted(ticks.keys() - self.kinds.keys()):
                # Looked at once, while the process lives: its marker and its name. PostgreSQL's backends write
                # their status over the memory /proc shows as their environment; they are the run's when the
                # postmaster that forked them is.
                if _marked(pid, self.token) or (self.kinds.get(_parent(pid)) or "").startswith("postgres"):
                    self.kinds[pid] = _kind(_name(pid))
                else:
                    self.kinds[pid] = None
            self.samples.append((now, {pid: used for pid, used in ticks.items() if self.kinds[pid]}))
            self.done.wait(SAMPLE_SECONDS)

    def nearest(self, moment: float) -> tuple[float, dict[int, tuple[int, int]]]:
        return min(self.samples, key=lambda sample: abs(sample[0] - moment))


def per_request(sampler: Sampler, slices: list[dict]) -> dict[str, dict[str, float]]:
    """Per user class: the median over its slices of each kind's CPU per request (ms), cores and req/s."""
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for one in slices:
        (start, first), (end, last) = (sampler.nearest(moment) for moment in one["measured"])
        spent: dict[str, float] = defaultdict(float)
        system: dict[str, float] = defaultdict(float)
        for pid, (user, kernel) in last.items():
            before_user, before_kernel = first.get(pid, (0, 0))
            kind = sampler.kinds[pid]
            spent[kind] += (user - before_user + kernel - before_kernel) / TICKS
            system[kind] += (kernel - before_kernel) / TICKS
        requests = one["rows"]["Aggregated"]["requests"] or 1
        figures = {kind: 1000 * seconds / requests for kind, seconds in spent.items()}
        figures["total"] = sum(figures.values())
        # The kernel's share (system time: syscalls, the sockets, page faults) of each kind's CPU above.
        figures.update({f"{kind} sys": 1000 * seconds / requests for kind, seconds in system.items()})
        figures["cores"] = sum(spent.values()) / (end - start)
        figures["req/s"] = one["rows"]["Aggregated"]["rps"]
        runs[one["user_class"]].append(figures)
    return {
        name: {key: statistics.median(run.get(key, 0.0) for run in found) for key in found[0]}
        for name, found in runs.items()
    }


def main(parts: list[str]) -> None:
    token = f"{MARKER}={uuid.uuid4()}"
    sampler = Sampler(token.encode())
    sampler.start()
    with tempfile.TemporaryDirectory() as workdir:
        log = Path(workdir) / "slices.json"
        env = {**os.environ, "DIGISOS_BENCH_SLICE_LOG": str(log), MARKER: token.split("=", 1)[1]}
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "run.py"), "--only", ",".join(parts)], env=env, check=True
        )
        sampler.done.set()
        sampler.join()
        slices = json.loads(log.read_text())
    kinds = ["gunicorn", "postgres backends", "postgres own", "locust", "other", "total"]
    print(f"\n== CPU per request by process, ms (median over each class's slices; {len(slices)} slices) ==")
    print(f"{'user class':<28}" + "".join(f"{kind:>19}" for kind in [*kinds, "cores", "req/s"]))
    found = per_request(sampler, slices)
    for name, figures in found.items():
        print(
            f"{name:<28}" + "".join(f"{figures.get(kind, 0.0):>19.2f}" for kind in [*kinds, "cores", "req/s"])
        )
    print("\n== of which system time (the kernel: syscalls, sockets, page faults), ms per request ==")
    print(f"{'user class':<28}" + "".join(f"{kind:>19}" for kind in kinds[:-1]))
    for name, figures in found.items():
        print(f"{name:<28}" + "".join(f"{figures.get(f'{kind} sys', 0.0):>19.2f}" for kind in kinds[:-1]))


if __name__ == "__main__":
    main(sys.argv[1:])

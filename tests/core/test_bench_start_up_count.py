"""`make bench` judges command start-up by the instructions each command executes (bench/startup.py), not by its
CPU time, which swung from 240 to 429 ms for the same start-up on the shared machine. That rests on the count
being the same on every run of the same code (valgrind's cachegrind, PYTHONHASHSEED=0), and on the count being
read from valgrind's output."""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _startup():
    spec = importlib.util.spec_from_file_location("bench_startup_under_test", ROOT / "bench" / "startup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_start_up_counts_the_same_instructions_on_every_run():
    startup = _startup()
    command = [
        sys.executable,
        "-c",
        "import json, decimal; json.dumps({'a': decimal.Decimal('1.5')}, default=str)",
    ]
    first = startup.instructions(command, dict(os.environ))
    second = startup.instructions(command, dict(os.environ))
    assert first is not None, "valgrind is missing: scripts/install-system-deps.sh installs it"
    assert first > 10_000_000  # the interpreter's own start-up at least
    assert first == second


def test_more_work_counts_more_instructions():
    startup = _startup()
    small = startup.instructions([sys.executable, "-c", "pass"], dict(os.environ))
    large = startup.instructions([sys.executable, "-c", "sum(range(1_000_000))"], dict(os.environ))
    assert small is not None and large is not None
    assert large > small + 10_000_000

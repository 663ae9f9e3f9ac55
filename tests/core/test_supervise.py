"""`make run` keeps going when one of its processes dies: scripts/supervise.sh starts it again (and says so)
instead of stopping the whole stack, and TERM still stops the process it watches."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
set -euo pipefail
pids=()
source scripts/supervise.sh
supervise flaky bash -c 'echo run >> "$RUNS"; exit 3'
supervise steady bash -c 'echo $$ > "$STEADY"; exec sleep 600'
sleep 3.5
kill -TERM "${pids[@]}"
wait
"""


def test_a_process_that_exits_is_started_again_and_term_stops_the_supervised_process(tmp_path):
    runs, steady = tmp_path / "runs", tmp_path / "steady"
    env = {**os.environ, "RUNS": str(runs), "STEADY": str(steady)}
    # The 600 s sleep must not hold the script up: TERM stops it (else the timeout fails the test).
    result = subprocess.run(
        ["bash", "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # Started at 0 s, again after 1 s and (on a machine that is not too busy) after 2 more; each exit logged.
    assert runs.read_text().count("run") >= 2
    assert "run.sh: flaky exited with 3, restarting in 1 s" in result.stderr
    assert "steady exited" not in result.stderr
    steady_pid = int(steady.read_text())
    assert not Path(f"/proc/{steady_pid}").exists()  # stopped, not left behind

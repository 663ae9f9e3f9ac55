"""The logs are JSON lines through structlog, with identity numbers scrubbed. core/logging.py imports structlog
with rich hidden (a start-up cost of the dev tools only): a fresh process shows that logging, exceptions and
their tracebacks included, still works that way."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
import structlog
log = structlog.get_logger("digisos.test")
log.info("looked up", person="01017012345")
try:
    raise ValueError("broken for 01017012345")
except ValueError:
    log.exception("failed")
"""


def test_a_fresh_process_logs_json_lines_with_tracebacks_and_scrubbed_identity_numbers():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    looked_up = next(line for line in lines if line["event"] == "looked up")
    failed = next(line for line in lines if line["event"] == "failed")
    assert looked_up["person"] == "***********" and looked_up["level"] == "info"
    assert "Traceback" in failed["exception"] and "ValueError: broken for ***********" in failed["exception"]
    assert "01017012345" not in result.stderr

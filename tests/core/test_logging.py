"""The logs are JSON lines through structlog, with identity numbers scrubbed. structlog is imported, with rich
hidden (a start-up cost of the dev tools only), and configured when something first imports it
(digisos/__init__.py), not at start-up: a fresh process shows that logging, exceptions and their tracebacks
included, still works that way, whether structlog comes before Django's set-up or after it, and whether the
first line is the standard library's or structlog's."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STRUCTLOG_LINES = """
import structlog
log = structlog.get_logger("digisos.test")
log.info("looked up", person="01017012345")
try:
    raise ValueError("broken for 01017012345")
except ValueError:
    log.exception("failed")
"""
SCRIPTS = {
    "structlog after the set-up": "import django\ndjango.setup()\n" + STRUCTLOG_LINES,
    "a standard library line first": (
        "import logging, sys\nimport django\ndjango.setup()\n"
        'logging.getLogger("digisos.plain").info("plain line for 01017012345")\n'
        'assert "rich" not in sys.modules\n' + STRUCTLOG_LINES
    ),
    "structlog before the set-up": "import structlog\nimport django\ndjango.setup()\n" + STRUCTLOG_LINES,
}


@pytest.mark.parametrize("order", SCRIPTS)
def test_a_fresh_process_logs_json_lines_with_tracebacks_and_scrubbed_identity_numbers(order):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPTS[order]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == ""  # nothing through structlog's unconfigured default (print to stdout)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    looked_up = next(line for line in lines if line["event"] == "looked up")
    failed = next(line for line in lines if line["event"] == "failed")
    assert looked_up["person"] == "***********" and looked_up["level"] == "info"
    assert "Traceback" in failed["exception"] and "ValueError: broken for ***********" in failed["exception"]
    if "standard library" in order:
        plain = next(line for line in lines if line["logger"] == "digisos.plain")
        assert plain["event"] == "plain line for ***********" and plain["level"] == "info"
    assert "01017012345" not in result.stderr


@pytest.mark.parametrize(
    "identifier",
    [
        "856d589fe30043798a8f12345678901b",  # a request id: uuid4().hex
        "856d589f-e300-4379-8a8f-012345678901",  # a uuid as Django and the API write it
        "12345678901d589fe30043798a8f0000",
    ],
)
def test_an_id_that_holds_eleven_digits_is_logged_whole_and_a_number_beside_it_is_not(identifier):
    """A request id or a case's uuid is not a person's number: masked, the lines of one request could no longer
    be found together. Eleven digits anywhere else, even glued to letters, still are."""
    from digisos.core.logging import REDACTED, scrub_identity_numbers

    scrubbed = scrub_identity_numbers(
        None,
        "info",
        {"request_id": identifier, "event": f"case {identifier} for 01017012345", "other": "pid01017012345"},
    )
    assert scrubbed["request_id"] == identifier
    assert scrubbed["event"] == f"case {identifier} for {REDACTED}"
    assert scrubbed["other"] == f"pid{REDACTED}"

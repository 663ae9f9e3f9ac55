"""Every manage.py command, worker boot and test process starts Django with our apps. The heavy libraries that
only some requests need (WeasyPrint and its fonts, Pillow, pikepdf, img2pdf, the holiday calendars) are
imported where they are used, not at start-up: loaded there, they made `manage.py help` take seconds."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["weasyprint", "fontTools", "PIL", "pikepdf", "img2pdf", "holidays"]

SCRIPT = """
import io, sys
from contextlib import redirect_stdout
from django.core.management import execute_from_command_line
with redirect_stdout(io.StringIO()):
    execute_from_command_line(["manage.py", "help"])
print("LOADED", " ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def test_manage_py_help_does_not_import_weasyprint_or_the_other_heavy_libraries():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *HEAVY], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    assert loaded.split()[1:] == []

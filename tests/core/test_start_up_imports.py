"""Every manage.py command, worker boot and test process starts Django with our apps. The heavy libraries that
only some requests need (WeasyPrint and its fonts, Pillow, pikepdf, img2pdf, the holiday calendars) are
imported where they are used, not at start-up: loaded there, they made `manage.py help` take seconds.

So are the API's (django-ninja, with pydantic, jinja2 and django.test behind it: ninja's static files and
templates are found without installing it as an app), the certificates' (cryptography, asn1crypto), structlog
itself and its console extras (rich, pygments) and the selectors that AppConfig.ready() used to import for the inbox's queues
and the onboarding's services (bench/startup.py measures what is left)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["weasyprint", "fontTools", "PIL", "pikepdf", "img2pdf", "holidays"]
API_AND_CERTIFICATES = [
    "ninja",
    "pydantic",
    "jinja2",
    "django.test",
    "cryptography",
    "asn1crypto",
    "rich",
    "pygments",
]
READ_ON_FIRST_USE = [
    "digisos.inbox.selectors",
    "digisos.concerns.selectors",
    "digisos.onboarding.selectors",
    "digisos.exchange.keys",
    "digisos.registers.ports",
    "digisos.core.services",
    # insights' post_delete receiver imports its services (facts, figures, publishing) on the first deleted case
    "digisos.insights.services",
    "digisos.insights.facts",
    "digisos.insights.publish",
    # the child-welfare service's onboarding forms, registered lazily by ConcernsConfig.ready()
    "digisos.concerns.onboarding",
]

# The admin's modules (ModelAdmins, their forms and actions): discovered by the URLconf and by the admin's system
# checks (core/admin_config.py), not by every process that starts Django.
ADMIN_MODULES = [
    "django.contrib.auth.admin",
    "django_tasks_db.admin",
    "digisos.accounts.admin",
    "digisos.core.admin",
    "digisos.exchange.admin",
    "digisos.followup.admin",
    "digisos.municipalities.admin",
    "digisos.concerns.admin",
]

SCRIPT = """
import io, sys
from contextlib import redirect_stdout
from django.core.management import execute_from_command_line
with redirect_stdout(io.StringIO()):
    execute_from_command_line(["manage.py", "help"])
print("LOADED", " ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
import rich  # hidden from structlog while it was imported, importable afterwards
print("RICH", rich.__name__)
"""


def _loaded_by_manage_py_help(names: list[str]) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *names], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "RICH rich" in result.stdout
    loaded = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    return loaded.split()[1:]


def test_manage_py_help_does_not_import_weasyprint_or_the_other_heavy_libraries():
    assert _loaded_by_manage_py_help(HEAVY) == []


def test_manage_py_help_does_not_import_the_api_or_certificate_libraries():
    assert _loaded_by_manage_py_help(API_AND_CERTIFICATES) == []


def test_manage_py_help_does_not_import_structlog():
    """structlog is imported, and configured, by the first module that logs with it (digisos/__init__.py), and
    the root handler's formatter makes its ProcessorFormatter on the first line (core/logging.py)."""
    assert _loaded_by_manage_py_help(["structlog"]) == []


def test_manage_py_help_does_not_import_the_identifier_checks():
    """python-stdnum (with pydoc, which its util module imports) checks fødselsnumre, account and organisation
    numbers when a form or a document has one: about 7 ms of every start-up when the path converter of a
    municipality's number (core/converters.py, registered by CoreConfig.ready()) imported its pattern from
    core/identifiers.py, which imports stdnum."""
    assert _loaded_by_manage_py_help(["stdnum", "pydoc", "digisos.core.identifiers"]) == []


def test_manage_py_help_does_not_discover_the_admin_modules():
    assert _loaded_by_manage_py_help(ADMIN_MODULES) == []


def test_app_ready_does_not_import_the_selectors_its_registrations_call():
    assert _loaded_by_manage_py_help(READ_ON_FIRST_USE) == []


def test_manage_py_help_does_not_build_the_event_formats_enums():
    """The event format's seven StrEnums (soker/constants.py) cost some 5 M instructions when the models loaded
    them for the § 11a index's open statuses; the models take those from soker/statuses.py's plain strings."""
    loaded = _loaded_by_manage_py_help(["digisos.soker.constants", "digisos.soker.statuses"])
    assert loaded == ["digisos.soker.statuses"]

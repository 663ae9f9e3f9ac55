"""The admin's modules are discovered where they are used, not when Django starts (core/admin_config.py): by the
URLconf, which every process that serves a page loads, and by the admin's system checks (`manage.py check`,
`check --deploy`, runserver, migrate, the test runner), which must still check every registered ModelAdmin.
Each case runs in a fresh process: in this one the URLconf, and with it the admin's modules, may be loaded."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import django
django.setup()
from django.contrib import admin
from digisos.municipalities.models import Municipality
print("AT START-UP", admin.site.is_registered(Municipality))
"""


def _run(script: str) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", SETUP + script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def test_the_urlconf_discovers_the_admin_modules():
    lines = _run('import digisos.urls\nprint("AFTER", admin.site.is_registered(Municipality))')
    assert lines == ["AT START-UP False", "AFTER True"]


def test_the_admin_checks_discover_and_check_every_model_admin_before_the_urlconf_is_loaded():
    script = """
import sys
from django.core import checks
from django.contrib.auth.models import Group
found = checks.run_checks(tags=[checks.Tags.admin])
print("AFTER", admin.site.is_registered(Municipality), admin.site.is_registered(Group))
print("URLCONF", "digisos.urls" in sys.modules)
print("ERRORS", [str(message) for message in found if message.is_serious()])
"""
    assert _run(script) == ["AT START-UP False", "AFTER True True", "URLCONF False", "ERRORS []"]


def test_a_broken_model_admin_is_still_reported_by_the_checks():
    """A ModelAdmin with an error in a module the checks discover is reported, as it was when the admin
    discovered its modules at start-up (admin.E108: list_display names no field)."""
    script = """
from django.core import checks
from digisos.municipalities.admin import MunicipalityAdmin
MunicipalityAdmin.list_display = ("no_such_field",)
print("IDS", sorted({message.id for message in checks.run_checks(tags=[checks.Tags.admin])}))
"""
    assert _run(script) == ["AT START-UP False", "IDS ['admin.E108']"]

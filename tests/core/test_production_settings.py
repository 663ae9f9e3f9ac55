"""Production settings refuse to start with an unsafe value, and the refusal names the variable to fix.

Each case imports the production settings in a fresh interpreter with a good environment (as
scripts/check-deploy.sh has it) except for one variable.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
GOOD_SECRET = secrets.token_urlsafe(64)
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "digisos.settings.production",
    "DIGISOS_SECRET_KEY": GOOD_SECRET,
    "DIGISOS_ALLOWED_HOSTS": "digisos.example.no",
    "DIGISOS_DATABASE_URL": "postgres://digisos@127.0.0.1:5432/digisos",
    "DIGISOS_PUBLIC_URL": "https://digisos.example.no",
    "DIGISOS_IDPORTEN_ISSUER": "https://test.idporten.no",
    "DIGISOS_IDPORTEN_CLIENT_ID": "digisos",
    "DIGISOS_IDPORTEN_CLIENT_SECRET": GOOD_SECRET,
    "DIGISOS_EMPLOYEE_OIDC_ISSUER": "https://login.example.no",
    "DIGISOS_EMPLOYEE_OIDC_CLIENT_ID": "digisos-employee",
    "DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET": GOOD_SECRET,
    "DIGISOS_DOCUMENT_KEY_CERTIFICATE": "/run/secrets/document-key.crt",
    "DIGISOS_DOCUMENT_KEY_PRIVATE": "/run/secrets/document-key.pem",
    "DIGISOS_CLAMD_ADDRESS": "tcp://clamav:3310",
    "DIGISOS_AUDIT_LOG_ADDRESS": "tcp://audit.nais:6514",
}


def _start(**changes: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DIGISOS_", "DJANGO_"))}
    environment.update(GOOD_ENV, PYTHONPATH=str(REPOSITORY / "src"), **changes)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_good_environment_starts():
    started = _start()
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DIGISOS_PUBLIC_URL", "http://digisos.example.no"),
        ("DIGISOS_IDPORTEN_ISSUER", "http://127.0.0.1:9400"),
        ("DIGISOS_IDPORTEN_ISSUER", "https://localhost:9400"),
        ("DIGISOS_IDPORTEN_ISSUER", "http://idporten.example.no"),
        ("DIGISOS_EMPLOYEE_OIDC_ISSUER", "http://127.0.0.1:9400"),
        ("DIGISOS_EMPLOYEE_OIDC_ISSUER", "https://[::1]:9400"),
        ("DIGISOS_ALLOWED_HOSTS", "*"),
        ("DIGISOS_ALLOWED_HOSTS", "digisos.example.no,*"),
        ("DIGISOS_DATABASE_URL", "sqlite:////var/digisos/digisos.sqlite3"),
        ("DIGISOS_DATABASE_URL", "mysql://digisos@db/digisos"),
        ("DIGISOS_SECRET_KEY", "abcde" * 10),
        ("DIGISOS_SECRET_KEY", secrets.token_hex(12)),  # random but short
        ("DIGISOS_SECRET_KEY", "quick-start-only-not-secret-digisos-0000000000000000000000000000"),
    ],
)
def test_an_unsafe_value_is_refused_naming_the_variable(variable, value):
    started = _start(**{variable: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert variable in started.stderr.splitlines()[-1]
    assert value not in started.stderr or variable != "DIGISOS_SECRET_KEY"  # a secret is never echoed


def test_production_refuses_to_start_without_the_audit_log_address():
    """Employees' looks must reach the CEF audit store: without a destination production would keep them only
    in its own database, where no one outside the service watches them (issue 13)."""
    started = _start(DIGISOS_AUDIT_LOG_ADDRESS="")
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "DIGISOS_AUDIT_LOG_ADDRESS" in started.stderr.splitlines()[-1]

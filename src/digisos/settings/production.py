"""Production: refuses to start with debug, a missing or weak key, a local login provider, plain http, a host
wildcard or a database other than PostgreSQL (README, "Configuration for production")."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES, DEBUG_SECRET_KEY, EMPLOYEE_OIDC, IDPORTEN, PUBLIC_URL
from .env import env_bool, env_int, env_str

DEBUG = False
if env_bool("DIGISOS_DEBUG", False):
    raise ImproperlyConfigured("DIGISOS_DEBUG must be off in production.")

_REQUIRED = [
    "DIGISOS_SECRET_KEY",
    "DIGISOS_ALLOWED_HOSTS",
    "DIGISOS_DATABASE_URL",
    "DIGISOS_PUBLIC_URL",
    "DIGISOS_IDPORTEN_ISSUER",
    "DIGISOS_IDPORTEN_CLIENT_ID",
    "DIGISOS_IDPORTEN_CLIENT_SECRET",
    "DIGISOS_EMPLOYEE_OIDC_ISSUER",
    "DIGISOS_EMPLOYEE_OIDC_CLIENT_ID",
    "DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET",
    "DIGISOS_DOCUMENT_KEY_CERTIFICATE",
    "DIGISOS_DOCUMENT_KEY_PRIVATE",
    "DIGISOS_CLAMD_ADDRESS",
    # Employees' looks at people's data must reach the audit store (CEF, followup/audit.py), not only our
    # own database: an empty address would keep production's audit where no one outside the service sees it.
    "DIGISOS_AUDIT_LOG_ADDRESS",
]
_missing = [name for name in _REQUIRED if not env_str(name)]
if _missing:
    raise ImproperlyConfigured("Missing required settings: " + ", ".join(_missing))

SECRET_KEY = env_str("DIGISOS_SECRET_KEY")
# Django's check --deploy asks for 50 characters and 5 distinct ones, which "abcde" * 10 passes. A key from
# `secrets.token_urlsafe(64)` or Django's get_random_secret_key() has 30 or more distinct characters.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 20
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names refused, not bound


def _is_local_or_plain(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme != "https" or not host or host in LOCAL_HOSTS or host.endswith(".localhost")


def unsafe_settings() -> list[str]:
    """What production refuses, one line per variable to fix. Values are not repeated: some are secrets."""
    problems = []
    if SECRET_KEY == DEBUG_SECRET_KEY:
        problems.append("DIGISOS_SECRET_KEY is the quick-start key; set a long random value.")
    elif len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < SECRET_KEY_MIN_DISTINCT:
        problems.append(
            f"DIGISOS_SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters and "
            f"{SECRET_KEY_MIN_DISTINCT} different ones (python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))')."
        )
    if urlsplit(PUBLIC_URL).scheme != "https":
        problems.append("DIGISOS_PUBLIC_URL must be an https URL (cookies are Secure, redirect URIs use it).")
    for variable, config in (
        ("DIGISOS_IDPORTEN_ISSUER", IDPORTEN),
        ("DIGISOS_EMPLOYEE_OIDC_ISSUER", EMPLOYEE_OIDC),
    ):
        if _is_local_or_plain(config["ISSUER"]):
            problems.append(
                f"{variable} must be the real provider's https issuer, not a local or plain http one."
            )
    if any("*" in host for host in ALLOWED_HOSTS):
        problems.append("DIGISOS_ALLOWED_HOSTS must name the hosts; a wildcard (*) lets any Host header in.")
    if not DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
        problems.append(
            "DIGISOS_DATABASE_URL must be a PostgreSQL URL (postgres://…); SQLite is for the quick start."
        )
    if IDPORTEN["CLIENT_SECRET"].endswith("-local-secret"):
        problems.append("DIGISOS_IDPORTEN_CLIENT_SECRET must not be the quick-start value.")
    if EMPLOYEE_OIDC["CLIENT_SECRET"].endswith("-local-secret"):
        problems.append("DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET must not be the quick-start value.")
    return problems


_problems = unsafe_settings()
if _problems:
    raise ImproperlyConfigured("Unsafe production settings: " + " ".join(_problems))

ALLOW_SYNTHETIC_IDENTITY_NUMBERS = env_bool("DIGISOS_ALLOW_SYNTHETIC_IDS", False)
# Production never invents a document key: a lost key means documents nobody can read.
DOCUMENT_KEY_GENERATE = False

SECURE_SSL_REDIRECT = env_bool("DIGISOS_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^internal/"]  # NAIS probes call plain HTTP inside the cluster.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DIGISOS_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

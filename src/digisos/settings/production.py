"""Production: refuses to start with debug, the quick-start secret or missing keys."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG_SECRET_KEY, EMPLOYEE_OIDC, IDPORTEN
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
]
_missing = [name for name in _REQUIRED if not env_str(name)]
if _missing:
    raise ImproperlyConfigured("Missing required settings: " + ", ".join(_missing))

SECRET_KEY = env_str("DIGISOS_SECRET_KEY")
if SECRET_KEY == DEBUG_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DIGISOS_SECRET_KEY must be a long random value, not the quick-start key.")
if IDPORTEN["CLIENT_SECRET"].endswith("-local-secret") or EMPLOYEE_OIDC["CLIENT_SECRET"].endswith(
    "-local-secret"
):
    raise ImproperlyConfigured("The OIDC client secrets must not be the quick-start values.")

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

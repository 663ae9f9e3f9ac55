"""Settings shared by every environment. Values come from DIGISOS_* environment variables.

The defaults are for the quick start (`make run`): a local SQLite file, a local ID-porten
(oidc-provider-mock) on port 9400, synthetic identity numbers allowed. `production.py` refuses
to start with any of the unsafe defaults.
"""

from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent  # src/digisos
BASE_DIR = SRC_DIR.parent.parent  # the repository
VAR_DIR = Path(env_str("DIGISOS_VAR_DIR", str(BASE_DIR / "var")))
# django-ninja's templates and static files: the API docs load Swagger UI from our own origin, not a CDN. Found
# without importing ninja (find_spec does not run its __init__): as an installed app, ninja imported pydantic,
# django.test and jinja2 in every process that starts Django, about 250 ms of each manage.py command.
NINJA_DIR = Path(find_spec("ninja").origin).parent

# A fixed, obviously unsafe key for the quick start; production.py refuses it.
DEBUG_SECRET_KEY = "quick-start-only-not-secret-digisos-0000000000000000000000000000"  # noqa: S105 - deliberately public, refused in production
SECRET_KEY = env_str("DIGISOS_SECRET_KEY", DEBUG_SECRET_KEY)
DEBUG = env_bool("DIGISOS_DEBUG", False)
ALLOWED_HOSTS = env_list("DIGISOS_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DIGISOS_CSRF_TRUSTED_ORIGINS", [])
# The public base URL, used to build OIDC redirect URIs.
PUBLIC_URL = env_str("DIGISOS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def _document_storage() -> dict:
    if env_str("DIGISOS_DOCUMENT_STORAGE", "filesystem") == "s3":
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("DIGISOS_S3_BUCKET"),
                "endpoint_url": env_str("DIGISOS_S3_ENDPOINT_URL") or None,
                "region_name": env_str("DIGISOS_S3_REGION") or None,
                "access_key": env_str("DIGISOS_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_str("DIGISOS_S3_SECRET_ACCESS_KEY") or None,
                "file_overwrite": False,
                "default_acl": None,
            },
        }
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("DIGISOS_DOCUMENT_DIR", str(VAR_DIR / "documents"))},
    }


INSTALLED_APPS = [
    # Django's admin, its modules discovered by the URLconf and the admin's checks, not at start-up (core/admin_config.py).
    "digisos.core.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "digisos.core",
    "digisos.accounts",
    "digisos.municipalities",
    "digisos.registers",
    "digisos.documents",
    "digisos.application",
    "digisos.exchange",
    "digisos.inbox",
    "digisos.innsyn",
    "digisos.followup",
    "digisos.onboarding",
    "digisos.concerns",
    "digisos.guide",
    "digisos.insights",
]

MIDDLEWARE = [
    "digisos.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "digisos.core.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "digisos.core.middleware.NoStoreForLoggedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "digisos.core.middleware.MetricsMiddleware",
]

ROOT_URLCONF = "digisos.urls"
WSGI_APPLICATION = "digisos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
    # Jinja2 for the hot fragments of the innsyn pages (`<app>/jinja2/`, digisos/core/jinja2.py). Pages
    # stay Django templates; their tags render these fragments. No context processors: a fragment gets
    # what its tag passes (and the request, csrf_input and csrf_token from the backend).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "digisos.core.jinja2.environment"},
    },
]

# Django's per-process memory cache (its default) for "default"; "pages" keeps rendered parts of pages that
# follow from stored data alone (innsyn's case page sections), keyed by what they show, so a cache per
# process is right and nothing stale outlives a restart or a deploy.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "digisos-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DIGISOS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'digisos.sqlite3'}"),
        conn_max_age=env_int("DIGISOS_DB_CONN_MAX_AGE", 60),
        # Off by default (Django's default): a health check costs a SELECT 1 round trip on every request.
        # After a database restart one request per worker fails and the worker reconnects; set it to true
        # where the database restarts often.
        conn_health_checks=env_bool("DIGISOS_DB_CONN_HEALTH_CHECKS", False),
    )
}


def database_options(engine: str) -> dict[str, object]:
    """Prepared statements on PostgreSQL: each distinct query is planned once per connection instead of on every
    request. For the lookups behind every logged-in page (session, user, the case) planning took longer than
    running them. Set DIGISOS_DB_PREPARED_STATEMENTS=false behind a transaction-pooling PgBouncer older than 1.21.

    SQLite (the quick start) is shared by the web server's threads, the worker, the scheduler and the simulators:
    - WAL lets readers go on while one process writes (the default rollback journal blocks them);
    - a write transaction takes the write lock when it begins (IMMEDIATE), so it waits its turn in the busy
      timeout. A deferred one that reads first and writes later cannot wait: SQLite answers "database is locked"
      at once when another connection wrote in between, which was a 500 for most of 20 parallel draft saves;
    - timeout: seconds a connection waits for the write lock before giving up.
    """
    if engine.endswith("sqlite3"):
        return {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("DIGISOS_SQLITE_TIMEOUT_SECONDS", 20),
        }
    if not engine.endswith("postgresql") or not env_bool("DIGISOS_DB_PREPARED_STATEMENTS", True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 5}


DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    **database_options(DATABASES["default"]["ENGINE"]),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:citizen-login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

# Language: bokmål is the source language.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "digisos_language"
LANGUAGE_COOKIE_SECURE = env_bool("DIGISOS_SECURE_COOKIES", False)
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    SRC_DIR / "static",
    # Built by tools/build_assets.py (make deps) from the npm packages.
    ("aksel", BASE_DIR / "var" / "assets" / "aksel"),
    NINJA_DIR / "static",  # ninja/swagger-ui-bundle.js etc. (NINJA_DIR above)
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Encrypted documents (CMS files). Local disk by default; S3-compatible storage by setting
    # DIGISOS_DOCUMENT_STORAGE=s3 and the DIGISOS_S3_* variables (django-storages).
    "documents": _document_storage(),
}

# Sessions end after 60 minutes idle: each request renews the expiry (ID-porten's own idle limit).
SESSION_COOKIE_AGE = env_int("DIGISOS_SESSION_IDLE_SECONDS", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # see core.middleware.SessionIdleRefreshMiddleware
SESSION_REFRESH_SECONDS = env_int("DIGISOS_SESSION_REFRESH_SECONDS", 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "digisos_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Lax, not Strict: the OIDC callback is a cross-site top-level GET.
SESSION_COOKIE_SECURE = env_bool("DIGISOS_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("DIGISOS_SECURE_COOKIES", False)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "digisos.core.views.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline script, no inline style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env_list("DIGISOS_CSP_FORM_ACTION", [])],
    }
}

# Background work: django-tasks with its database backend, run by `manage.py run_worker` (django-tasks-db's db_worker).
# The database backend: a task enqueued inside a transaction is written in it, so it exists exactly when
# the change that asked for it was committed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Periodic jobs, enqueued by `manage.py run_scheduler` and run by the db_worker.
PERIODIC_TASKS = {
    "documents.retention": {"task": "digisos.documents.tasks.remove_expired_documents", "every_minutes": 60},
    "application.draft_retention": {
        "task": "digisos.application.tasks.remove_expired_drafts",
        "every_minutes": 60,
    },
    "application.metadata_retention": {
        "task": "digisos.application.tasks.clear_sent_application_metadata",
        "every_minutes": 24 * 60,
    },
    "exchange.resume_deliveries": {"task": "digisos.exchange.tasks.resume_deliveries", "every_minutes": 1},
    "exchange.spent_assertions": {
        "task": "digisos.exchange.tasks.remove_spent_assertions",
        "every_minutes": 60,
    },
    # The name stays "exchange.inbox_mail" (the scheduler keeps its last run under it) though the task moved.
    "exchange.inbox_mail": {"task": "digisos.inbox.tasks.notify_inboxes", "every_minutes": 15},
    "exchange.collected_files": {
        "task": "digisos.exchange.tasks.remove_collected_files",
        "every_minutes": 60,
    },
    "innsyn.deadline_reminders": {"task": "digisos.innsyn.tasks.remind_deadlines", "every_minutes": 60},
    "followup.audit_retention": {
        "task": "digisos.followup.tasks.delete_expired_access_decisions",
        "every_minutes": 24 * 60,
    },
    # The statistics' aggregate tables, from what changed since the last run (digisos.insights.services).
    "insights.update": {"task": "digisos.insights.tasks.update_statistics", "every_minutes": 60},
    # The analysts' weeks protected together with the public months of one snapshot, after the update: a pass
    # every 15 minutes that works only when an update has published new figures since (insights.services).
    "insights.protect_analysts": {"task": "digisos.insights.tasks.protect_analysts", "every_minutes": 15},
    # Municipalities whose approved go-live day has come start taking digital applications.
    "onboarding.go_live": {
        "task": "digisos.onboarding.tasks.switch_on_due_municipalities",
        "every_minutes": 15,
    },
    "onboarding.reminders": {"task": "digisos.onboarding.tasks.remind_waiting_steps", "every_minutes": 60},
    "concerns.alerts": {"task": "digisos.concerns.tasks.alert_unacknowledged", "every_minutes": 60},
    "concerns.letters": {"task": "digisos.concerns.tasks.send_overdue_by_letter", "every_minutes": 15},
    "concerns.retention": {"task": "digisos.concerns.tasks.remove_expired_content", "every_minutes": 60},
}
# The analysts' joint protection's time for its rounds (insights.services.protect_analysts); past it the weeks
# still in doubt are hidden wholesale (fail-closed). Well inside the 15 minutes between its passes.
INSIGHTS_ANALYST_BUDGET_SECONDS = env_int("DIGISOS_INSIGHTS_ANALYST_BUDGET_SECONDS", 240)
# Onboarding agreements are signed (PAdES) through this adapter. The local one uses a test certificate
# authority it creates in CA_DIR on first use: quick start and tests only, never real signatures.
ONBOARDING_SIGNING = {
    "ADAPTER": env_str(
        "DIGISOS_ONBOARDING_SIGNING_ADAPTER", "digisos.onboarding.adapters.local_signing.LocalTestCaSigner"
    ),
    "CA_DIR": env_str("DIGISOS_ONBOARDING_SIGNING_CA_DIR", str(VAR_DIR / "keys" / "signing-test-ca")),
}
# Days a step of a municipality's onboarding may wait before its owner gets one reminder by e-mail.
ONBOARDING_REMINDER_DAYS = env_int("DIGISOS_ONBOARDING_REMINDER_DAYS", 7)
# The synthetic test person (Tenor/NAV test number range) who sends onboarding's test applications; the
# register must know them (the quick start's Kari; in a test environment a Tenor person).
ONBOARDING_TEST_PERSON_PID = env_str("DIGISOS_ONBOARDING_TEST_PERSON_PID", "14839110090")

# Concern reports (digisos.concerns): a report no case system or inbox acknowledged within two working days,
# or one the case system refused, goes out as a letter through this print port (the local adapter writes the
# letter PDF to CONCERNS_PRINT_DIR); the content is deleted CONCERNS_RETENTION_DAYS after acknowledgement.
CONCERNS_PRINT_SERVICE = env_str(
    "DIGISOS_CONCERNS_PRINT_SERVICE", "digisos.concerns.printing.FolderPrintService"
)
CONCERNS_PRINT_DIR = Path(env_str("DIGISOS_CONCERNS_PRINT_DIR", str(VAR_DIR / "print")))
CONCERNS_RETENTION_DAYS = env_int("DIGISOS_CONCERNS_RETENTION_DAYS", 30)

# SMS to applicants goes through this gateway (a port: digisos.innsyn.adapters.sms.SmsGateway). The logging
# adapter sends nothing; production sets its gateway's adapter.
SMS_GATEWAY = env_str("DIGISOS_SMS_GATEWAY", "digisos.innsyn.adapters.sms.LoggingSmsGateway")

# Employees' access decisions in ArcSight CEF (digisos.followup.audit): "tcp://host:port" (syslog, NAIS:
# audit.nais:6514), a file path, or empty to keep them only in the database. Never the ordinary log.
AUDIT_LOG_ADDRESS = env_str("DIGISOS_AUDIT_LOG_ADDRESS", "")
# How long the access decisions are kept in the database (the data-flow register's "audit.lookups"): two
# years, DigiSos' proposal; the municipalities as controllers decide.
AUDIT_RETENTION_DAYS = env_int("DIGISOS_AUDIT_RETENTION_DAYS", 730)

# The exchange API for case systems (/api/exchange/v1/). AUDIENCE is what a client's signed assertion must
# name as `aud`; access tokens live ACCESS_TOKEN_SECONDS (Maskinporten's default is 120).
EXCHANGE = {
    "AUDIENCE": env_str("DIGISOS_EXCHANGE_AUDIENCE", "digisos-exchange"),
    "ACCESS_TOKEN_SECONDS": env_int("DIGISOS_EXCHANGE_ACCESS_TOKEN_SECONDS", 120),
    # Days the encrypted copies of a collected delivery are kept for a case system that must fetch again.
    "COLLECTED_FILES_KEEP_DAYS": env_int("DIGISOS_EXCHANGE_COLLECTED_FILES_KEEP_DAYS", 30),
}

# E-mail: printed to the console in the quick start; SMTP when DIGISOS_EMAIL_HOST is set.
EMAIL_HOST = env_str("DIGISOS_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("DIGISOS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DIGISOS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("DIGISOS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DIGISOS_EMAIL_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("DIGISOS_EMAIL_FROM", "DigiSos <ikke-svar@digisos.example>")

# Identity numbers: accept Tenor (+80 month) and NAV/Dolly (+40 month) synthetic numbers.
# Only for the quick start and test environments; production.py refuses it.
ALLOW_SYNTHETIC_IDENTITY_NUMBERS = env_bool("DIGISOS_ALLOW_SYNTHETIC_IDS", True)

# ID-porten (citizens): OIDC authorization code flow with PKCE.
IDPORTEN = {
    "ISSUER": env_str("DIGISOS_IDPORTEN_ISSUER", "http://127.0.0.1:9400"),
    "CLIENT_ID": env_str("DIGISOS_IDPORTEN_CLIENT_ID", "digisos-local"),
    "CLIENT_SECRET": env_str("DIGISOS_IDPORTEN_CLIENT_SECRET", "digisos-local-secret"),
    "ACR_VALUES": env_str("DIGISOS_IDPORTEN_ACR", "idporten-loa-high"),
    # Treat the legacy name as equal to the current one (as NAV does).
    "ACCEPTED_ACR": env_list("DIGISOS_IDPORTEN_ACCEPTED_ACR", ["idporten-loa-high", "Level4"]),
    "SCOPE": "openid profile",
}
# Employee login (NAV veiledere, kommunale saksbehandlere, operators, analysts): a second OIDC client.
EMPLOYEE_OIDC = {
    "ISSUER": env_str("DIGISOS_EMPLOYEE_OIDC_ISSUER", "http://127.0.0.1:9400"),
    "CLIENT_ID": env_str("DIGISOS_EMPLOYEE_OIDC_CLIENT_ID", "digisos-employee-local"),
    "CLIENT_SECRET": env_str("DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET", "digisos-employee-local-secret"),
    "ROLES_CLAIM": env_str("DIGISOS_EMPLOYEE_ROLES_CLAIM", "roles"),
    "SCOPE": "openid profile email",
}
OIDC_HTTP_TIMEOUT_SECONDS = env_int("DIGISOS_OIDC_HTTP_TIMEOUT", 10)
# The login and logout buttons are forms whose answer redirects to the provider; browsers apply
# form-action to that redirect, so the providers' origins are allowed there.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
    {"{0.scheme}://{0.netloc}".format(urlsplit(c["ISSUER"])) for c in (IDPORTEN, EMPLOYEE_OIDC)}
)
# Apps whose models operators manage in the admin (view/change/add; never delete).
OPERATOR_ADMIN_APPS = env_list(
    "DIGISOS_OPERATOR_ADMIN_APPS", ["municipalities", "core", "exchange", "followup"]
)

LOG_LEVEL = env_str("DIGISOS_LOG_LEVEL", "INFO")
LOGGING_CONFIG = None  # structlog is configured in digisos.core.logging at start-up.

# Path of the synthetic demo population (personas) used by the local register adapters.
DEMO_POPULATION_FILE = Path(
    env_str("DIGISOS_DEMO_POPULATION", str(SRC_DIR / "data" / "demo" / "population.json"))
)

# The synthetic organisations (schools, kindergartens, health stations) the local Enhetsregisteret answers with.
DEMO_ENHETSREGISTER_FILE = Path(
    env_str("DIGISOS_DEMO_ENHETSREGISTER", str(SRC_DIR / "data" / "demo" / "enhetsregisteret.json"))
)

# Register ports and the adapter that answers each (local ones read the synthetic population above).
REGISTER_ADAPTERS = {
    port: env_str(f"DIGISOS_{port.upper()}_ADAPTER", f"digisos.registers.adapters.local.{local}")
    for port, local in {
        "folkeregister": "LocalFolkeregister",
        "krr": "LocalKrr",
        "kontoregister": "LocalKontoregister",
        "aaregister": "LocalAaregister",
        "nav_utbetalinger": "LocalNavUtbetalinger",
        "skatteetaten": "LocalSkatteetaten",
        "husbanken": "LocalHusbanken",
        "address_protection": "LocalAddressProtection",
        "skjerming": "LocalSkjerming",
        "altinn": "LocalAltinn",
        "enhetsregisteret": "LocalEnhetsregisteret",
    }.items()
}

# Who is specially authorised to see persons with address protection (followup.models.ProtectedAccessGrant):
# `(user_id, level) -> bool`, asked by registers/protection.py for the inbox's list and case page and the work
# queues, which sit below follow-up in the module map and so reach its policy by name, as the adapters above.
PROTECTED_ACCESS_CLEARANCE = "digisos.followup.policy.has_protected_access"

# Documents: the upload pipeline's limits (NAV's: 10 MB per file, 30 files and 150 MB per submission).
DOCUMENTS = {
    "MAX_FILE_BYTES": env_int("DIGISOS_DOCUMENT_MAX_FILE_BYTES", 10 * 1024 * 1024),
    "MAX_FILES": env_int("DIGISOS_DOCUMENT_MAX_FILES", 30),
    "MAX_TOTAL_BYTES": env_int("DIGISOS_DOCUMENT_MAX_TOTAL_BYTES", 150 * 1024 * 1024),
    # Decompression limits: an image above this many pixels or an Office file that expands beyond this many
    # bytes is refused before it is decoded. A decoded pixel takes 4 bytes, so 50 megapixels cost at most
    # ~200 MB while the photo is scaled down; a 48-megapixel phone photo (8000 × 6000) still fits.
    "MAX_IMAGE_PIXELS": env_int("DIGISOS_DOCUMENT_MAX_IMAGE_PIXELS", 50_000_000),
    "MAX_EXPANDED_OFFICE_BYTES": env_int("DIGISOS_DOCUMENT_MAX_EXPANDED_BYTES", 200 * 1024 * 1024),
    # Photos are scaled to fit an A4 page at 300 dpi: sharp when printed, a fraction of the size.
    "MAX_IMAGE_SIDE": env_int("DIGISOS_DOCUMENT_MAX_IMAGE_SIDE", 3508),
    "CONVERSION_TIMEOUT_SECONDS": env_int("DIGISOS_DOCUMENT_CONVERSION_TIMEOUT", 60),
    "CONVERSION_WORK_DIR": env_str("DIGISOS_DOCUMENT_WORK_DIR", str(VAR_DIR / "convert")),
    # Drafts' and demo uploads' folders that nothing refers to any more are removed after this many hours.
    "ORPHAN_GRACE_HOURS": env_int("DIGISOS_DOCUMENT_ORPHAN_GRACE_HOURS", 24),
}
# Uploads are not held in memory above 2.5 MB (Django's default spools them to a temporary file), and no
# file is kept beyond MAX_FILE_BYTES + 1 while it streams in: the rest is dropped as it arrives.
DATA_UPLOAD_MAX_NUMBER_FILES = DOCUMENTS["MAX_FILES"]
FILE_UPLOAD_HANDLERS = [
    "digisos.documents.uploads.FileSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# clamd: a Unix socket path or tcp://host:port. `make run` and `make test` start one (scripts/clamd.sh).
CLAMD_ADDRESS = env_str("DIGISOS_CLAMD_ADDRESS", str(VAR_DIR / "clamd" / "clamd.sock"))
CLAMD_TIMEOUT_SECONDS = env_int("DIGISOS_CLAMD_TIMEOUT", 30)

# The document key: documents are encrypted at rest to this certificate (CMS, RSA-OAEP + AES-256-CBC).
# The quick start generates a key pair on first use; production must supply both files.
DOCUMENT_KEY_CERTIFICATE = Path(
    env_str("DIGISOS_DOCUMENT_KEY_CERTIFICATE", str(VAR_DIR / "keys" / "document-key.crt"))
)
DOCUMENT_KEY_PRIVATE = Path(
    env_str("DIGISOS_DOCUMENT_KEY_PRIVATE", str(VAR_DIR / "keys" / "document-key.pem"))
)
DOCUMENT_KEY_GENERATE = env_bool("DIGISOS_DOCUMENT_KEY_GENERATE", True)
# Keys replaced by a rotation, kept to read the documents encrypted to them: NAME.crt with NAME.pem, any
# number of pairs. `manage.py rotate_document_key` puts the current pair here and makes a new one current.
DOCUMENT_KEYRING_DIR = Path(env_str("DIGISOS_DOCUMENT_KEYRING_DIR", str(VAR_DIR / "keys" / "previous")))

# Committed OpenAPI documents (docs/api/<name>.yaml), checked against the code by `make test`.
OPENAPI_DOCUMENTS = {
    "public-v1": ("digisos.public_api.public_api", "/api/public/v1"),
    "exchange-v1": ("digisos.exchange.api.api", "/api/exchange/v1"),
    "barnevern-v1": ("digisos.concerns.api.api", "/api/barnevern/v1"),
}

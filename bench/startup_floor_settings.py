"""bench/startup.py's floor: Django as our settings configure it, with the third-party and contrib apps, middleware
and template context processors we use and no DigiSos app, module or setting of ours; the admin is Django's
SimpleAdminConfig, as ours is (its modules discovered by the URLconf and the checks, src/digisos/core/admin_config.py),
and bench/startup_floor_manage.py starts it as our manage.py starts. What `manage.py help`
costs above this is ours. Its language is ours too: with LANGUAGE_CODE "nb" Django reads its own and the contrib
apps' bokmål catalogues at start-up (about 10 M instructions more than English), whatever our apps do.
tests/core/test_start_up_floor.py keeps these lists the same as src/digisos/settings/base.py's."""

SECRET_KEY = "bench-only"  # noqa: S105 - never used for anything
INSTALLED_APPS = [
    # Django's admin without the autodiscovery at start-up, as ours (src/digisos/core/admin_config.py).
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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
    }
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

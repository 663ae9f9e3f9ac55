"""Tests: PostgreSQL is set by tests/conftest.py (a throwaway cluster), never SQLite."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The fake case system (manage.py fagsystem_simulator, exchange_demo_setup): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "digisos_simulator"]

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Serve static files from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A session's expiry is refreshed (one more UPDATE) when 5 minutes have passed since the last refresh. A test
# that logs in and then spends minutes setting up thousands of rows on a busy machine would count that write
# among the page's queries; tests/core/test_sessions.py sets the interval it tests.
SESSION_REFRESH_SECONDS = 24 * 60 * 60

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

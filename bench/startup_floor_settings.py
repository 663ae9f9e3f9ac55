"""bench/startup.py's floor: Django with only the third-party apps we install (admin, auth, sessions, tasks), no
DigiSos app. What `manage.py help` costs above this is ours."""

SECRET_KEY = "bench-only"  # noqa: S105 - never used for anything
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

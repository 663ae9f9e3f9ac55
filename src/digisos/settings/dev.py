"""Quick start (`make run`): debug on, SQLite, local ID-porten."""

from .base import *  # noqa: F403

DEBUG = True

# Serve static files from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

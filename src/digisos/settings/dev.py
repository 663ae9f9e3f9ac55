"""Quick start (`make run`): debug on, SQLite, local ID-porten."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The fake case system (manage.py fagsystem_simulator, exchange_demo_setup): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "digisos_simulator"]

DEBUG = True

# Serve static files from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

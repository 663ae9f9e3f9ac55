"""Quick start (`make run`): SQLite, local ID-porten. Debug only when asked for (DIGISOS_DEBUG=1, read in base.py):
Django's debug pages list every URL and setting, so the quick start shows the real error pages by default."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The fake case system (manage.py fagsystem_simulator, exchange_demo_setup): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "digisos_simulator"]


# Serve static files from the finders (with or without DEBUG); no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

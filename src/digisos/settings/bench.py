"""Benchmarks: production settings over plain HTTP on loopback, plus one bare view as the ceiling."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

# bench/run.py connects the demo case systems with exchange_demo_setup; the app adds no request path.
INSTALLED_APPS = [*INSTALLED_APPS, "digisos_simulator"]

SECURE_SSL_REDIRECT = False
ROOT_URLCONF = "digisos.bench_urls"
# Plain HTTP on loopback: the load generator must be able to send the session and CSRF cookies back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

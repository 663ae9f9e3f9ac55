"""Benchmarks: production settings over plain HTTP on loopback, plus one bare view as the ceiling."""

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
ROOT_URLCONF = "digisos.bench_urls"

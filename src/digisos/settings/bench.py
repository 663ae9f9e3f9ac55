"""Benchmarks: production settings over plain HTTP on loopback."""

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False

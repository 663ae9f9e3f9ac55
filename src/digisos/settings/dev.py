"""Quick start (`make run`): debug on, SQLite, local ID-porten."""

from .base import *  # noqa: F403

DEBUG = True

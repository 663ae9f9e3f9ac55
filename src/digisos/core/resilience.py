"""Long-running processes (worker, scheduler) outlive a database that is briefly away or busy.

A PostgreSQL restart or failover, or SQLite's write lock held past the busy timeout in the quick start, is an
OperationalError or InterfaceError. Such an error is transient: the process logs a line, closes its
connections so that the next attempt opens a fresh one, waits (growing delays, capped) and tries again.
It never dies of it. Any other error is a defect and still stops the process.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import structlog
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError

log = structlog.get_logger(__name__)

TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
T = TypeVar("T")


def backoff_delays(*, first: float = 1.0, factor: float = 2.0, cap: float = 30.0) -> Iterator[float]:
    """1, 2, 4, 8 … seconds, never more than `cap`."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= factor


def retry_on_database_error(
    step: Callable[[], T],
    *,
    process: str,
    sleep: Callable[[float], None] = time.sleep,
    cap: float = 30.0,
) -> T:
    """Run `step` until it returns; after a transient database error, log, wait and run it again."""
    delays = backoff_delays(cap=cap)
    attempt = 0
    while True:
        try:
            return step()
        except TRANSIENT_DATABASE_ERRORS as error:
            attempt += 1
            delay = next(delays)
            log.warning(
                "process.database_error",
                process=process,
                error=f"{type(error).__name__}: {error}",
                attempt=attempt,
                retry_in_seconds=delay,
            )
            _drop_connections()
            sleep(delay)


def _drop_connections() -> None:
    # A connection that saw the error may be broken (PostgreSQL restarted) or inside a failed transaction.
    close_old_connections()
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(TRANSIENT_DATABASE_ERRORS):
            connection.close()

"""A tiny periodic scheduler on top of django-tasks: it only decides *when*; the db_worker runs the job.

django-tasks has no periodic scheduling of its own. Jobs are listed in settings.PERIODIC_TASKS as
{name: {"task": dotted path of a @task, "every_minutes": n}}.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun
from .resilience import retry_on_database_error

log = structlog.get_logger(__name__)


def enqueue_due_jobs(*, now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    enqueued = []
    for name, job in settings.PERIODIC_TASKS.items():
        with transaction.atomic():
            run, _ = PeriodicRun.objects.select_for_update().get_or_create(name=name)
            interval = timedelta(minutes=job["every_minutes"])
            if run.last_enqueued_at is not None and run.last_enqueued_at + interval > now:
                continue
            import_string(job["task"]).enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            enqueued.append(name)
    if enqueued:
        log.info("scheduler.enqueued", jobs=enqueued)
    return enqueued


def run_forever(
    *,
    interval: float,
    once: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    on_enqueued: Callable[[str], None] = lambda name: None,
) -> None:
    """A pass every `interval` seconds. A pass that meets a database error (SQLite busy past its timeout, a
    PostgreSQL restart) is logged and tried again after a growing pause: the scheduler never dies of it, or
    every periodic job would stop until someone noticed."""
    while True:
        for name in retry_on_database_error(enqueue_due_jobs, process="scheduler", sleep=sleep):
            on_enqueued(name)
        if once:
            return
        sleep(interval)

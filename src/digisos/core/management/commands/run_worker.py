"""`manage.py run_worker`: django-tasks-db's db_worker that outlives a transient database error.

db_worker already shrugs off SQLite's "database is locked" while it looks for a task, but any other
OperationalError (the lock met elsewhere in its loop, a PostgreSQL restart or failover) ends the process, and
with it all background work. Here the worker logs the error, waits with a growing pause and goes on.
The options are db_worker's.
"""

import os
import time

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from digisos.core.resilience import retry_on_database_error


class ResilientWorker(db_worker.Worker):
    sleep = staticmethod(time.sleep)

    def run(self) -> None:
        retry_on_database_error(super().run, process="worker", sleep=self.sleep)


class Command(db_worker.Command):
    help = "Run the background worker (db_worker that survives transient database errors)."

    def handle(  # type: ignore[override]
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: object,
    ) -> None:
        # As db_worker's handle, with ResilientWorker in place of Worker.
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child that runs the tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

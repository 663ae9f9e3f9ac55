"""The worker and the scheduler outlive a transient database error (SQLite busy past its timeout in the quick
start, a PostgreSQL restart): they log a line, wait a growing pause and go on, instead of dying and taking
every background job with them."""

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from digisos.core import resilience, scheduler
from digisos.core.management.commands import run_worker
from digisos.exchange.tasks import remove_spent_assertions


class RecordingLog:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict]] = []

    def warning(self, event: str, **fields: object) -> None:
        self.lines.append((event, fields))


@pytest.fixture
def log(monkeypatch):
    recording = RecordingLog()
    monkeypatch.setattr(resilience, "log", recording)
    return recording


def failing_then(result, failures: int):
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("database is locked")
        return result

    return step


def test_a_database_error_is_retried_after_growing_pauses_capped(log):
    sleeps: list[float] = []
    step = failing_then("done", failures=7)
    assert resilience.retry_on_database_error(step, process="test", sleep=sleeps.append, cap=30) == "done"
    assert sleeps == [1, 2, 4, 8, 16, 30, 30]
    assert [event for event, _ in log.lines] == ["process.database_error"] * 7
    assert log.lines[0][1]["process"] == "test"
    assert "database is locked" in log.lines[0][1]["error"]


def test_the_scheduler_survives_a_database_error_and_enqueues_on_the_next_attempt(monkeypatch, log):
    monkeypatch.setattr(
        scheduler, "enqueue_due_jobs", failing_then(["exchange.resume_deliveries"], failures=2)
    )
    sleeps: list[float] = []
    enqueued: list[str] = []
    scheduler.run_forever(interval=30, once=True, sleep=sleeps.append, on_enqueued=enqueued.append)
    assert enqueued == ["exchange.resume_deliveries"]
    assert sleeps == [1, 2]
    assert [fields["process"] for _, fields in log.lines] == ["scheduler", "scheduler"]


@pytest.mark.django_db(transaction=True)  # the worker manages its connections as in production
def test_the_worker_survives_a_database_error_in_its_loop_and_runs_the_task(monkeypatch, log, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = remove_spent_assertions.enqueue()
    # The connection drops once where db_worker itself does not catch it (a PostgreSQL restart, say).
    real = db_worker.close_old_connections
    dropped = []

    def drops_once() -> None:
        if not dropped:
            dropped.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        real()

    monkeypatch.setattr(db_worker, "close_old_connections", drops_once)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        assert len(sleeps) < 5, "the worker keeps failing"

    monkeypatch.setattr(run_worker.ResilientWorker, "sleep", staticmethod(sleep))
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [(event, fields["process"]) for event, fields in log.lines] == [
        ("process.database_error", "worker")
    ]
    assert sleeps == [1]

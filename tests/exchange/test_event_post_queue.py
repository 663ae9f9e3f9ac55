"""The work a stored report queues (innsyn's notify_case) is one waiting run per case, however many reports
come before the worker gets to it (core.queue.enqueue_once): a case system posting every few seconds used to
queue, and have the worker run, one notification per post."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from digisos.exchange.services.reporting import report_case_events
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from tests.factories import CaseFactory, case_system

pytestmark = pytest.mark.usefixtures("reference_data", "document_settings")

NOTIFY = "digisos.innsyn.tasks.notify_case"
START = datetime(2026, 11, 23, 10, tzinfo=UTC)


def report(case, count: int) -> None:
    """The case's document with `count` events, one second apart (each post one event longer)."""
    events = [builders.soknads_status(SoknadsStatus.MOTTATT, at=START)] + [
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=START + timedelta(seconds=index))
        for index in range(1, count)
    ]
    report_case_events(
        actor_id=case_system(case.municipality_id).pk, case_id=case.id, document=builders.document(*events)
    )


def waiting(case) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=NOTIFY, status="READY", args_kwargs={"args": [str(case.id)], "kwargs": {}}
        )
    )


@pytest.mark.django_db
def test_reports_before_the_worker_runs_queue_one_notification_per_case(settings):
    case, other = CaseFactory(), CaseFactory(persona="kari-leier-oslo")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for count in (1, 2, 3):
        report(case, count)
    report(other, 1)
    assert len(waiting(case)) == 1
    assert len(waiting(other)) == 1
    assert DBTaskResult.objects.filter(task_path=NOTIFY).count() == 2


@pytest.mark.django_db
def test_a_report_after_the_worker_claimed_the_waiting_run_queues_another(settings):
    """A run the worker has started may have read the case before this report: it no longer stands in."""
    case = CaseFactory()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report(case, 1)
    (claimed,) = waiting(case)
    claimed.claim("worker-1")
    report(case, 2)
    assert len(waiting(case)) == 1 and waiting(case)[0].pk != claimed.pk
    assert DBTaskResult.objects.filter(task_path=NOTIFY).count() == 2


@pytest.mark.django_db(transaction=True)  # the worker manages its connections as in production
@pytest.mark.usefixtures("municipalities_loaded")  # a transactional test before this one emptied the tables
def test_the_worker_runs_the_waiting_notification(settings):
    case = CaseFactory()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report(case, 1)
    report(case, 2)
    (queued,) = waiting(case)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", queued.traceback

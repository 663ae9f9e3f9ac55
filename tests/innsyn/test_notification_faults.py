"""A crash right after a report is committed loses nothing: the process that stores the case system's report is
killed (SIGKILL) the moment its transaction has committed, where on-commit hooks would run; a real db_worker
started afterwards still notes the deadline and notifies the applicant, once."""

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from digisos.accounts.models import User
from digisos.exchange.models import CaseState
from digisos.exchange.services.delivery import create_paper_case
from digisos.innsyn.models import Notification
from digisos.registers.adapters.local import load_population
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus
from tests.exchange.test_delivery_faults import ROOT, worker_env

# Stores the report given on the command line, and dies by SIGKILL as soon as the report is stored: when its
# transaction has committed (Django runs on-commit hooks from there, so whatever was left to them is lost), or,
# on the path that writes the report as one statement outside a transaction, as soon as that statement returns
# (reporting._stored is what runs next).
REPORTER = "import django; django.setup()\n" + textwrap.dedent(
    """
    import json, os, signal, sys
    from django.db.backends.base.base import BaseDatabaseWrapper
    from digisos.accounts.models import User
    from digisos.exchange.services import reporting
    from digisos.exchange.services.reporting import report_case_events
    from digisos.exchange.models import Case

    case = Case.objects.get(pk=sys.argv[1])
    actor = User.objects.get(username=sys.argv[2])
    document = json.loads(sys.argv[3])

    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    BaseDatabaseWrapper.run_and_clear_commit_hooks = killed
    reporting._stored = killed
    report_case_events(actor_id=actor.pk, case_id=case.id, document=document)
    """
)
WORKER = "import django; django.setup()\n" + textwrap.dedent(
    """
    from django.core.management import call_command
    call_command("db_worker", "--batch", "--interval", "0.1")
    """
)


def request_without_letter(deadline: datetime) -> dict:
    return builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z"),
        builders.event(
            EventType.DOKUMENTASJON_ETTERSPURT,
            at="2026-11-23T10:05:00.000Z",
            dokumenter=[
                {
                    "dokumenttype": "Kontoutskrift",
                    "innsendelsesfrist": deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "dokumentreferanse": "dok-1",
                }
            ],
        ),
        avsender={"systemnavn": "t", "systemversjon": "1"},
    )


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_process_dies_right_after_commit_still_notifies_and_notes_the_deadline(
    document_settings, postgres_cluster, settings
):
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")
    system = User.objects.create(username="fagsystem-test", kind=User.Kind.SYSTEM)
    case = create_paper_case(actor_id=system.pk, kommunenummer="4601", fodselsnummer=pid)
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    document = request_without_letter(deadline)
    env = worker_env(postgres_cluster, settings, document_settings)

    reporter = subprocess.run(
        [sys.executable, "-c", REPORTER, str(case.id), system.username, json.dumps(document)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert reporter.returncode == -9, reporter.stderr[-3000:]  # killed, not failed
    case.refresh_from_db()
    assert case.soker == document  # the report was committed before the kill
    assert not Notification.objects.filter(case=case).exists()

    subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env=env, check=True, timeout=120)
    notified = list(Notification.objects.filter(case=case).values_list("kind", "sms_sent", "email_sent"))
    assert notified == [("request", True, True)]
    # The read model was written in the report's own transaction: the reminder finds the deadline.
    assert CaseState.objects.get(case=case).first_task_deadline == deadline

    # Running the worker again (or the task twice) tells the applicant nothing new.
    subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env=env, check=True, timeout=120)
    assert Notification.objects.filter(case=case).count() == 1

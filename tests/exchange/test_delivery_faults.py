"""Faults in delivery: the real db_worker is killed (SIGKILL) in the middle of encrypting a delivery, then a
new worker runs the sweep; the case is delivered exactly once. Also: retries with backoff, giving up, and
the two-working-day alarm."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from digisos.core.models import AuditEntry
from digisos.exchange.models import Delivery, Receiver
from digisos.exchange.selectors import collect_deadline, overdue_deliveries
from digisos.exchange.services.delivery import MAX_ATTEMPTS, resume_deliveries
from tests.fixtures.exchange import apply, connect
from tests.fixtures.personas import citizen

ROOT = Path(__file__).resolve().parents[2]

# A worker whose encryption stalls after the first file, so the test can kill it mid-delivery.
STALLING_WORKER = textwrap.dedent(
    """
    import os, sys, time, django
    django.setup()
    from digisos.exchange.services import delivery
    real = delivery.encrypt
    calls = []
    def stalling(data, key):
        calls.append(1)
        if len(calls) == 2:
            open(sys.argv[1], "w").close()
            time.sleep(120)
        return real(data, key)
    delivery.encrypt = stalling
    from django.core.management import call_command
    delivery.resume_deliveries()
    call_command("db_worker", "--batch", "--interval", "0.1")
    """
)
WORKER = "import django; django.setup()\n" + textwrap.dedent(
    """
    from django.core.management import call_command
    from digisos.exchange.services.delivery import resume_deliveries
    resume_deliveries()
    call_command("db_worker", "--batch", "--interval", "0.1")
    """
)


def worker_env(postgres_cluster, settings, storage: Path) -> dict[str, str]:
    certificate, private = settings.DOCUMENT_KEY_CERTIFICATE, settings.DOCUMENT_KEY_PRIVATE
    return {
        **os.environ,
        # The quick start's settings use the database task backend, as production does.
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "DIGISOS_DATABASE_URL": postgres_cluster.url.rsplit("/", 1)[0] + "/test_digisos",
        "DIGISOS_DOCUMENT_DIR": str(storage),
        "DIGISOS_DOCUMENT_KEY_CERTIFICATE": str(certificate),
        "DIGISOS_DOCUMENT_KEY_PRIVATE": str(private),
        "DIGISOS_CLAMD_ADDRESS": str(settings.CLAMD_ADDRESS),
        "DIGISOS_LOG_LEVEL": "WARNING",
    }


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_then_restarted_delivers_exactly_once(
    municipality_keys, document_settings, postgres_cluster, settings, tmp_path
):
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)
    connect(municipality_keys)
    # Bergen's certificate is not registered yet: the first attempt (in the request) fails and waits.
    Receiver.objects.filter(pk="4601").update(certificate_pem="")
    application = apply(Client(), citizen("familie-bergen"))
    delivery = Delivery.objects.get(case__application=application)
    assert (delivery.status, delivery.attempts) == ("waiting", 1) and "sertifikat" in delivery.last_error
    Receiver.objects.filter(pk="4601").update(
        certificate_pem=(municipality_keys["4601"] / "mottak.crt").read_text()
    )
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))

    env = worker_env(postgres_cluster, settings, document_settings)
    marker = tmp_path / "stalled"
    worker = subprocess.Popen([sys.executable, "-c", STALLING_WORKER, str(marker)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert worker.poll() is None, "the worker ended before it stalled"
        assert time.monotonic() < deadline, "the worker never reached the second file"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.files.count()) == ("waiting", 2, 0)
    attempt_dir = document_settings / "exchange" / str(delivery.public_id) / "2"
    assert len(list(attempt_dir.iterdir())) == 1  # the killed attempt left one encrypted file behind

    # Restart: five minutes on, the sweep of a new worker takes the delivery up again.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env=env, check=True, timeout=120)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("available", 3)
    files = list(delivery.files.all())
    assert [f.role for f in files] == ["soknad.json", "vedlegg.json", "soknad.pdf", "vedlegg"]
    assert all(f.storage_name.startswith(f"exchange/{delivery.public_id}/3/") for f in files)
    stored = sorted(
        p.relative_to(document_settings).as_posix() for p in (document_settings / "exchange").rglob("*.p7m")
    )
    assert stored == sorted(f.storage_name for f in files)  # the killed attempt's file was removed
    assert (
        AuditEntry.objects.filter(
            action="exchange.delivery_available", object_id=str(delivery.public_id)
        ).count()
        == 1
    )

    # A second sweep (or a late duplicate task) changes nothing.
    subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, env=env, check=True, timeout=120)
    assert Delivery.objects.get(pk=delivery.pk).files.count() == 4


@pytest.mark.django_db
def test_failures_back_off_then_give_up_and_overdue_deliveries_are_raised(
    client, connected, reference_data, document_settings, django_capture_on_commit_callbacks
):
    Receiver.objects.filter(pk="4601").update(certificate_pem="")
    before = datetime.now(UTC)
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, citizen("familie-bergen"), upload=False)
    after = datetime.now(UTC)
    delivery = Delivery.objects.get(case__application=application)
    assert delivery.status == "waiting" and delivery.attempts == 1
    delays = [_delay(delivery.next_attempt_at, before, after)]
    assert resume_deliveries() == 0  # not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
        )
        before = datetime.now(UTC)
        assert resume_deliveries() == 1
        after = datetime.now(UTC)
        delivery.refresh_from_db()
        if delivery.next_attempt_at is not None:
            delays.append(_delay(delivery.next_attempt_at, before, after))
    # Each failed attempt waits twice as long as the one before, from two minutes up to an hour.
    expected = [2, 4, 8, 16, 32] + [60] * (MAX_ATTEMPTS - 6)
    assert len(delays) == len(expected)
    for attempt, ((shortest, longest), minutes) in enumerate(zip(delays, expected, strict=True), start=1):
        assert shortest <= timedelta(minutes=minutes) <= longest, (
            f"attempt {attempt} waits between {shortest} and {longest}, not {minutes} minutes"
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )

    # Available on a Friday afternoon: due Tuesday afternoon (two working days), not Sunday.
    friday = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert collect_deadline(friday).date().isoformat() == "2026-11-24"
    # Easter: Maundy Thursday to Easter Monday are holidays in Norway.
    assert collect_deadline(datetime(2026, 4, 1, 10, 0, tzinfo=UTC)).date().isoformat() == "2026-04-08"
    Delivery.objects.filter(pk=delivery.pk).update(status="available", available_at=friday)
    assert overdue_deliveries(now=datetime(2026, 11, 24, 12, 0, tzinfo=UTC)) == []
    assert [d.pk for d in overdue_deliveries(now=datetime(2026, 11, 24, 16, 0, tzinfo=UTC))] == [delivery.pk]


def _delay(next_attempt_at: datetime, before: datetime, after: datetime) -> tuple[timedelta, timedelta]:
    """The shortest and longest the wait can be, the failed attempt having run between before and after."""
    return next_attempt_at - after, next_attempt_at - before

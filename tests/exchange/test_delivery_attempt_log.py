"""A failed delivery attempt is recorded on the delivery, retried with backoff and logged (structured: which
delivery, which attempt, at which stage, what kind of error; never the error's text, which may quote content
or a fødselsnummer). The publishing step failed silently: its error ended in the task's result, which the
db_worker run with -v0 does not log, and the delivery waited for the five-minute sweep."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError

from digisos.exchange.models import Delivery
from digisos.exchange.services import attempts
from digisos.exchange.services import delivery as deliveries
from tests.factories import DeliveryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

SECRET = "12345678901 Kari Nordmann, husleie 9000"


class RecordingLog:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str, dict]] = []

    def info(self, event: str, **fields: object) -> None:
        self.lines.append(("info", event, fields))

    def warning(self, event: str, **fields: object) -> None:
        self.lines.append(("warning", event, fields))


def waiting_delivery() -> Delivery:
    """A sent application's delivery, waiting for its next attempt (as after a failed one)."""
    delivery = DeliveryFactory()
    delivery.files.all().delete()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.WAITING, available_at=None, next_attempt_at=datetime.now(UTC)
    )
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def log(monkeypatch):
    recording = RecordingLog()
    monkeypatch.setattr(attempts, "log", recording)
    return recording


def test_a_failed_publish_is_recorded_retried_and_logged_without_its_text(monkeypatch, log):
    delivery = waiting_delivery()
    attempt = delivery.attempts + 1

    def failing_publish(delivery, prepared, attempt):
        raise IntegrityError(f"duplicate key value violates unique constraint: {SECRET}")

    monkeypatch.setattr(deliveries, "_publish", failing_publish)
    before = datetime.now(UTC)
    assert deliveries.deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.files.count()) == ("waiting", attempt, 0)
    assert delivery.last_error.startswith("IntegrityError:")
    # The backoff (2 ** attempt minutes), not the five-minute sweep that finds a dead attempt.
    assert delivery.next_attempt_at >= before + timedelta(minutes=2**attempt)
    failed = [(level, fields) for level, event, fields in log.lines if event == "exchange.delivery_failed"]
    assert failed == [
        (
            "warning",
            {
                "delivery": str(delivery.public_id),
                "kind": "soknad",
                "attempt": attempt,
                "stage": "publish",
                "error_type": "IntegrityError",
                "gave_up": False,
            },
        )
    ]
    assert "12345678901" not in repr(log.lines) and "Kari" not in repr(log.lines)


def test_a_failed_preparation_is_logged_the_same_way(monkeypatch, log):
    delivery = waiting_delivery()

    def failing_prepare(delivery, attempt):
        raise ValueError(SECRET)

    monkeypatch.setattr(deliveries, "_prepare_for_channel", failing_prepare)
    assert deliveries.deliver(delivery_id=delivery.pk) == "failed"
    failed = [fields for _, event, fields in log.lines if event == "exchange.delivery_failed"]
    assert [(f["stage"], f["error_type"], f["attempt"]) for f in failed] == [
        ("prepare", "ValueError", delivery.attempts + 1)
    ]
    assert "12345678901" not in repr(log.lines) and "Kari" not in repr(log.lines)

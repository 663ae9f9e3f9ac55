"""The attempts of a delivery, the same for every kind the exchange carries (digisos.exchange.delivery_kinds):
an application, an ettersendelse, a concern report.

The attempt is counted and committed first, then the kind's files are built and written under that attempt's
own prefix, then one short transaction publishes them. A killed worker leaves the delivery waiting with a next
attempt five minutes on (the sweep resumes it); a later attempt that finds itself overtaken throws its files
away. So however often it runs, one set of files is published, once. A failure is recorded on the delivery and
retried with a growing pause, up to MAX_ATTEMPTS.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from digisos.core.services import record_audit
from digisos.documents.encryption import DocumentKey

from .. import metrics
from ..errors import DeliveryNotAvailable
from ..models import AttemptedDelivery

log = structlog.get_logger(__name__)

# An attempt that has not finished after this long is taken to be dead (its worker was killed).
STUCK_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 12
# The pause before the next attempt grows 2, 4, 8 … minutes, at most an hour.
LONGEST_PAUSE_MINUTES = 60

Status = AttemptedDelivery.Status
D = TypeVar("D", bound=AttemptedDelivery)


class StoredFile(Protocol):
    """A kind's file row as prepare() builds it: saved in storage, its row not yet created."""

    storage_name: str


def run_attempt(
    model: type[D],
    delivery_id: int,
    *,
    now: datetime | None = None,
    prepare: Callable[[D, int], Sequence[StoredFile]],
    publish: Callable[[D, Sequence[StoredFile], int], dict[str, Any]],
) -> str:
    """One attempt: "skipped" (not waiting, or another worker has it), "failed", "overtaken" or "available".

    `prepare(delivery, attempt)` builds, encrypts and stores the files (outside any transaction: it may take
    seconds); `publish(delivery, files, attempt)` runs in the publishing transaction after the delivery is
    marked available (it creates the file rows and the kind's own state) and returns what the audit entry
    records.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            model.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Status.WAITING)
            .first()
        )
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        delivery.next_attempt_at = now + STUCK_AFTER
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    attempt = delivery.attempts
    try:
        prepared = prepare(delivery, attempt)
    except Exception as error:  # any failure is recorded on the delivery and retried with backoff
        record_failure(model, delivery.pk, attempt, error, now, stage="prepare")
        return "failed"
    try:
        with transaction.atomic():
            delivery = model.objects.select_for_update().get(pk=delivery_id)
            if delivery.status != Status.WAITING or delivery.attempts != attempt:
                transaction.on_commit(lambda: remove_files([f.storage_name for f in prepared]))
                return "overtaken"
            delivery.status = Status.AVAILABLE
            delivery.available_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.last_error = ""
            delivery.save(update_fields=["status", "available_at", "next_attempt_at", "last_error"])
            after = publish(delivery, prepared, attempt)
            record_audit(
                actor=None,
                action=f"{model._meta.app_label}.delivery_available",
                object_type=model._meta.label,
                object_id=str(delivery.public_id),
                after={**after, "attempt": attempt},
            )
    except Exception as error:  # as a failed preparation: rolled back, recorded, logged, retried with backoff
        # The files stay under this attempt's prefix; the attempt that publishes removes the others.
        record_failure(model, delivery_id, attempt, error, now, stage="publish")
        return "failed"
    metrics.DELIVERIES.labels(outcome="available", kind=delivery.delivery_kind()).inc()
    metrics.SEND_TO_AVAILABLE_SECONDS.observe((delivery.available_at - delivery.created_at).total_seconds())
    log.info(
        f"{model._meta.app_label}.delivery_available",
        delivery=str(delivery.public_id),
        attempt=attempt,
        files=len(prepared),
    )
    return "available"


@dataclass(frozen=True)
class Encrypted:
    """One payload file encrypted and stored under its attempt's prefix; the kind makes its row of it."""

    position: int
    role: str
    filename: str
    content_type: str
    size: int  # of the encrypted file, what a download sends
    storage_name: str


def store_encrypted(
    prefix: str,
    attempt: int,
    plain_files: Iterable[tuple[str, str, str, bytes]],
    key: DocumentKey,
    encrypt: Callable[[bytes, DocumentKey], bytes],
) -> list[Encrypted]:
    """Encrypts each (role, filename, content type, bytes) to the key and stores it as
    <prefix>/<attempt>/<position>.p7m; a file an earlier run of the same attempt left is replaced. `encrypt` is
    the caller's (the fault tests stall a worker inside it)."""
    storage = storages["documents"]
    stored = []
    for position, (role, filename, content_type, data) in enumerate(plain_files):
        name = f"{prefix}/{attempt}/{position}.p7m"
        blob = encrypt(data, key)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(blob))
        stored.append(Encrypted(position, role, filename, content_type, len(blob), name))
    return stored


def record_failure(
    model: type[AttemptedDelivery],
    delivery_id: int,
    attempt: int,
    error: Exception,
    now: datetime,
    *,
    stage: str = "prepare",
) -> None:
    """Stores the error on the delivery and schedules the next attempt (or gives up), unless another attempt
    has overtaken this one; logs it either way. `stage`: "prepare" (building and encrypting the files) or
    "publish" (the transaction that makes them collectable).

    The log names the delivery, the attempt, the stage and the error's type, never the error's text: a
    message may quote a document's content or a fødselsnummer. The text is kept on the delivery
    (`last_error`, shown to operators in the admin)."""
    with transaction.atomic():
        delivery = model.objects.select_for_update().get(pk=delivery_id)
        recorded = delivery.attempts == attempt and delivery.status == Status.WAITING
        if recorded:
            delivery.last_error = f"{type(error).__name__}: {error}"[:1000]
            if attempt >= MAX_ATTEMPTS:
                delivery.status = Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + timedelta(minutes=min(2**attempt, LONGEST_PAUSE_MINUTES))
            delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
    fields = {
        "delivery": str(delivery.public_id),
        "kind": delivery.delivery_kind(),
        "attempt": attempt,
        "stage": stage,
        "error_type": type(error).__name__,
    }
    if not recorded:
        log.info(f"{model._meta.app_label}.delivery_attempt_overtaken", **fields)
        return
    metrics.DELIVERIES.labels(outcome="failed_attempt", kind=delivery.delivery_kind()).inc()
    log.warning(
        f"{model._meta.app_label}.delivery_failed", **fields, gave_up=delivery.status == Status.FAILED
    )


def remove_files(names: list[str]) -> None:
    storage = storages["documents"]
    for name in names:
        storage.delete(name)


def due_for_attempt(model: type[AttemptedDelivery], now: datetime, limit: int) -> list[int]:
    """Waiting deliveries whose next attempt is due: retries, and those whose worker died."""
    return list(
        model.objects.filter(status=Status.WAITING, next_attempt_at__lte=now).values_list("pk", flat=True)[
            :limit
        ]
    )


def acknowledge(
    model: type[D],
    delivery_id: int,
    *,
    actor_id: int | None = None,
    at: datetime | None = None,
    on_collected: Callable[[D, datetime], None] | None = None,
) -> D:
    """The receiver (its case system, or the inbox) has the delivery. Acknowledging again changes nothing.
    `on_collected` is the kind's hook, run in the same transaction (a concern report becomes LEVERT)."""
    at = at or timezone.now()
    with transaction.atomic():
        delivery = model.objects.select_for_update().get(pk=delivery_id)
        if delivery.status == Status.COLLECTED:
            return delivery
        if delivery.status != Status.AVAILABLE:
            raise DeliveryNotAvailable("Leveransen er ikke klar til henting ennå.")
        delivery.status = Status.COLLECTED
        delivery.collected_at = at
        delivery.save(update_fields=["status", "collected_at"])
        record_audit(
            actor_id=actor_id,
            action=f"{model._meta.app_label}.delivery_collected",
            object_type=model._meta.label,
            object_id=str(delivery.public_id),
        )
        if on_collected is not None:
            on_collected(delivery, at)
    metrics.DELIVERIES.labels(outcome="collected", kind=delivery.delivery_kind()).inc()
    return delivery

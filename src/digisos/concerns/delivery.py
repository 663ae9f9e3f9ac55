"""Delivery of a sent report to its office, as the exchange delivers an application: the files are built and
encrypted to the receiver in the background, counted per attempt, published in one short transaction, and
collected or refused by the receiving side. The KS states follow: SENDT_FAGSYSTEM when the report can be
collected, LEVERT when it is acknowledged, AVVIST_FAGSYSTEM when the case system refuses it.
"""

import json
from datetime import datetime, timedelta

import structlog
from cryptography import x509
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from digisos.core.services import record_audit
from digisos.documents.encryption import DocumentKey, current_key, encrypt

from .asice import JSON_NAME, PDF_NAME, build_asice, container_name
from .models import ChildWelfareOffice, ConcernDeliveredFile, ConcernDelivery, ConcernReport, ConcernState
from .pdf import render_report
from .services import record_state

log = structlog.get_logger(__name__)

STUCK_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 12
State = ConcernState.State


class DeliveryRefused(ValueError):
    """An acknowledgement or failure for a delivery that is not available to collect."""


def create_delivery(report: ConcernReport, office: ChildWelfareOffice) -> ConcernDelivery:
    """In the sending transaction: the delivery row and its task commit with the report, or neither does."""
    delivery = ConcernDelivery.objects.create(
        report=report, office=office, channel=office.channel, next_attempt_at=timezone.now()
    )
    from .tasks import deliver_report

    deliver_report.enqueue(delivery.pk)
    return delivery


def _key(delivery: ConcernDelivery) -> DocumentKey:
    """The office's certificate when its case system collects; the platform's key for the inbox (DigiSos
    opens the files for the office's staff)."""
    if delivery.channel == ChildWelfareOffice.Channel.INBOX:
        return current_key()
    pem = delivery.office.certificate_pem.strip()
    if not pem:
        raise RuntimeError(
            f"Barneverntjenesten {delivery.office} har ikke registrert sertifikat for kryptering."
        )
    return DocumentKey(x509.load_pem_x509_certificate(pem.encode()), None)


def plain_files(report: ConcernReport, office: ChildWelfareOffice) -> list[tuple[str, str, str, bytes]]:
    """(role, filename, content type, bytes): the JSON, the PDF, and the ASiC-E holding exactly those two."""
    json_bytes = json.dumps(report.content, ensure_ascii=False, indent=2).encode()
    pdf_bytes = render_report(report)
    return [
        (ConcernDeliveredFile.Role.JSON, JSON_NAME, "application/json", json_bytes),
        (ConcernDeliveredFile.Role.PDF, PDF_NAME, "application/pdf", pdf_bytes),
        (
            ConcernDeliveredFile.Role.ASICE,
            container_name(office.municipality_id, office.bydelsnummer),
            "application/vnd.etsi.asic-e+zip",
            build_asice(json_bytes, pdf_bytes),
        ),
    ]


def deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Builds and encrypts the files and makes the report collectable; safe to run again (see exchange's
    deliver: the attempt is counted first, files go under the attempt's prefix, an overtaken attempt drops
    its files)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            ConcernDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=ConcernDelivery.Status.WAITING)
            .first()
        )
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        delivery.next_attempt_at = now + STUCK_AFTER
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    attempt = delivery.attempts
    try:
        prepared = _prepare_files(delivery, attempt)
    except Exception as error:  # recorded on the delivery and retried with backoff
        _record_failure(delivery.pk, attempt, error, now)
        return "failed"
    with transaction.atomic():
        delivery = ConcernDelivery.objects.select_for_update().select_related("report").get(pk=delivery_id)
        if delivery.status != ConcernDelivery.Status.WAITING or delivery.attempts != attempt:
            storage = storages["documents"]
            transaction.on_commit(lambda: [storage.delete(f.storage_name) for f in prepared])
            return "overtaken"
        for file in prepared:
            file.delivery = delivery
        ConcernDeliveredFile.objects.bulk_create(prepared)
        delivery.status = ConcernDelivery.Status.AVAILABLE
        delivery.available_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(update_fields=["status", "available_at", "next_attempt_at", "last_error"])
        record_state(delivery.report, State.SENDT_FAGSYSTEM, at=delivery.available_at)
        record_audit(
            actor=None,
            action="concerns.delivery_available",
            object_type="concerns.ConcernDelivery",
            object_id=str(delivery.public_id),
            after={"office": delivery.office_id, "channel": delivery.channel, "attempt": attempt},
        )
    log.info("concerns.delivery_available", delivery=str(delivery.public_id), attempt=attempt)
    return "available"


def _prepare_files(delivery: ConcernDelivery, attempt: int) -> list[ConcernDeliveredFile]:
    report = ConcernReport.objects.select_related("municipality").get(pk=delivery.report_id)
    key = _key(delivery)
    storage = storages["documents"]
    prepared = []
    for position, (role, filename, content_type, data) in enumerate(plain_files(report, delivery.office)):
        name = f"concerns/{delivery.public_id}/{attempt}/{position}.p7m"
        blob = encrypt(data, key)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(blob))
        prepared.append(
            ConcernDeliveredFile(
                role=role,
                filename=filename,
                content_type=content_type,
                size=len(blob),
                storage_name=name,
                key_id=key.key_id,
            )
        )
    return prepared


def _record_failure(delivery_id: int, attempt: int, error: Exception, now: datetime) -> None:
    with transaction.atomic():
        delivery = ConcernDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.attempts != attempt:
            return
        delivery.last_error = str(error)[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = ConcernDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + min(timedelta(minutes=2**attempt), timedelta(hours=6))
        delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
    log.warning(
        "concerns.delivery_failed", delivery=str(delivery.public_id), attempt=attempt, error=str(error)
    )


def acknowledge(*, delivery_id: int, at: datetime | None = None) -> ConcernDelivery:
    """KS `mottatt`: the case system (or the inbox's "mark received") has stored the report → LEVERT."""
    at = at or timezone.now()
    with transaction.atomic():
        delivery = ConcernDelivery.objects.select_for_update().select_related("report").get(pk=delivery_id)
        if delivery.status == ConcernDelivery.Status.COLLECTED:
            return delivery  # acknowledging twice is harmless
        if delivery.status != ConcernDelivery.Status.AVAILABLE:
            raise DeliveryRefused("not available")
        delivery.status = ConcernDelivery.Status.COLLECTED
        delivery.collected_at = at
        delivery.save(update_fields=["status", "collected_at"])
        if delivery.printed_at is None:  # a letter already made it LEVERT
            record_state(delivery.report, State.LEVERT, at=at)
    return delivery


def refuse(*, delivery_id: int, message: str, at: datetime | None = None) -> ConcernDelivery:
    """KS `feilet`: the case system could not store it (its feilmelding.json message) → AVVIST_FAGSYSTEM; the
    print fallback takes it from there."""
    at = at or timezone.now()
    with transaction.atomic():
        delivery = ConcernDelivery.objects.select_for_update().select_related("report").get(pk=delivery_id)
        if delivery.status != ConcernDelivery.Status.AVAILABLE:
            raise DeliveryRefused("not available")
        delivery.status = ConcernDelivery.Status.FAILED
        delivery.failure_message = message[:2000]
        delivery.save(update_fields=["status", "failure_message"])
        record_state(delivery.report, State.AVVIST_FAGSYSTEM, at=at, description=message[:2000])
    return delivery

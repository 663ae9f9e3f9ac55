"""Delivery of a sent report to its office, as the exchange delivers an application: the files are built and
encrypted to the receiver in the background, counted per attempt, published in one short transaction, and
collected or refused by the receiving side. The KS states follow: SENDT_FAGSYSTEM when the report can be
collected, LEVERT when it is acknowledged, AVVIST_FAGSYSTEM when the case system refuses it.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography import x509
from django.db import transaction
from django.utils import timezone

from digisos.documents.encryption import DocumentKey, current_key, encrypt
from digisos.exchange import delivery_kinds
from digisos.exchange.errors import DeliveryNotAvailable
from digisos.exchange.services import attempts

from .asice import JSON_NAME, PDF_NAME, build_asice, container_name
from .models import ChildWelfareOffice, ConcernDeliveredFile, ConcernDelivery, ConcernReport, ConcernState
from .pdf import render_report
from .services import record_state

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
    """Builds and encrypts the files and makes the report collectable: one attempt, run by the exchange as
    every kind's is (digisos.exchange.services.attempts: counted first, files under the attempt's prefix, an
    overtaken attempt drops its files, a failure retried by the exchange's sweep)."""
    return attempts.run_attempt(
        ConcernDelivery, delivery_id, now=now, prepare=_prepare_files, publish=_publish
    )


def _publish(
    delivery: ConcernDelivery, prepared: Sequence[ConcernDeliveredFile], attempt: int
) -> dict[str, Any]:
    for file in prepared:
        file.delivery = delivery
    ConcernDeliveredFile.objects.bulk_create(prepared)
    record_state(delivery.report, State.SENDT_FAGSYSTEM, at=delivery.available_at)
    return {"office": delivery.office_id, "channel": delivery.channel}


def _prepare_files(delivery: ConcernDelivery, attempt: int) -> list[ConcernDeliveredFile]:
    report = ConcernReport.objects.select_related("municipality").get(pk=delivery.report_id)
    key = _key(delivery)
    stored = attempts.store_encrypted(
        f"concerns/{delivery.public_id}", attempt, plain_files(report, delivery.office), key, encrypt
    )
    return [
        ConcernDeliveredFile(
            role=file.role,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            storage_name=file.storage_name,
            key_id=key.key_id,
        )
        for file in stored
    ]


def acknowledge(
    *, delivery_id: int, at: datetime | None = None, actor_id: int | None = None
) -> ConcernDelivery:
    """KS `mottatt`: the case system (or the inbox's "mark received") has stored the report → LEVERT."""
    try:
        return delivery_kinds.acknowledge(
            ConcernDelivery.KIND, delivery_id=delivery_id, at=at, actor_id=actor_id
        )
    except DeliveryNotAvailable:
        raise DeliveryRefused("not available") from None


def on_acknowledged(delivery: ConcernDelivery, at: datetime) -> None:
    """The kind's acknowledgement hook (registered in apps.py), in the acknowledging transaction."""
    if delivery.printed_at is None:  # a letter already made it LEVERT
        record_state(delivery.report, State.LEVERT, at=at)


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

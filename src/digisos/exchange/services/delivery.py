"""Cases and their deliveries: a case and its delivery for a sent application, a paper case, background
delivery (encrypted to the municipality's certificate, with attempts, retries and a sweep), the receipt, the
ettersendelse, and the retention of collected files.

Delivery is background work: the delivery row and its task are written in the submission's transaction, and a
sweep resumes any delivery whose worker died.
"""

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from cryptography import x509
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from digisos.accounts.models import User
from digisos.accounts.services import citizen_for_pid
from digisos.application.models import Application
from digisos.core.identifiers import (
    InvalidIdentityNumber,
    is_synthetic_identity_number,
    parse_identity_number,
)
from digisos.core.services import record_audit
from digisos.documents import services as documents
from digisos.documents.encryption import DocumentKey, encrypt
from digisos.documents.models import Document, Folder
from digisos.documents.selectors import decrypted_pdf
from digisos.municipalities.models import Municipality, NavOffice

from .. import metrics, pdf
from ..errors import DeliveryNotAvailable, InvalidFodselsnummer, ReceivingPaused, UnknownOffice
from ..models import Case, DeliveredFile, Delivery, Receiver
from ..validation import Violation
from .reporting import store_case_state

log = structlog.get_logger(__name__)

# An attempt that has not finished after this long is taken to be dead (its worker was killed).
STUCK_AFTER = timedelta(minutes=5)

MAX_ATTEMPTS = 12


def submit_application(*, application_id: uuid.UUID) -> Case:
    """A sent application becomes a case with its delivery (queued), in the caller's transaction: the
    submission backend exchange registers for application (digisos.application.submission), called by
    send_application after it has marked the application sent, with the row still locked."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("owner", "folder")
            .get(pk=application_id, status=Application.Status.READY)
        )
        case = _create_case(
            owner=application.owner, kommunenummer=application.municipality_id, application=application
        )
        _create_delivery(
            case=case,
            kind=Delivery.Kind.SOKNAD,
            nav_ekstern_ref_id=str(application.id),
            folder=application.folder,
            vedlegg_json=application.vedlegg_json or {"vedlegg": []},
        )
    return case


def _create_case(
    *, owner: User, kommunenummer: str, application: Application | None, enhetsnummer: str = ""
) -> Case:
    letters = documents.create_letters_folder(owner=owner, kommunenummer=kommunenummer)
    case = Case.objects.create(
        owner=owner,
        municipality_id=kommunenummer,
        application=application,
        office_id=enhetsnummer or (application.enhetsnummer if application else "") or None,
        letters=letters,
    )
    store_case_state(case)
    return case


def _create_delivery(
    *,
    case: Case,
    kind: str,
    nav_ekstern_ref_id: str,
    folder: Folder,
    vedlegg_json: dict[str, Any],
    cover: Document | None = None,
) -> Delivery:
    receiver = Receiver.objects.filter(pk=case.municipality_id).first()
    delivery = Delivery.objects.create(
        case=case,
        kind=kind,
        municipality_id=case.municipality_id,
        channel=receiver.channel if receiver else Receiver.Channel.INBOX,
        nav_ekstern_ref_id=nav_ekstern_ref_id,
        folder=folder,
        vedlegg_json=vedlegg_json,
        cover=cover,
        next_attempt_at=timezone.now(),
    )
    # Written in this transaction (django-tasks' database backend): it runs only if the submission commits,
    # and a commit without a task cannot happen.
    from ..tasks import deliver

    deliver.enqueue(delivery.pk)
    return delivery


def deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Encrypt the delivery's files to the municipality's certificate and make it collectable.

    The attempt is counted and committed first, then the files are written under that attempt's own
    prefix, then one short transaction publishes them. A killed worker leaves the delivery waiting with a
    next attempt five minutes on; a later attempt that finds itself overtaken throws its files away. So
    however often it runs, one set of files is published, once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Delivery.Status.WAITING)
            .first()
        )
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        delivery.next_attempt_at = now + STUCK_AFTER
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    attempt = delivery.attempts
    try:
        prepared = _prepare_files(delivery, attempt) if delivery.channel == Receiver.Channel.API else []
    except Exception as error:  # any failure is recorded on the delivery and retried with backoff
        _record_failure(delivery.pk, attempt, error, now)
        return "failed"
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != Delivery.Status.WAITING or delivery.attempts != attempt:
            transaction.on_commit(lambda: _remove_files([f.storage_name for f in prepared]))
            return "overtaken"
        for file in prepared:
            file.delivery = delivery
        DeliveredFile.objects.bulk_create(prepared)
        delivery.status = Delivery.Status.AVAILABLE
        delivery.available_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(update_fields=["status", "available_at", "next_attempt_at", "last_error"])
        record_audit(
            actor=None,
            action="exchange.delivery_available",
            object_type="exchange.Delivery",
            object_id=str(delivery.public_id),
            after={"kommunenummer": delivery.municipality_id, "attempt": attempt, "files": len(prepared)},
        )
        public_id = delivery.public_id
        transaction.on_commit(lambda: _remove_other_attempts(public_id, attempt))
    metrics.DELIVERIES.labels(outcome="available", kind=delivery.kind).inc()
    metrics.SEND_TO_AVAILABLE_SECONDS.observe((delivery.available_at - delivery.created_at).total_seconds())
    log.info("exchange.delivery_available", delivery=str(public_id), attempt=attempt, files=len(prepared))
    return "available"


def _prepare_files(delivery: Delivery, attempt: int) -> list[DeliveredFile]:
    receiver = Receiver.objects.get(pk=delivery.municipality_id)
    if not receiver.certificate_pem.strip():
        raise RuntimeError(
            f"Kommune {delivery.municipality_id} har ikke registrert sertifikat for kryptering."
        )
    key = DocumentKey(x509.load_pem_x509_certificate(receiver.certificate_pem.encode()), None)
    storage = storages["documents"]
    prepared = []
    for position, (role, filename, content_type, data) in enumerate(_plain_files(delivery)):
        name = f"exchange/{delivery.public_id}/{attempt}/{position}.p7m"
        blob = encrypt(data, key)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(blob))
        prepared.append(
            DeliveredFile(
                position=position,
                role=role,
                filename=filename,
                content_type=content_type,
                size=len(blob),
                storage_name=name,
            )
        )
    return prepared


def _plain_files(delivery: Delivery) -> list[tuple[str, str, str, bytes]]:
    """(role, filename, content type, bytes) in delivery order: JSON first, then the PDF, then attachments."""
    files: list[tuple[str, str, str, bytes]] = []
    application = delivery.case.application
    main: Document | None
    if delivery.kind == Delivery.Kind.SOKNAD:
        assert application is not None
        files.append(("soknad.json", "soknad.json", "application/json", _json_bytes(application.soknad_json)))
        main = application.pdf
    else:
        main = delivery.cover
    files.append(("vedlegg.json", "vedlegg.json", "application/json", _json_bytes(delivery.vedlegg_json)))
    if main is not None:
        role = "soknad.pdf" if delivery.kind == Delivery.Kind.SOKNAD else "ettersendelse.pdf"
        files.append((role, role, "application/pdf", decrypted_pdf(main)))
    for document in Document.objects.filter(folder=delivery.folder).order_by("created_at", "id"):
        if main is not None and document.pk == main.pk:
            continue
        files.append(("vedlegg", document.stored_name, "application/pdf", decrypted_pdf(document)))
    return files


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _record_failure(delivery_id: int, attempt: int, error: Exception, now: datetime) -> None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.attempts != attempt or delivery.status != Delivery.Status.WAITING:
            return
        delivery.last_error = f"{type(error).__name__}: {error}"[:1000]
        if attempt >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + timedelta(minutes=min(2**attempt, 60))
        delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
    metrics.DELIVERIES.labels(outcome="failed_attempt", kind=delivery.kind).inc()
    log.warning(
        "exchange.delivery_failed",
        delivery=str(delivery.public_id),
        attempt=attempt,
        error=delivery.last_error,
    )


def _remove_files(names: list[str]) -> None:
    storage = storages["documents"]
    for name in names:
        storage.delete(name)


def _remove_other_attempts(public_id: uuid.UUID, attempt: int) -> None:
    """Files a killed or overtaken attempt left behind."""
    storage = storages["documents"]
    root = f"exchange/{public_id}"
    try:
        directories, _ = storage.listdir(root)
    except FileNotFoundError:
        return
    for directory in directories:
        if directory != str(attempt):
            _remove_files(
                [f"{root}/{directory}/{name}" for name in storage.listdir(f"{root}/{directory}")[1]]
            )


def resume_deliveries(*, now: datetime | None = None) -> int:
    """The sweep: enqueue every waiting delivery whose next attempt is due (retries, and killed workers)."""
    from ..tasks import deliver as deliver_task

    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.WAITING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in due:
        deliver_task.enqueue(pk)
    if due:
        log.info("exchange.deliveries_resumed", count=len(due))
    return len(due)


COLLECTED_FILES_BATCH = 500


def remove_collected_files(*, now: datetime | None = None) -> int:
    """Retention: deletes the encrypted copies of deliveries the case system collected more than
    COLLECTED_FILES_KEEP_DAYS ago. They are transport copies: the case system has its own, and the originals
    the applicant sees (the application PDF, the uploads, letters) live in the documents store under its own
    rules. The rows stay, so the delivery's history still shows what was sent; a download then answers 410.

    Storage first, then the rows: a crash in between only means the next run deletes nothing twice over.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXCHANGE["COLLECTED_FILES_KEEP_DAYS"])
    due = DeliveredFile.objects.filter(
        delivery__status=Delivery.Status.COLLECTED, delivery__collected_at__lt=cutoff, deleted_at__isnull=True
    ).order_by("pk")
    storage = storages["documents"]
    removed = 0
    while batch := list(due.values_list("pk", "storage_name")[:COLLECTED_FILES_BATCH]):
        for _, name in batch:
            storage.delete(name)
        removed += DeliveredFile.objects.filter(pk__in=[pk for pk, _ in batch]).update(deleted_at=now)
    if removed:
        log.info("exchange.collected_files_removed", files=removed)
    return removed


def acknowledge(*, actor_id: int, delivery_id: int) -> Delivery:
    """The case system (or the inbox) has the delivery. Acknowledging again changes nothing."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status == Delivery.Status.COLLECTED:
            return delivery
        if delivery.status != Delivery.Status.AVAILABLE:
            raise DeliveryNotAvailable("Leveransen er ikke klar til henting ennå.")
        delivery.status = Delivery.Status.COLLECTED
        delivery.collected_at = timezone.now()
        delivery.save(update_fields=["status", "collected_at"])
        record_audit(
            actor_id=actor_id,
            action="exchange.delivery_collected",
            object_type="exchange.Delivery",
            object_id=str(delivery.public_id),
        )
    metrics.DELIVERIES.labels(outcome="collected", kind=delivery.kind).inc()
    return delivery


def send_ettersendelse(
    *, actor: User, case_id: uuid.UUID, folder_id: uuid.UUID, vedlegg: list[dict[str, Any]]
) -> Delivery:
    """Documents sent after the application, as their own delivery with vedlegg.json and a cover PDF.

    `vedlegg` are vedleggSpesifikasjon entries (type, tilleggsinfo, status, filer, hendelseType,
    hendelseReferanse). The navEksternRefId follows NAV's rule: the application's id with a four-digit
    counter.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        # The folder too: an upload racing this send waits, then finds it sealed (documents/permissions.py),
        # so every file in the folder is one the cover and vedlegg.json list.
        folder = Folder.objects.select_for_update().get(pk=folder_id)
        _check_can_receive(case.municipality_id, sender=actor)
        count = case.deliveries.filter(kind=Delivery.Kind.ETTERSENDELSE).count()
        base = str(case.application_id or case.id)
        ref = f"{base}{count + 1:04d}"
        vedlegg_json = {"vedlegg": vedlegg}
        files = list(Document.objects.filter(folder=folder).order_by("created_at", "id"))
        cover_bytes = pdf.render_ettersendelse(case=case, reference=ref, vedlegg=vedlegg, files=files)
        cover = documents.store_generated_pdf(
            actor=actor, folder=folder, name=f"Ettersendelse-{count + 1}.pdf", data=cover_bytes
        )
        documents.release_to_municipality(folder=folder, kommunenummer=case.municipality_id)
        delivery = _create_delivery(
            case=case,
            kind=Delivery.Kind.ETTERSENDELSE,
            nav_ekstern_ref_id=ref,
            folder=folder,
            vedlegg_json=vedlegg_json,
            cover=cover,
        )
        record_audit(
            actor=actor,
            action="exchange.ettersendelse",
            object_type="exchange.Case",
            object_id=str(case.id),
            after={"delivery": str(delivery.public_id), "files": len(files)},
        )
    return delivery


def _check_can_receive(kommunenummer: str, *, sender: User | None = None) -> None:
    municipality = Municipality.objects.select_related("service").filter(pk=kommunenummer).first()
    if municipality is not None and municipality.accepts_applications:
        return
    # In test mode (onboarding's integration and test) a synthetic test person's documents go through, so
    # the case system under test can collect an ettersendelse; anyone else's are refused as when closed.
    service = getattr(municipality, "service", None)
    if (
        service is not None
        and service.test_mode
        and sender is not None
        and is_synthetic_identity_number(sender.pid or "")
    ):
        return
    raise ReceivingPaused("Kommunen tar ikke imot dokumenter digitalt nå.")


def create_paper_case(
    *, actor_id: int, kommunenummer: str, fodselsnummer: str, enhetsnummer: str = ""
) -> Case:
    """A case for an application that came on paper, so the applicant and the statistics see it."""
    try:
        pid = parse_identity_number(fodselsnummer).value
    except InvalidIdentityNumber:
        raise InvalidFodselsnummer("fodselsnummer er ikke et gyldig fødselsnummer eller d-nummer.") from None
    if enhetsnummer and not NavOffice.objects.filter(pk=enhetsnummer).exists():
        # Case.office is a foreign key to the office register: say which field, rather than fail on the key.
        message = (
            f"Fant ikke Nav-kontoret med enhetsnummer {enhetsnummer}. Send et enhetsnummer fra NORG, eller "
            "la feltet være tomt."
        )
        raise UnknownOffice(message, [Violation(path="enhetsnummer", message=message)])
    with transaction.atomic():
        owner = citizen_for_pid(pid)
        case = _create_case(
            owner=owner, kommunenummer=kommunenummer, application=None, enhetsnummer=enhetsnummer
        )
        record_audit(
            actor_id=actor_id,
            action="exchange.paper_case",
            object_type="exchange.Case",
            object_id=str(case.id),
            subject_pid=pid,
        )
    return case

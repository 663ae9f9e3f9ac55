"""Cases and their deliveries: a case and its delivery for a sent application, a paper case, background
delivery (encrypted to the municipality's certificate, with attempts, retries and a sweep), the receipt, the
ettersendelse, and the retention of collected files.

Delivery is background work: the delivery row and its task are written in the submission's transaction, and a
sweep resumes any delivery whose worker died.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog
from cryptography import x509
from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from digisos.accounts.models import User
from digisos.accounts.services import citizen_for_pid
from digisos.application.models import Application
from digisos.application.summary import registered_name
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

from .. import delivery_kinds, pdf
from ..errors import InvalidFodselsnummer, ReceivingPaused, UnknownOffice
from ..models import Case, DeliveredFile, Delivery, Receiver
from ..validation import Violation
from . import attempts, case_items
from .reporting import store_case_state

log = structlog.get_logger(__name__)

# Kept here for the callers and tests that read them: the attempts are run by services/attempts.py.
STUCK_AFTER = attempts.STUCK_AFTER
MAX_ATTEMPTS = attempts.MAX_ATTEMPTS


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
        applicant_name=registered_name(application.registers) if application else "",
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
    """Encrypt the delivery's files to the municipality's certificate and make it collectable (one attempt,
    run as every kind's is: services/attempts.py; the manual inbox needs no files)."""
    return attempts.run_attempt(
        Delivery, delivery_id, now=now, prepare=_prepare_for_channel, publish=_publish
    )


def _prepare_for_channel(delivery: Delivery, attempt: int) -> list[DeliveredFile]:
    return _prepare_files(delivery, attempt) if delivery.channel == Receiver.Channel.API else []


def _publish(delivery: Delivery, prepared: Sequence[DeliveredFile], attempt: int) -> dict[str, Any]:
    for file in prepared:
        file.delivery = delivery
    DeliveredFile.objects.bulk_create(prepared)
    # The attachments' names as the case's items, for the caseworker's person overview (case_items).
    case_items.write_file_items(delivery, prepared)
    public_id = delivery.public_id
    transaction.on_commit(lambda: _remove_other_attempts(public_id, attempt))
    return {"kommunenummer": delivery.municipality_id, "files": len(prepared)}


def _prepare_files(delivery: Delivery, attempt: int) -> list[DeliveredFile]:
    receiver = Receiver.objects.get(pk=delivery.municipality_id)
    if not receiver.certificate_pem.strip():
        raise RuntimeError(
            f"Kommune {delivery.municipality_id} har ikke registrert sertifikat for kryptering."
        )
    key = DocumentKey(x509.load_pem_x509_certificate(receiver.certificate_pem.encode()), None)
    stored = attempts.store_encrypted(
        f"exchange/{delivery.public_id}", attempt, _plain_files(delivery), key, encrypt
    )
    return [
        DeliveredFile(
            position=file.position,
            role=file.role,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            storage_name=file.storage_name,
        )
        for file in stored
    ]


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
            attempts.remove_files(
                [f"{root}/{directory}/{name}" for name in storage.listdir(f"{root}/{directory}")[1]]
            )


def resume_deliveries(*, now: datetime | None = None) -> int:
    """The sweep: enqueue every waiting delivery whose next attempt is due (retries, and killed workers), of
    every kind the exchange carries (delivery_kinds: a concern report too)."""
    now = now or timezone.now()
    queued = 0
    # Kinds sharing a model (søknad and ettersendelse) are read once, and queued by their model's task.
    by_model = {kind.model: kind for kind in delivery_kinds.registered()}
    for model, kind in by_model.items():
        due = attempts.due_for_attempt(model, now, 500)
        for pk in due:
            kind.enqueue(pk)
        queued += len(due)
    if queued:
        log.info("exchange.deliveries_resumed", count=queued)
    return queued


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
    return attempts.acknowledge(Delivery, delivery_id, actor_id=actor_id)


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

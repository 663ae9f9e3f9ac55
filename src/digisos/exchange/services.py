"""Every write of the standardised interface: cases, deliveries, receipts, case events, letters, clients.

Each action owns its transaction and audit entry. Delivery is background work: the delivery row and its
task are written in the submission's transaction, and a sweep resumes any delivery whose worker died. The
work that follows a stored report (innsyn's notification and deadlines) is queued in the report's transaction
the same way.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from cryptography import x509
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from digisos.accounts.models import User
from digisos.accounts.services import citizen_for_pid
from digisos.application.models import Application
from digisos.core.identifiers import InvalidIdentityNumber, parse_identity_number
from digisos.core.services import record_audit
from digisos.documents import services as documents
from digisos.documents.encryption import DocumentKey, encrypt
from digisos.documents.models import Document, Folder
from digisos.documents.permissions import NotAllowed
from digisos.documents.selectors import decrypted_pdf
from digisos.municipalities.models import ServiceConfiguration

from . import case_state, metrics, pdf
from .keys import UnreadableKey, certificate_fingerprint, public_key_fingerprint
from .models import (
    CLIENT_FIELDS,
    RECEIVER_FIELDS,
    ApiClient,
    Case,
    CaseState,
    DeliveredFile,
    Delivery,
    Receiver,
    UsedAssertion,
)
from .signals import case_events_stored
from .soker.tidspunkt import parse_tidspunkt
from .tokens import system_username
from .validation import (
    Violation,
    log_unknown_event_types,
    missing_file_violations,
    referenced_file_ids,
    soker_violations,
)

log = structlog.get_logger(__name__)

# An attempt that has not finished after this long is taken to be dead (its worker was killed).
STUCK_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 12


class ExchangeRefused(Exception):
    """A request the exchange will not carry out; `status` is the HTTP status the API answers with."""

    def __init__(
        self, status: int, code: str, message: str, violations: list[Violation] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.violations = violations or []


# --- Cases and deliveries ---------------------------------------------------------------------------------


def on_application_sent(sender: Any, application: Application, **kwargs: Any) -> None:
    """Listens to application_sent, inside send_application's transaction."""
    case = _create_case(
        owner=application.owner, kommunenummer=application.kommunenummer, application=application
    )
    _create_delivery(
        case=case,
        kind=Delivery.Kind.SOKNAD,
        nav_ekstern_ref_id=str(application.id),
        folder=application.folder,
        vedlegg_json=application.vedlegg_json or {"vedlegg": []},
    )


def _create_case(
    *, owner: User, kommunenummer: str, application: Application | None, enhetsnummer: str = ""
) -> Case:
    letters = documents.create_letters_folder(owner=owner, kommunenummer=kommunenummer)
    case = Case.objects.create(
        owner=owner,
        kommunenummer=kommunenummer,
        application=application,
        enhetsnummer=enhetsnummer or (application.enhetsnummer if application else ""),
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
    receiver = Receiver.objects.filter(pk=case.kommunenummer).first()
    delivery = Delivery.objects.create(
        case=case,
        kind=kind,
        kommunenummer=case.kommunenummer,
        channel=receiver.channel if receiver else Receiver.Channel.INBOX,
        nav_ekstern_ref_id=nav_ekstern_ref_id,
        folder=folder,
        vedlegg_json=vedlegg_json,
        cover=cover,
        next_attempt_at=timezone.now(),
    )
    # Written in this transaction (django-tasks' database backend): it runs only if the submission commits,
    # and a commit without a task cannot happen.
    from .tasks import deliver

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
            after={"kommunenummer": delivery.kommunenummer, "attempt": attempt, "files": len(prepared)},
        )
        public_id = delivery.public_id
        transaction.on_commit(lambda: _remove_other_attempts(public_id, attempt))
    metrics.DELIVERIES.labels(outcome="available", kind=delivery.kind).inc()
    metrics.SEND_TO_AVAILABLE_SECONDS.observe((delivery.available_at - delivery.created_at).total_seconds())
    log.info("exchange.delivery_available", delivery=str(public_id), attempt=attempt, files=len(prepared))
    return "available"


def _prepare_files(delivery: Delivery, attempt: int) -> list[DeliveredFile]:
    receiver = Receiver.objects.get(pk=delivery.kommunenummer)
    if not receiver.certificate_pem.strip():
        raise RuntimeError(f"Kommune {delivery.kommunenummer} har ikke registrert sertifikat for kryptering.")
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
    from .tasks import deliver as deliver_task

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


def acknowledge(*, actor: User, delivery: Delivery) -> Delivery:
    """The case system (or the inbox) has the delivery. Acknowledging again changes nothing."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == Delivery.Status.COLLECTED:
            return delivery
        if delivery.status != Delivery.Status.AVAILABLE:
            raise ExchangeRefused(409, "not_available", "Leveransen er ikke klar til henting ennå.")
        delivery.status = Delivery.Status.COLLECTED
        delivery.collected_at = timezone.now()
        delivery.save(update_fields=["status", "collected_at"])
        record_audit(
            actor=actor,
            action="exchange.delivery_collected",
            object_type="exchange.Delivery",
            object_id=str(delivery.public_id),
        )
    metrics.DELIVERIES.labels(outcome="collected", kind=delivery.kind).inc()
    return delivery


def send_ettersendelse(*, actor: User, case: Case, folder: Folder, vedlegg: list[dict[str, Any]]) -> Delivery:
    """Documents sent after the application, as their own delivery with vedlegg.json and a cover PDF.

    `vedlegg` are vedleggSpesifikasjon entries (type, tilleggsinfo, status, filer, hendelseType,
    hendelseReferanse). The navEksternRefId follows NAV's rule: the application's id with a four-digit
    counter.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        # The folder too: an upload racing this send waits, then finds it sealed (documents/permissions.py),
        # so every file in the folder is one the cover and vedlegg.json list.
        list(Folder.objects.select_for_update().filter(pk=folder.pk).values_list("pk", flat=True))
        _check_can_receive(case.kommunenummer)
        count = case.deliveries.filter(kind=Delivery.Kind.ETTERSENDELSE).count()
        base = str(case.application_id or case.id)
        ref = f"{base}{count + 1:04d}"
        vedlegg_json = {"vedlegg": vedlegg}
        files = list(Document.objects.filter(folder=folder).order_by("created_at", "id"))
        cover_bytes = pdf.render_ettersendelse(case=case, reference=ref, vedlegg=vedlegg, files=files)
        cover = documents.store_generated_pdf(
            actor=actor, folder=folder, name=f"Ettersendelse-{count + 1}.pdf", data=cover_bytes
        )
        documents.release_to_municipality(folder=folder, kommunenummer=case.kommunenummer)
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


def _check_can_receive(kommunenummer: str) -> None:
    service = ServiceConfiguration.objects.filter(pk=kommunenummer).first()
    if service is None or not service.can_receive_applications or service.receiving_temporarily_disabled:
        raise ExchangeRefused(409, "receiving_disabled", "Kommunen tar ikke imot dokumenter digitalt nå.")


# --- Case events (digisos-soker.json) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportResult:
    case: Case
    changed: bool


def document_digest(document: Any) -> str:
    """What identifies a stored digisos-soker.json (Case.soker_sha256): the same content, the same digest."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def report_case_events(*, actor: User, case: Case, document: Any) -> ReportResult:
    """Replace the case's digisos-soker.json with `document` (KS Fiks semantics: the whole history each time).

    The same document again is a no-op; one older than the stored one (its newest event is earlier) is
    refused with 409, so a delayed retry cannot roll the case back. Two posts racing are serialised by the
    row lock: the second sees the first's result.
    """
    violations = soker_violations(document)
    if violations:
        raise ExchangeRefused(400, "invalid_document", "digisos-soker.json er ikke gyldig.", violations)
    digest = document_digest(document)
    latest = max(_instant(event["hendelsestidspunkt"]) for event in document["hendelser"])
    with transaction.atomic():
        # One round trip: the row lock and the municipality's flags together.
        flags = ServiceConfiguration.objects.filter(pk=OuterRef("kommunenummer"))
        found = (
            Case.objects.select_for_update(of=("self",))
            .defer("soker")
            .annotate(
                can_update=Subquery(flags.values("can_update_status")[:1]),
                updates_paused=Subquery(flags.values("updates_temporarily_disabled")[:1]),
            )
            .filter(pk=case.pk, kommunenummer=case.kommunenummer)
            .first()
        )
        if found is None:
            raise ExchangeRefused(404, "not_found", f"Fant ingen sak {case.pk} for kommunen.")
        case = found
        _check_update_flags(found.can_update, found.updates_paused)
        if digest == case.soker_sha256:
            return ReportResult(case, changed=False)
        # An unknown event type is not schema-checked, so its references may not even be UUIDs.
        referenced = {ref for ref in referenced_file_ids(document) if _is_uuid(ref)}
        on_case = set()
        if referenced:
            letters = Document.objects.filter(folder_id=case.letters_id, pk__in=referenced)
            on_case = {str(pk) for pk in letters.values_list("pk", flat=True)}
        violations = missing_file_violations(document, on_case)
        if violations:
            raise ExchangeRefused(400, "invalid_document", "digisos-soker.json er ikke gyldig.", violations)
        if case.soker_latest_event_at and latest < case.soker_latest_event_at:
            raise ExchangeRefused(
                409,
                "older_document",
                "Dokumentet er eldre enn det som er lagret: siste hendelse er "
                f"{latest}, lagret dokument har {case.soker_latest_event_at}. Send hele, oppdaterte historikken.",
            )
        before = {"sha256": case.soker_sha256}
        case.soker = document
        case.soker_sha256 = digest
        case.soker_latest_event_at = latest
        case.soker_updated_at = timezone.now()
        case.save(
            update_fields=["soker", "soker_sha256", "soker_latest_event_at", "soker_updated_at", "updated_at"]
        )
        store_case_state(case, soker=document)
        case_id = case.id
        # Inside the transaction, not on commit: the receivers queue their work (notifications, deadlines)
        # as django-tasks rows in this same transaction, so the work exists exactly when the report does. A
        # crash between commit and an on-commit hook would lose it.
        case_events_stored.send(sender=Case, case_id=case_id)
        record_audit(
            actor=actor,
            action="exchange.case_events",
            object_type="exchange.Case",
            object_id=str(case.id),
            before=before,
            after={"sha256": digest, "events": len(document["hendelser"])},
        )
    log_unknown_event_types(document, case_id=str(case.id))
    metrics.CASE_UPDATES.inc()
    return ReportResult(case, changed=True)


def store_case_state(case: Case, *, soker: Any = None) -> None:
    """Fold the case's stored document and write its read model row (in the caller's transaction).

    `soker` saves reading back the document the caller has just stored; without it the stored one is read."""
    if soker is None and case.soker_sha256:
        soker = Case.objects.values_list("soker", flat=True).get(pk=case.pk)
    application: dict[str, Any] = {}
    if case.application_id and Case.application.is_cached(case):
        sent = case.application
        application = {
            "sent_at": sent.sent_at,
            "vedlegg_json": sent.vedlegg_json,
            "enhetsnummer": sent.enhetsnummer,
        }
    elif case.application_id:
        found = Application.objects.filter(pk=case.application_id)
        application = found.values("sent_at", "vedlegg_json", "enhetsnummer").first() or {}
    values = case_state.state_values(
        soker,
        sha256=case.soker_sha256,
        sent_at=application.get("sent_at"),
        office=case_state.office_of(case.enhetsnummer, application.get("enhetsnummer")),
        vedlegg=application.get("vedlegg_json"),
    )
    # One UPDATE: the callers hold the case's row lock (or have just created the case), so nothing else writes
    # this row meanwhile; update_or_create's savepoint and SELECT … FOR UPDATE cost three more round trips on
    # every report.
    if not CaseState.objects.filter(case_id=case.pk).update(**values):
        CaseState.objects.create(case_id=case.pk, **values)


@dataclass(frozen=True)
class RebuildResult:
    cases: int
    created: int
    changed: int


def case_state_values(case: Case) -> dict[str, Any]:
    """A fresh fold of the case's stored document as CaseState columns (`case` with its application)."""
    application = case.application if case.application_id else None
    return case_state.state_values(
        case.soker,
        sha256=case.soker_sha256,
        sent_at=application.sent_at if application else None,
        office=case_state.office_of(case.enhetsnummer, application.enhetsnummer if application else None),
        vedlegg=application.vedlegg_json if application else None,
    )


def rebuild_case_states(*, chunk_size: int = 200) -> RebuildResult:
    """Fold every case's stored document again and write the rows that differ (or are missing); idempotent.

    One short transaction per chunk, with the chunk's cases locked, so a report stored meanwhile is never
    overwritten by an older fold."""
    fields = [f.name for f in CaseState._meta.concrete_fields if f.name != "case"]
    cases = created = changed = 0
    last = None
    while True:
        with transaction.atomic():
            found = Case.objects.select_for_update(of=("self",)).select_related("application").order_by("pk")
            if last is not None:
                found = found.filter(pk__gt=last)
            chunk = list(found[:chunk_size])
            if not chunk:
                break
            stored = CaseState.objects.in_bulk([case.pk for case in chunk])
            new, different = [], []
            for case in chunk:
                values = case_state_values(case)
                row = CaseState(case_id=case.pk, **values)
                existing = stored.get(case.pk)
                if existing is None:
                    new.append(row)
                elif _state_columns(existing, fields) != _state_columns(_reloaded(row), fields):
                    different.append(row)
            CaseState.objects.bulk_create(new)
            CaseState.objects.bulk_update(different, fields)
        cases += len(chunk)
        created += len(new)
        changed += len(different)
        last = chunk[-1].pk
    return RebuildResult(cases=cases, created=created, changed=changed)


def _state_columns(state: CaseState, fields: list[str]) -> list[Any]:
    return [getattr(state, name) for name in fields]


def _reloaded(state: CaseState) -> CaseState:
    """The row as it reads back from the database: the view as JSON types (no tuples), and the rest as is."""
    state.view = json.loads(json.dumps(state.view))
    state.decisions = json.loads(json.dumps(state.decisions))
    return state


def append_case_event(
    *, actor: User, case: Case, event: dict[str, Any], avsender: dict[str, str]
) -> ReportResult:
    """The manual inbox's way in: one more event on the stored document, through report_case_events."""
    current = case.soker or {"version": "1.0.0", "avsender": avsender, "hendelser": []}
    document = {**current, "avsender": avsender, "hendelser": [*current["hendelser"], event]}
    return report_case_events(actor=actor, case=case, document=document)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _instant(timestamp: str) -> str:
    """A tidspunkt as a sortable string with microseconds (the schema allows any number of decimals)."""
    moment = parse_tidspunkt(timestamp)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}Z"


def check_can_update(kommunenummer: str) -> None:
    service = ServiceConfiguration.objects.filter(pk=kommunenummer).first()
    _check_update_flags(
        service is not None and service.can_update_status,
        service is not None and service.updates_temporarily_disabled,
    )


def _check_update_flags(can_update_status: bool | None, updates_paused: bool | None) -> None:
    if not can_update_status:
        raise ExchangeRefused(
            403, "updates_not_enabled", "Kommunen har ikke slått på innsyn (kanOppdatereStatus er false)."
        )
    if updates_paused:
        raise ExchangeRefused(
            409,
            "updates_temporarily_disabled",
            "Oppdateringer er midlertidig deaktivert for kommunen (harMidlertidigDeaktivertOppdateringer). "
            "Prøv igjen når de er slått på.",
        )


# --- Letters and paper applications -----------------------------------------------------------------------


def store_letter(*, actor: User, case: Case, name: str, data: bytes, field: str = "filer") -> Document:
    """A letter for the applicant (PDF), scanned and encrypted at rest like every document. `field` names
    the upload in a refusal."""
    if not data.startswith(b"%PDF-"):
        raise ExchangeRefused(415, "not_pdf", f"«{name}» er ikke en PDF. Brev må sendes som PDF.")
    assert case.letters is not None
    try:
        document = documents.upload_document(actor=actor, folder=case.letters, name=name, data=data)
    except documents.UploadRefused as refusal:
        message = _letter_refusal(refusal)
        # Too large is 413, as for any request body over its limit; the file was cut off as it streamed in.
        status = 413 if refusal.code == "too_large" else 400
        raise ExchangeRefused(
            status, refusal.code, message, [Violation(path=field, message=message)]
        ) from None
    except NotAllowed:
        message = "Bare kommunen saken er sendt til kan legge brev på den."
        raise ExchangeRefused(403, "not_allowed", message, [Violation(path=field, message=message)]) from None
    return document


def _letter_refusal(refusal: documents.UploadRefused) -> str:
    # The pipeline's limit messages speak to a citizen ("delete a file"); nobody deletes a letter.
    limits = settings.DOCUMENTS
    if refusal.code == "too_many_files":
        return f"Saken har allerede så mange brev som er tillatt ({limits['MAX_FILES']}). Kontakt driften."
    if refusal.code == "total_too_large":
        return (
            "Brevene på saken blir til sammen større enn tillatt "
            f"({limits['MAX_TOTAL_BYTES'] // (1024 * 1024)} MB). Send brevet som en mindre PDF, eller kontakt "
            "driften."
        )
    return refusal.message


def create_paper_case(*, actor: User, kommunenummer: str, fodselsnummer: str, enhetsnummer: str = "") -> Case:
    """A case for an application that came on paper, so the applicant and the statistics see it."""
    try:
        pid = parse_identity_number(fodselsnummer).value
    except InvalidIdentityNumber:
        raise ExchangeRefused(
            400, "invalid_fodselsnummer", "fodselsnummer er ikke et gyldig fødselsnummer eller d-nummer."
        ) from None
    with transaction.atomic():
        owner = citizen_for_pid(pid)
        case = _create_case(
            owner=owner, kommunenummer=kommunenummer, application=None, enhetsnummer=enhetsnummer
        )
        record_audit(
            actor=actor,
            action="exchange.paper_case",
            object_type="exchange.Case",
            object_id=str(case.id),
            subject_pid=pid,
        )
    return case


# --- Clients, receivers and housekeeping ------------------------------------------------------------------


# Operators and `exchange_connect` change who may collect a municipality's deliveries and to which certificate
# they are encrypted. Each change is audited with before and after (only what changed; keys as SHA-256
# fingerprints, never the PEM), in the change's transaction, as the service flags are.


def _stored_fingerprint(fingerprint: Callable[[str], str], pem: str) -> str:
    # A row stored before keys were checked may hold text that is no key; its change is audited all the same.
    try:
        return fingerprint(pem)
    except UnreadableKey:
        return "unreadable:" + hashlib.sha256(pem.encode()).hexdigest()


def _client_view(client: ApiClient) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "kommunenummer": client.kommunenummer,
        "name": client.name,
        "scopes": client.scopes,
        "active": client.active,
        "public_key_sha256": _stored_fingerprint(public_key_fingerprint, client.public_key_pem),
    }


def _receiver_view(receiver: Receiver) -> dict[str, Any]:
    return {
        "channel": receiver.channel,
        "inbox_email": receiver.inbox_email,
        "certificate_sha256": _stored_fingerprint(certificate_fingerprint, receiver.certificate_pem),
    }


def _audit_change(
    *, actor: User | None, action: str, object_type: str, object_id: str, before: dict | None, after: dict
) -> None:
    """Records what changed (all of it when the object is new); nothing changed, no entry."""
    if before is not None:
        changed = [name for name in after if before.get(name) != after[name]]
        if not changed:
            return
        before, after = {n: before.get(n) for n in changed}, {n: after[n] for n in changed}
    record_audit(
        actor=actor, action=action, object_type=object_type, object_id=object_id, before=before, after=after
    )


def register_client(
    *,
    kommunenummer: str,
    name: str,
    public_key_pem: str,
    client_id: str | None = None,
    scopes: str = "exchange:collect exchange:report",
    active: bool = True,
    actor: User | None = None,
) -> ApiClient:
    """Connects a case system (or replaces the credentials of the one with this client_id). An unreadable key
    is stored as given (the tests' paper-case clients have none): no grant verifies against it."""
    client_id = client_id or str(uuid.uuid4())
    with transaction.atomic():
        # The service user carries its municipality, as the documents' permissions expect of a case system.
        user, _ = User.objects.update_or_create(
            username=system_username(client_id),
            defaults={"kind": User.Kind.SYSTEM, "first_name": name[:150], "municipality": kommunenummer},
        )
        existing = ApiClient.objects.select_for_update().filter(client_id=client_id).first()
        client, created = ApiClient.objects.update_or_create(
            client_id=client_id,
            defaults={
                "kommunenummer": kommunenummer,
                "name": name,
                "public_key_pem": public_key_pem,
                "scopes": scopes,
                "active": active,
                "user": user,
            },
        )
        _audit_change(
            actor=actor,
            action="exchange.client_registered" if created else "exchange.client_changed",
            object_type="exchange.ApiClient",
            object_id=client_id,
            before=_client_view(existing) if existing else None,
            after=_client_view(client),
        )
    return client


def change_client(*, actor: User | None, client: ApiClient, **changes: Any) -> ApiClient:
    """An operator changes a case system's credentials: key, municipality, scopes, name, active."""
    return _change_audited(
        actor=actor,
        row=client,
        changes=changes,
        allowed=CLIENT_FIELDS,
        view=_client_view,
        action="exchange.client_changed",
        object_type="exchange.ApiClient",
        object_id=lambda current: current.client_id,
    )


def register_receiver(
    *,
    kommunenummer: str,
    channel: str,
    certificate_pem: str = "",
    inbox_email: str = "",
    actor: User | None = None,
) -> Receiver:
    """How a municipality receives (new, or a change of the existing row)."""
    certificate_fingerprint(certificate_pem)  # refuse what we could not encrypt to
    with transaction.atomic():
        existing = Receiver.objects.select_for_update().filter(pk=kommunenummer).first()
        receiver, created = Receiver.objects.update_or_create(
            kommunenummer=kommunenummer,
            defaults={"channel": channel, "certificate_pem": certificate_pem, "inbox_email": inbox_email},
        )
        _audit_change(
            actor=actor,
            action="exchange.receiver_registered" if created else "exchange.receiver_changed",
            object_type="exchange.Receiver",
            object_id=kommunenummer,
            before=_receiver_view(existing) if existing else None,
            after=_receiver_view(receiver),
        )
    return receiver


def change_receiver(*, actor: User | None, receiver: Receiver, **changes: Any) -> Receiver:
    """An operator changes how a municipality receives; a new certificate redirects its encrypted deliveries."""
    if "certificate_pem" in changes:
        certificate_fingerprint(changes["certificate_pem"])
    return _change_audited(
        actor=actor,
        row=receiver,
        changes=changes,
        allowed=RECEIVER_FIELDS,
        view=_receiver_view,
        action="exchange.receiver_changed",
        object_type="exchange.Receiver",
        object_id=lambda current: current.kommunenummer,
    )


def _change_audited(
    *,
    actor: User | None,
    row: Any,
    changes: dict[str, Any],
    allowed: tuple[str, ...],
    view: Callable[[Any], dict[str, Any]],
    action: str,
    object_type: str,
    object_id: Callable[[Any], str],
) -> Any:
    """Applies an operator's changes to a locked row and audits them with before and after."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {object_type} fields: {sorted(unknown)}")
    with transaction.atomic():
        current = type(row).objects.select_for_update().get(pk=row.pk)
        before = view(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        _audit_change(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id(current),
            before=before,
            after=view(current),
        )
    return current


def remove_spent_assertions(*, now: datetime | None = None) -> int:
    deleted, _ = UsedAssertion.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


INBOX_AVSENDER = {"systemnavn": "DigiSos manuell innboks", "systemversjon": "1.0"}


INBOX_MAIL_INTERVAL = timedelta(hours=8)  # at most three mails a day


def notify_inboxes(*, now: datetime | None = None) -> int:
    """Mail each manual inbox that has something new, at most every eight hours; no personal data in it."""
    from django.core.mail import send_mail
    from django.urls import reverse

    now = now or timezone.now()
    sent = 0
    for receiver in Receiver.objects.filter(channel=Receiver.Channel.INBOX).exclude(inbox_email=""):
        if receiver.inbox_notified_at and now - receiver.inbox_notified_at < INBOX_MAIL_INTERVAL:
            continue
        new = Delivery.objects.filter(kommunenummer=receiver.kommunenummer, status=Delivery.Status.AVAILABLE)
        if receiver.inbox_notified_at:
            new = new.filter(available_at__gt=receiver.inbox_notified_at)
        count = new.count()
        if not count:
            continue
        link = settings.PUBLIC_URL + reverse("exchange:inbox")
        send_mail(
            subject="Nytt i DigiSos-innboksen",
            message=(
                f"Det har kommet {count} nye søknader eller ettersendelser til kommunens innboks i DigiSos.\n\n"
                f"Logg inn for å se dem: {link}\n\nDenne e-posten er sendt automatisk og inneholder ingen "
                "personopplysninger."
            ),
            from_email=None,
            recipient_list=[receiver.inbox_email],
        )
        Receiver.objects.filter(pk=receiver.pk).update(inbox_notified_at=now)
        sent += 1
    return sent

"""Writes for documents: folders, the upload pipeline, deletion and retention."""

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.metrics import DOCUMENT_UPLOAD_SECONDS, DOCUMENT_UPLOADS, SCANNER_UNAVAILABLE
from digisos.core.services import record_audit

from . import conversion, encryption, permissions, scanner
from .filenames import display_name, stored_name
from .messages import refusal_message
from .models import Document, Folder

log = structlog.get_logger(__name__)


class UploadRefused(Exception):
    """The file was not stored. `message` says in plain language what to do."""

    def __init__(self, code: str, name: str) -> None:
        self.code = code
        self.name = name
        self.message = refusal_message(code, settings.DOCUMENTS)
        super().__init__(code)


@dataclass(frozen=True)
class UploadOutcome:
    accepted: list[Document]
    refused: list[UploadRefused]


def create_folder(*, owner: User, kind: str, expires_at: datetime | None = None) -> Folder:
    return Folder.objects.create(owner=owner, kind=kind, expires_at=expires_at)


def create_letters_folder(*, owner: User, kommunenummer: str) -> Folder:
    """A case's letters: `owner` (the applicant) reads them, the municipality `kommunenummer` writes them."""
    return Folder.objects.create(owner=owner, kind=Folder.Kind.LETTERS, municipality_id=kommunenummer)


def upload_documents(*, actor: User, folder: Folder, files: list[tuple[str, bytes]]) -> UploadOutcome:
    """Runs each file through the pipeline; one refused file does not stop the others.

    Raises permissions.NotAllowed, before any file is looked at, when `actor` may not add to `folder`.
    """
    permissions.check(actor, folder, permissions.Action.ADD)
    accepted: list[Document] = []
    refused: list[UploadRefused] = []
    for name, data in files:
        try:
            accepted.append(upload_document(actor=actor, folder=folder, name=name, data=data))
        except UploadRefused as refusal:
            refused.append(refusal)
    return UploadOutcome(accepted=accepted, refused=refused)


def upload_document(*, actor: User, folder: Folder, name: str, data: bytes) -> Document:
    """Sniff, limit, scan, convert to PDF, encrypt and store one file, or raise UploadRefused.

    Nothing is stored unless every step passed. The scan comes before any parser touches the bytes.
    Raises permissions.NotAllowed when `actor` may not add to `folder` (checked first, and again under the
    folder's lock in case it was sent meanwhile).
    """
    permissions.check(actor, folder, permissions.Action.ADD)
    started = time.perf_counter()
    shown_name = display_name(name)
    limits = settings.DOCUMENTS
    try:
        if len(data) == 0:
            raise conversion.Refused("empty")
        if len(data) > limits["MAX_FILE_BYTES"]:
            raise conversion.Refused("too_large")
        _check_folder_limits(folder, len(data))
        original_sha256 = hashlib.sha256(data).hexdigest()
        if folder.documents.filter(original_sha256=original_sha256).exists():
            raise conversion.Refused("duplicate")
        content_type = conversion.sniff(data)
        conversion.check_dimensions(data, content_type)
        _scan(data)
        converted = conversion.to_pdf(data, content_type)
        document = _store(actor, folder, shown_name, data, original_sha256, content_type, converted)
    except conversion.Refused as refusal:
        DOCUMENT_UPLOADS.labels(outcome=refusal.code).inc()
        log.info("document.refused", code=refusal.code, detail=refusal.detail, folder=str(folder.id))
        raise UploadRefused(refusal.code, shown_name) from refusal
    DOCUMENT_UPLOADS.labels(outcome="accepted").inc()
    DOCUMENT_UPLOAD_SECONDS.labels(content_type=content_type).observe(time.perf_counter() - started)
    return document


def _check_folder_limits(folder: Folder, incoming: int) -> None:
    # Every folder kind, letters included: a case system is as able as anyone to fill the disk.
    limits = settings.DOCUMENTS
    totals = folder.documents.aggregate(count=Count("id"), total=Sum("original_size"))
    if totals["count"] + 1 > limits["MAX_FILES"]:
        raise conversion.Refused("too_many_files")
    if (totals["total"] or 0) + incoming > limits["MAX_TOTAL_BYTES"]:
        raise conversion.Refused("total_too_large")


def _scan(data: bytes) -> None:
    try:
        result = scanner.scan_bytes(data)
    except scanner.ScannerUnavailable as error:
        # Fail closed: a file the scanner has not seen is never stored (NAV lets it through; we do not).
        SCANNER_UNAVAILABLE.inc()
        log.error("document.scanner_unavailable", error=str(error))
        raise conversion.Refused("scanner_unavailable", str(error)) from error
    if not result.clean:
        log.warning("document.infected", signature=result.signature)
        raise conversion.Refused("infected", result.signature)


def _store(
    actor: User,
    folder: Folder,
    shown_name: str,
    original: bytes,
    original_sha256: str,
    content_type: str,
    converted: conversion.Converted,
) -> Document:
    key = encryption.current_key()
    document_id = uuid.uuid4()
    storage = storages["documents"]
    storage_name = storage.save(
        f"{folder.id}/{document_id}.p7m", ContentFile(encryption.encrypt(converted.pdf, key))
    )
    try:
        with transaction.atomic():
            # Lock the folder so two uploads at once cannot both pass the limits.
            locked = Folder.objects.select_for_update().get(pk=folder.pk)
            # Again under the lock: the application may have been sent while this file was converted.
            permissions.check(actor, locked, permissions.Action.ADD)
            _check_folder_limits(locked, len(original))
            document = Document.objects.create(
                id=document_id,
                folder=locked,
                uploaded_by=actor,
                original_name=shown_name,
                stored_name=stored_name(shown_name, document_id),
                original_content_type=content_type,
                original_size=len(original),
                original_sha256=original_sha256,
                size=len(converted.pdf),
                sha512=hashlib.sha512(converted.pdf).hexdigest(),
                page_count=converted.page_count,
                storage_name=storage_name,
                key_id=key.key_id,
            )
            record_audit(
                actor=actor,
                action="document.upload",
                object_type="documents.Document",
                object_id=str(document.id),
                after={"folder": str(folder.id), "content_type": content_type, "size": document.size},
            )
    except IntegrityError as error:
        storage.delete(storage_name)
        raise conversion.Refused("duplicate") from error
    except BaseException:
        storage.delete(storage_name)
        raise
    return document


def store_generated_pdf(*, actor: User, folder: Folder, name: str, data: bytes) -> Document:
    """A PDF DigiSos made itself (the application PDF): checked to open, then encrypted and stored like any
    upload. Not scanned: it never came from outside."""
    converted = conversion.to_pdf(data, conversion.PDF)
    return _store(
        actor, folder, display_name(name), data, hashlib.sha256(data).hexdigest(), conversion.PDF, converted
    )


def delete_document(*, actor: User, document: Document) -> None:
    """Raises permissions.NotAllowed when `actor` may not delete from the document's folder (a sent
    application, a sent ettersendelse, a letter)."""
    with transaction.atomic():
        # The folder's row lock orders this after a send that is sealing it right now.
        folder = Folder.objects.select_for_update().get(pk=document.folder_id)
        permissions.check(actor, folder, permissions.Action.DELETE)
        record_audit(
            actor=actor,
            action="document.delete",
            object_type="documents.Document",
            object_id=str(document.id),
            before={"folder": str(document.folder_id)},
        )
        document.delete()  # The encrypted file goes after commit (signals.py).


def record_employee_read(*, actor: User, document: Document) -> None:
    """Every look by an employee at a citizen's document is written to the audit log."""
    record_audit(
        actor=actor,
        action="document.read",
        object_type="documents.Document",
        object_id=str(document.id),
        subject_pid=document.folder.owner.pid or "",
    )


def delete_folder(*, actor: User | None, folder: Folder) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="documents.folder.delete",
            object_type="documents.Folder",
            object_id=str(folder.id),
            before={"kind": folder.kind, "documents": folder.documents.count()},
        )
        folder.delete()


def release_to_municipality(*, folder: Folder, kommunenummer: str) -> None:
    """Called when the folder's application or ettersendelse is sent, in the send's transaction: the
    receiving municipality may read it, it is no longer an orphan candidate, and it is sealed: from now on
    nobody adds to it or deletes from it (permissions.py)."""
    Folder.objects.filter(pk=folder.pk).update(
        municipality_id=kommunenummer, expires_at=None, sealed_at=timezone.now()
    )


def remove_expired_and_orphaned_folders(*, now: datetime | None = None) -> int:
    """The retention job: folders past their end date, and draft folders nothing refers to any more.

    A folder is an orphan when no row of another app points at it (found through Django's relation
    metadata, so documents need not know the apps that use it) and it is older than the grace period, which
    keeps a folder created for a draft that is being saved right now.
    """
    now = now or timezone.now()
    grace = timedelta(hours=settings.DOCUMENTS["ORPHAN_GRACE_HOURS"])
    unreferenced = Q()
    for relation in Folder._meta.related_objects:
        if relation.related_model in (Document,):
            continue
        unreferenced &= Q(**{f"{relation.name}__isnull": True})
    expired = Folder.objects.filter(expires_at__lt=now)
    orphaned = (
        Folder.objects.filter(unreferenced, expires_at__isnull=True, created_at__lt=now - grace)
        .exclude(kind=Folder.Kind.DEMO)
        .filter(municipality__isnull=True)
    )
    removed = 0
    for folder in (expired | orphaned).distinct():
        delete_folder(actor=None, folder=folder)
        removed += 1
    if removed:
        log.info("documents.retention", removed_folders=removed)
    return removed

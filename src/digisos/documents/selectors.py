"""Reads for documents, with the access rule in one place: who may see a document."""

import uuid
from dataclasses import dataclass

from django.core.files.storage import storages
from django.db.models import Count, QuerySet, Sum

from digisos.accounts.models import User

from .models import Document, Folder

MUNICIPAL_CASEWORKER_ROLE = "kommune_saksbehandler"


@dataclass(frozen=True)
class FolderSummary:
    count: int
    total_bytes: int


def folder_of_owner(user: User, folder_id: uuid.UUID | str) -> Folder | None:
    """The folder if `user` owns it. Anyone else gets None, shown as 404, so ids reveal nothing."""
    if not user.is_authenticated:
        return None
    try:
        return Folder.objects.get(pk=folder_id, owner=user)
    except (Folder.DoesNotExist, ValueError):
        return None


def documents_in(folder: Folder) -> QuerySet[Document]:
    return folder.documents.only(
        "id", "folder_id", "original_name", "page_count", "size", "original_size", "created_at"
    ).order_by("created_at", "id")


def summary_of(folder: Folder) -> FolderSummary:
    totals = folder.documents.aggregate(count=Count("id"), total=Sum("original_size"))
    return FolderSummary(count=totals["count"], total_bytes=totals["total"] or 0)


def document_for_reader(user: User, document_id: uuid.UUID | str) -> Document | None:
    """The document if `user` may read it: the person who uploaded it, or a case worker of the municipality
    the folder was sent to. Everyone else (anonymous, other citizens, other municipalities) gets None."""
    if not user.is_authenticated:
        return None
    try:
        document = Document.objects.select_related("folder", "folder__owner").get(pk=document_id)
    except (Document.DoesNotExist, ValueError):
        return None
    if document.folder.owner_id == user.pk:
        return document
    if is_municipal_reader(user, document.folder):
        return document
    return None


def is_municipal_reader(user: User, folder: Folder) -> bool:
    return (
        user.kind == User.Kind.EMPLOYEE
        and bool(folder.kommunenummer)
        and user.municipality == folder.kommunenummer
        and user.groups.filter(name=MUNICIPAL_CASEWORKER_ROLE).exists()
    )


def decrypted_pdf(document: Document) -> bytes:
    with storages["documents"].open(document.storage_name, "rb") as handle:
        blob = handle.read()
    from . import encryption  # cryptography loads on the first decryption, not when Django starts (admin)

    return encryption.decrypt(blob, encryption.current_key())

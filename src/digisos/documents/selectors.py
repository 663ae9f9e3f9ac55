"""Reads for documents. Who may read, add and delete is decided in permissions.py; these ask it."""

import uuid
from dataclasses import dataclass

from django.core.files.storage import storages
from django.db.models import Count, QuerySet, Sum

from digisos.accounts.models import User

from . import permissions
from .models import Document, Folder
from .permissions import MUNICIPAL_CASEWORKER_ROLE

__all__ = ["MUNICIPAL_CASEWORKER_ROLE"]  # other apps name the role through here


@dataclass(frozen=True)
class FolderSummary:
    count: int
    total_bytes: int


def folder_for(user: User, folder_id: uuid.UUID | str, action: permissions.Action) -> Folder | None:
    """The folder if `user` may do `action` in it. None when they may not even read it (shown as 404, so
    ids reveal nothing); permissions.NotAllowed when they may read it but not do `action` (shown as 403 with
    what to do instead)."""
    if not user.is_authenticated:
        return None
    try:
        folder = Folder.objects.get(pk=folder_id)
    except (Folder.DoesNotExist, ValueError):
        return None
    try:
        permissions.check(user, folder, action)
    except permissions.NotAllowed as refused:
        if not refused.visible:
            return None
        raise
    return folder


def documents_in(folder: Folder) -> QuerySet[Document]:
    return folder.documents.only(
        "id", "folder_id", "original_name", "page_count", "size", "original_size", "created_at"
    ).order_by("created_at", "id")


def summary_of(folder: Folder) -> FolderSummary:
    totals = folder.documents.aggregate(count=Count("id"), total=Sum("original_size"))
    return FolderSummary(count=totals["count"], total_bytes=totals["total"] or 0)


def document_for_reader(user: User, document_id: uuid.UUID | str) -> Document | None:
    """The document if `user` may read its folder (permissions.py): the citizen it belongs to, or the
    municipality it was sent to. Everyone else (anonymous, other citizens, other municipalities, operators)
    gets None."""
    if not user.is_authenticated:
        return None
    try:
        document = Document.objects.select_related("folder", "folder__owner").get(pk=document_id)
    except (Document.DoesNotExist, ValueError):
        return None
    if not permissions.allows(user, document.folder, permissions.Action.READ):
        return None
    return document


def decrypted_pdf(document: Document) -> bytes:
    with storages["documents"].open(document.storage_name, "rb") as handle:
        blob = handle.read()
    from . import encryption  # cryptography loads on the first decryption, not when Django starts (admin)

    return encryption.decrypt_document(blob, document.key_id)

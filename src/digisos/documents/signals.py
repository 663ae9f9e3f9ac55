"""Encrypted files leave the storage when their row does, however the row was deleted (cascade included)."""

from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Document


@receiver(post_delete, sender=Document)
def delete_stored_file(sender: type[Document], instance: Document, **kwargs: object) -> None:
    name = instance.storage_name
    transaction.on_commit(lambda: storages["documents"].delete(name))

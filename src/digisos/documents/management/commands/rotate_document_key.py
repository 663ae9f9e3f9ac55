"""`manage.py rotate_document_key`: a new document key becomes current; the old one is kept to read old files."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digisos.documents import encryption


class Command(BaseCommand):
    help = (
        "Make a new document key pair current. The replaced pair is kept in DOCUMENT_KEYRING_DIR, so documents "
        "encrypted to it can still be read."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            old, new = encryption.rotate()
        except (OSError, encryption.DecryptionError) as error:
            raise CommandError(
                f"Could not rotate the document key: {error}. Where the key comes from a secret store, copy the "
                "current pair into DIGISOS_DOCUMENT_KEYRING_DIR and point DIGISOS_DOCUMENT_KEY_* at a new pair."
            ) from error
        self.stdout.write(
            f"new document key {new.key_id} in {settings.DOCUMENT_KEY_CERTIFICATE}; the previous key "
            f"{old.key_id} is kept in {settings.DOCUMENT_KEYRING_DIR}. Back up both: without the previous key, "
            "documents stored before now cannot be read."
        )

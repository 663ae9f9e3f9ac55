"""Documents stay readable after the document key is rotated: each is opened with the key it names."""

from pathlib import Path

import pytest
from django.core.management import call_command

from digisos.accounts.models import User
from digisos.documents import encryption, selectors, services
from digisos.documents.models import Folder

from . import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_keys(document_settings, settings, tmp_path: Path) -> Path:
    """A key folder of this test's own (rotation writes to it), laid out as the quick start's var/keys."""
    keys = tmp_path / "keys"
    settings.DOCUMENT_KEY_CERTIFICATE = keys / "document-key.crt"
    settings.DOCUMENT_KEY_PRIVATE = keys / "document-key.pem"
    settings.DOCUMENT_KEYRING_DIR = keys / "previous"
    encryption.generate_key_pair(settings.DOCUMENT_KEY_CERTIFICATE, settings.DOCUMENT_KEY_PRIVATE)
    encryption.clear_key_cache()
    yield keys
    encryption.clear_key_cache()


@pytest.fixture
def folder() -> Folder:
    owner = User.objects.create(username="citizen-kari", kind=User.Kind.CITIZEN, pid="14839110090")
    return services.create_folder(owner=owner, kind=Folder.Kind.APPLICATION)


def test_documents_from_before_and_after_a_rotation_both_open(own_keys, folder, capsys):
    before = services.upload_document(
        actor=folder.owner, folder=folder, name="før.pdf", data=corpus.pdf(text="Før")
    )
    first_key = encryption.current_key().key_id

    call_command("rotate_document_key")

    assert encryption.current_key().key_id != first_key
    assert f"new document key {encryption.current_key().key_id}" in capsys.readouterr().out
    after = services.upload_document(
        actor=folder.owner, folder=folder, name="etter.pdf", data=corpus.pdf(text="Etter")
    )
    assert (before.key_id, after.key_id) == (first_key, encryption.current_key().key_id)
    assert selectors.decrypted_pdf(before).startswith(b"%PDF")
    assert selectors.decrypted_pdf(after).startswith(b"%PDF")
    # The old key is kept, readable only by its owner, next to the new one.
    kept = sorted(path.name for path in (own_keys / "previous").iterdir())
    assert kept == [f"document-key-{first_key}.crt", f"document-key-{first_key}.pem"]
    assert (own_keys / "previous" / f"document-key-{first_key}.pem").stat().st_mode & 0o077 == 0


def test_a_second_rotation_keeps_both_older_keys(own_keys, folder):
    documents = []
    for number in range(3):
        documents.append(
            services.upload_document(
                actor=folder.owner, folder=folder, name=f"{number}.pdf", data=corpus.pdf(text=str(number))
            )
        )
        call_command("rotate_document_key")
    assert len({d.key_id for d in documents}) == 3
    assert all(selectors.decrypted_pdf(d).startswith(b"%PDF") for d in documents)


def test_a_document_whose_key_is_gone_is_an_error_not_a_wrong_key(own_keys, folder):
    document = services.upload_document(actor=folder.owner, folder=folder, name="a.pdf", data=corpus.pdf())
    document.key_id = "0" * 32
    with pytest.raises(encryption.DecryptionError, match="0" * 32):
        selectors.decrypted_pdf(document)

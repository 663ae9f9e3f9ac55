import pytest
from cryptography.hazmat.primitives import serialization

from digisos.concerns.models import ChildWelfareOffice
from digisos.concerns.services import apply_demo_child_welfare_offices
from digisos.exchange.keys import generate_municipality_keys
from tests.fixtures.personas import citizen


@pytest.fixture(scope="session")
def _signing_ca_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing-test-ca")


@pytest.fixture(autouse=True)
def signing_ca(settings, _signing_ca_dir):
    """The platform's seal (for the ASiC-E signature) from a throwaway test authority, made once a session."""
    settings.ONBOARDING_SIGNING = {**settings.ONBOARDING_SIGNING, "CA_DIR": str(_signing_ca_dir)}
    return _signing_ca_dir


@pytest.fixture
def offices(reference_data, db) -> None:
    """The quick start's child-welfare offices: Bergen/Tromsø (case system), Oslo (inbox, districts),
    Trondheim configured but not activated."""
    apply_demo_child_welfare_offices()


@pytest.fixture
def citizen_of():
    return citizen


@pytest.fixture(autouse=True)
def concern_storage(settings, document_key, tmp_path):
    """Sending a report delivers it at once (immediate task backend): its encrypted files go to a throwaway
    folder, encrypted to the test document key."""
    settings.DOCUMENT_KEY_CERTIFICATE, settings.DOCUMENT_KEY_PRIVATE = document_key
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "documents"},
        },
    }
    return tmp_path / "documents"


@pytest.fixture
def bergen_key(offices, tmp_path):
    """Bergen's child-welfare office has a certificate; the test holds its private key."""
    certificate, _ = generate_municipality_keys(tmp_path / "barnevern-4601")
    ChildWelfareOffice.objects.filter(municipality_id="4601").update(certificate_pem=certificate.read_text())
    key = serialization.load_pem_private_key((tmp_path / "barnevern-4601" / "mottak.pem").read_bytes(), None)
    return key

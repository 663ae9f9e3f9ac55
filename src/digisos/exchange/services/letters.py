"""Letters for the applicant (PDF), stored in the case's letters folder through the documents pipeline."""

from django.conf import settings

from digisos.accounts.models import User
from digisos.documents import services as documents
from digisos.documents.models import Document
from digisos.documents.permissions import NotAllowed

from ..errors import ExchangeRefused
from ..models import Case
from ..validation import Violation


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

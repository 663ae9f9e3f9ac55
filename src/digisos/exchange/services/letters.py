"""Letters for the applicant (PDF), stored in the case's letters folder through the documents pipeline."""

import uuid

from django.conf import settings

from digisos.accounts.models import User
from digisos.documents import services as documents
from digisos.documents.models import Document
from digisos.documents.permissions import NotAllowed

from ..errors import CaseNotFound, LetterNotAllowed, LetterRefused, LetterTooLarge, NotPdf
from ..models import Case
from ..validation import Violation


def store_letter(
    *, actor_id: int, case_id: uuid.UUID, name: str, data: bytes, field: str = "filer"
) -> Document:
    """A letter for the applicant (PDF), scanned and encrypted at rest like every document, in the case's
    letters folder (the documents pipeline locks the folder it adds to). `field` names the upload in a
    refusal. The documents pipeline checks what the uploader (`actor_id`, read here) may add to the folder."""
    if not data.startswith(b"%PDF-"):
        raise NotPdf(f"«{name}» er ikke en PDF. Brev må sendes som PDF.")
    case = Case.objects.select_related("letters").filter(pk=case_id).first()
    if case is None or case.letters is None:
        raise CaseNotFound(f"Fant ingen sak {case_id}.")
    actor = User.objects.get(pk=actor_id)
    try:
        document = documents.upload_document(actor=actor, folder=case.letters, name=name, data=data)
    except documents.UploadRefused as refusal:
        message = _letter_refusal(refusal)
        violations = [Violation(path=field, message=message)]
        if refusal.code == "too_large":  # the file was cut off as it streamed in
            raise LetterTooLarge(message, violations) from None
        raise LetterRefused(message, violations, code=refusal.code) from None
    except NotAllowed:
        message = "Bare kommunen saken er sendt til kan legge brev på den."
        raise LetterNotAllowed(message, [Violation(path=field, message=message)]) from None
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

"""Writes for innsyn: documents the applicant sends after the application (ettersendelse)."""

from dataclasses import dataclass

from digisos.accounts.models import User
from digisos.documents import services as documents
from digisos.documents.models import Document, Folder
from digisos.exchange.errors import ExchangeRefused
from digisos.exchange.models import Case, Delivery
from digisos.exchange.services.delivery import send_ettersendelse
from digisos.soker.fold import Task

# Documents sent on the applicant's own initiative, not answering a request.
OWN_INITIATIVE = ("annet", "annet")


@dataclass(frozen=True)
class SendResult:
    delivery: Delivery | None
    refused: list[documents.UploadRefused]


class SendRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "no_files" | "receiving_disabled"


def send_documents(
    *, actor: User, case: Case, task: Task | None, files: list[tuple[str, bytes]]
) -> SendResult:
    """Run the files through the Documents pipeline, then deliver the accepted ones to the municipality as
    one ettersendelse whose vedlegg.json says which request they answer (hendelseType/hendelseReferanse)."""
    if not files:
        raise SendRefused("no_files")
    folder = documents.create_folder(owner=actor, kind=Folder.Kind.ETTERSENDELSE)
    outcome = documents.upload_documents(actor=actor, folder=folder, files=files)
    if not outcome.accepted:
        documents.delete_folder(actor=actor, folder=folder)
        return SendResult(delivery=None, refused=outcome.refused)
    try:
        delivery = send_ettersendelse(
            actor=actor,
            case_id=case.id,
            folder_id=folder.id,
            vedlegg=[_vedlegg_entry(task, outcome.accepted)],
        )
    except ExchangeRefused as refused:
        documents.delete_folder(actor=actor, folder=folder)
        raise SendRefused("receiving_disabled") from refused
    return SendResult(delivery=delivery, refused=outcome.refused)


def _vedlegg_entry(task: Task | None, accepted: list[Document]) -> dict:
    kind, extra = (task.document_type, task.extra_info) if task else OWN_INITIATIVE
    entry = {
        "type": kind,
        "tilleggsinfo": extra,
        "status": "LastetOpp",
        "filer": [{"filnavn": d.stored_name, "sha512": d.sha512} for d in accepted],
        "hendelseType": task.event_type if task else "bruker",
    }
    if task and task.reference:
        entry["hendelseReferanse"] = task.reference
    return entry

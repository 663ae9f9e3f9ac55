"""Writes for the application: start, save a step, upload to a requirement, delete, send, retention."""

import contextlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.identifiers import age_on, is_synthetic_identity_number
from digisos.core.prepared import update_row
from digisos.core.services import record_audit
from digisos.documents import services as documents
from digisos.documents.models import Folder
from digisos.municipalities.selectors import DigitalStatus, digital_status, offices_of, route_to_office
from digisos.registers import selectors as registers

from . import eligibility, filformat, pdf, submission
from .filformat_validation import soknad_errors, vedlegg_errors
from .models import Application, RequirementDocument
from .requirements import documentation_requirements
from .selectors import (
    ADULT_AGE,
    amounts_of,
    delivered_earlier_of,
    files_by_requirement,
    locked_application_of_owner,
    sent_last_24h,
)

log = structlog.get_logger(__name__)

DRAFT_DAYS = 14
# The data processing agreement's deletion period for metadata (Vedlegg 1): a sent application's working copy.
METADATA_DAYS = 200
MAX_SENT_PER_24H = 2


class ApplicationRefused(Exception):
    """The application cannot go on; `reason` picks the page that explains what to do instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadySent(Exception):
    """The application was sent (in another tab, say) before this change to it arrived: nothing was changed.
    A sent application is the case's; what it holds is what the municipality got."""

    def __init__(self, application: Application) -> None:
        super().__init__(str(application.pk))
        self.application = application


def start_application(*, user: User, for_test: bool = False) -> Application:
    """A new draft with what the registers know. Refuses (with a reason) where NAV's gates apply.

    `for_test`: a test application from onboarding (send_test_application), not held to the daily limit."""
    today = timezone.localdate()
    prefill = registers.fetch_prefill(user.pid or "", today=today)
    person = prefill["person"]
    if person is None:
        raise ApplicationRefused("not_found")
    if person["address_protection"] != "ugradert":
        raise ApplicationRefused("address_protection")
    if age_on(datetime.fromisoformat(person["birth_date"]).date(), today) < ADULT_AGE:
        raise ApplicationRefused("under_18")
    if not for_test and sent_last_24h(user) >= MAX_SENT_PER_24H:
        raise ApplicationRefused("rate_limited")
    if not for_test:
        _check_can_start(user, person.get("bostedsadresse"))
    with transaction.atomic():
        folder = documents.create_folder(owner=user, kind=Folder.Kind.APPLICATION)
        application = Application(owner=user, folder=folder, registers=prefill)
        _route(application, person.get("bostedsadresse"))
        application.save(force_insert=True)
        record_audit(
            actor=user,
            action="application.start",
            object_type="application.Application",
            object_id=str(application.id),
        )
    return application


def _check_can_start(user: User, address: dict[str, Any] | None) -> None:
    """Refuses a draft that could never be sent: the registered address's municipality does not take digital
    applications (paper only, temporarily closed, or testing with test persons only). Nine steps filled in
    and a refusal on the summary is a dead end for a person in crisis; the start page gives the paper
    address instead. A person without a known municipality may start and choose the address in step 1."""
    municipality = municipality_of_address(address)
    if municipality is None:
        return
    status = digital_status(municipality)
    if not may_send_to(user, status):
        raise ApplicationRefused(
            "test_mode" if status is not None and status.test_mode else "municipality_closed"
        )


def municipality_of_address(address: dict[str, Any] | None) -> str | None:
    """The kommunenummer an address is routed to (None when it cannot be routed)."""
    routing = route_to_office(
        kommunenummer=(address or {}).get("kommunenummer"),
        bydelsnummer=(address or {}).get("bydelsnummer"),
        street_code=(address or {}).get("street_code"),
        house_number=(address or {}).get("house_number"),
    )
    return routing.municipality.kommunenummer if routing.municipality else None


def _route(application: Application, address: dict[str, Any] | None, *, chosen_office: str = "") -> None:
    routing = route_to_office(
        kommunenummer=(address or {}).get("kommunenummer"),
        bydelsnummer=(address or {}).get("bydelsnummer"),
        street_code=(address or {}).get("street_code"),
        house_number=(address or {}).get("house_number"),
    )
    application.municipality_id = routing.municipality.kommunenummer if routing.municipality else None
    if routing.office:
        application.enhetsnummer, application.office_name = routing.office.enhetsnummer, routing.office.name
    elif chosen_office:
        match = [o for o in offices_of(application.municipality_id) if o.enhetsnummer == chosen_office]
        application.enhetsnummer, application.office_name = (
            (match[0].enhetsnummer, match[0].name) if match else ("", "")
        )
    else:
        application.enhetsnummer, application.office_name = "", ""


def save_step(
    *, application: Application, step: str, answers: dict[str, Any], paused_step: str = ""
) -> Application:
    """Stores one step's answers (every step is saved; there is no save button). Raises AlreadySent when the
    application was sent meanwhile: the answers were not stored, and the person must be told so.
    `paused_step`: the step's slug when the person leaves off on it (Application.paused_step)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.DRAFT:
            raise AlreadySent(locked)
        _store_step(locked, step, answers, may_have_documents=True, paused_step=paused_step)
    return locked


StepAnswers = Callable[[Application], tuple[str, dict[str, Any]] | None]


def save_step_of_owner(
    *, owner: User, application_id: uuid.UUID, answers_of: StepAnswers, paused_step: str = ""
) -> Application | None:
    """A step posted by the person, saved with one read of the draft (the step view's POST, the application's
    busiest write): the owner's draft is read and locked in one statement (None when it is not theirs), then
    `answers_of` builds and validates the step's form on it and gives the step and its answers, or None when
    nothing is to be saved (the form has errors); a sent application is never given to it: AlreadySent is
    raised instead (sent in another tab), as nothing of this step was stored. Returns the draft, as saved when
    it was. `paused_step`: as save_step's."""
    with transaction.atomic():
        locked = locked_application_of_owner(owner, application_id)
        if locked is None:
            return None
        application = locked.application
        if application.status != Application.Status.DRAFT:
            raise AlreadySent(application)
        posted = answers_of(application)
        if posted is not None:
            step, answers = posted
            _store_step(
                application, step, answers, may_have_documents=locked.has_documents, paused_step=paused_step
            )
    return application


def _store_step(
    locked: Application,
    step: str,
    answers: dict[str, Any],
    *,
    may_have_documents: bool,
    paused_step: str = "",
) -> None:
    """The step's answers written to the draft, which the caller holds locked in its transaction."""
    locked.answers = {**locked.answers, step: answers}
    # Only what this step can change is written: an UPDATE stores every JSON column it names again, even
    # unchanged, and the register facts and soknad.json are the large ones.
    changed = ["answers", "updated_at"]
    if paused_step != locked.paused_step:  # a save that goes on clears where the person paused before
        locked.paused_step = paused_step
        changed.append("paused_step")
    if step == "personalia":
        address = (
            answers.get("annen_adresse")
            if answers.get("adresse_valg") == "soknad"
            else (locked.registers.get("person") or {}).get("bostedsadresse")
        )
        _route(locked, address, chosen_office=answers.get("nav_kontor", ""))
        _choose_variant(locked)
        changed += ["municipality", "enhetsnummer", "office_name", "variant"]
    if step == "inntekt":
        _fetch_consented(locked, answers)
        changed.append("registers")
    # The UPDATE written once per process (core/prepared.py): building and compiling save()'s UPDATE cost more
    # CPU than running it, on the application's busiest write. Like save(), it sets updated_at (auto_now).
    locked.updated_at = timezone.now()
    update_row(Application, locked.pk, {name: getattr(locked, _attname(name)) for name in changed})
    # A draft without uploads has none that could have become unneeded (read in the same locked SELECT by
    # save_step_of_owner): the look for them is skipped on most saves.
    if may_have_documents:
        _drop_unneeded_documents(locked)


def _attname(field: str) -> str:
    return Application._meta.get_field(field).attname


def _drop_unneeded_documents(application: Application) -> None:
    # When an answer changes so that a document is no longer asked for, its uploads go too (as NAV does):
    # nothing is sent to the municipality that the application does not need.
    needed = {
        r.key
        for r in documentation_requirements(
            application.answers, application.registers, today=timezone.localdate(), short=application.is_short
        )
    }
    stale = (
        RequirementDocument.objects.filter(application=application)
        .exclude(requirement__in=needed)
        .select_related("document")
    )
    for link in stale:
        documents.delete_document(actor=application.owner, document=link.document)


def _choose_variant(application: Application) -> None:
    """Kort søknad for a person with recent help from this municipality, decided once the address (and so the
    municipality) is known. Switching drops the other variant's documentation answers and uploads, as NAV's
    KortSoknadService does."""
    short = bool(application.municipality_id) and eligibility.qualifies_for_short(
        application.owner, application.municipality_id, timezone.localdate()
    )
    variant = "kort" if short else "standard"
    if variant != application.variant:
        application.variant = variant
        application.answers.pop("dokumentasjon", None)


def _fetch_consented(application: Application, answers: dict[str, Any]) -> None:
    # Skatteetaten and Husbanken are asked only after an explicit yes, and asked again on a new yes.
    pid = application.owner.pid or ""
    today = timezone.localdate()
    data = dict(application.registers)
    if answers.get("skatt_samtykke") is True:
        data["skatt"] = registers.fetch_taxable_income(pid, today=today)
    else:
        data.pop("skatt", None)
    if answers.get("bostotte") is True and answers.get("bostotte_samtykke") is True:
        data["husbanken"] = registers.fetch_housing_allowance(pid, today=today)
    else:
        data.pop("husbanken", None)
    application.registers = data


def upload_to_requirement(
    *, actor: User, application: Application, requirement: str, files: list[tuple[str, bytes]]
) -> documents.UploadOutcome:
    outcome = documents.upload_documents(actor=actor, folder=application.folder, files=files)
    RequirementDocument.objects.bulk_create(
        [
            RequirementDocument(application=application, requirement=requirement, document=d)
            for d in outcome.accepted
        ]
    )
    return outcome


def delete_draft(*, actor: User | None, application: Application) -> None:
    """The draft, its answers and its documents. A sent application is never deleted here: AlreadySent when it
    was sent (in another tab) after the delete was confirmed, so the citizen is told, not sent on as if it
    were gone."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.DRAFT:
            raise AlreadySent(locked)
        folder = locked.folder
        record_audit(
            actor=actor,
            action="application.delete_draft",
            object_type="application.Application",
            object_id=str(locked.id),
        )
        locked.delete()
        documents.delete_folder(actor=actor, folder=folder)


def clear_sent_application_metadata(*, now: datetime | None = None) -> int:
    """A sent application's working copy — the answers as the form kept them and what the registers said when
    it was filled in — cleared METADATA_DAYS after it was sent (the data processing agreement's "metadata after
    200 days"). The application as sent (soknad.json, vedlegg.json, its PDF, its reference) is the case's and
    stays; after 30 days nothing reads the working copy (innsyn names the application's own documentation
    requirements from it for those days only). One UPDATE; returns how many were cleared."""
    cutoff = (now or timezone.now()) - timedelta(days=METADATA_DAYS)
    cleared = (
        Application.objects.filter(status=Application.Status.READY, sent_at__lt=cutoff)
        .exclude(answers={}, registers={})
        .update(answers={}, registers={})
    )
    if cleared:
        log.info("application.metadata_cleared", count=cleared)
    return cleared


def remove_expired_drafts(*, now: datetime | None = None) -> int:
    """Drafts are deleted 14 days after they were started (counted from creation, as NAV does)."""
    cutoff = (now or timezone.now()) - timedelta(days=DRAFT_DAYS)
    removed = 0
    for application in Application.objects.filter(status=Application.Status.DRAFT, created_at__lt=cutoff):
        try:
            delete_draft(actor=None, application=application)
        except AlreadySent:  # sent since the job read it: the case's now, not a draft to remove
            continue
        removed += 1
    if removed:
        log.info("application.drafts_removed", count=removed)
    return removed


@dataclass(frozen=True)
class SendResult:
    application: Application
    already_sent: bool


def send_application(*, actor: User, application_id: Any) -> SendResult:
    """Build soknad.json, vedlegg.json and the PDF, store them and mark the application ready to deliver.

    Idempotent: the row is locked, so a double click, a retry or two concurrent POSTs give one application;
    the second caller gets the first one's result.
    """
    _check_not_protected(actor)
    with transaction.atomic():
        # Locks the folder row too (FOR UPDATE covers the joined row): an upload racing this send waits, then
        # finds the folder sealed (documents/permissions.py), so what is in it is what vedlegg.json lists.
        application = (
            Application.objects.select_for_update()
            .select_related("folder")
            .get(pk=application_id, owner=actor)
        )
        if application.status != Application.Status.DRAFT:
            return SendResult(application=application, already_sent=True)
        status = _check_can_send(actor, application)
        now = timezone.now()
        today = timezone.localdate()
        requirements = documentation_requirements(
            application.answers, application.registers, today=today, short=application.is_short
        )
        soknad = filformat.build_soknad(
            answers=application.answers,
            registers=application.registers,
            mottaker={
                "kommunenummer": application.municipality_id,
                "enhetsnummer": application.enhetsnummer,
                "navEnhetsnavn": f"{application.office_name}, {status.municipality.name} kommune",
            },
            amounts=amounts_of(application),
            sent_at=now,
            short=application.is_short,
        )
        files = files_by_requirement(application)
        if application.is_short:
            # Kort søknad's categories are offers, not demands: only those with files are sent (as NAV does).
            requirements = [r for r in requirements if files.get(r.key)]
        vedlegg = filformat.build_vedlegg(
            requirements,
            files={key: [(d.stored_name, d.sha512) for d in docs] for key, docs in files.items()},
            delivered_earlier=delivered_earlier_of(application),
        )
        problems = soknad_errors(soknad) + vedlegg_errors(vedlegg)
        if problems:
            # Our own bug, never the user's: refuse to send something the case system would reject.
            log.error("application.invalid_filformat", problems=problems[:10])
            raise ApplicationRefused("internal_format_error")
        application.reference = _reference()
        application.sent_at = now
        application.status = Application.Status.READY
        application.soknad_json = soknad
        application.vedlegg_json = vedlegg
        rendered = pdf.render_application(application, requirements=requirements, files=files)
        application.pdf = documents.store_generated_pdf(
            actor=actor, folder=application.folder, name=f"Soknad-{application.reference}.pdf", data=rendered
        )
        application.save()
        documents.release_to_municipality(
            folder=application.folder, kommunenummer=application.municipality_id
        )
        # The exchange (the registered submission backend) makes it a case and enqueues its delivery, in this
        # same transaction: marked sent and receivable by the municipality together, or neither.
        submission.backend().submit(application_id=application.id)
        record_audit(
            actor=actor,
            action="application.send",
            object_type="application.Application",
            object_id=str(application.id),
            after={"reference": application.reference, "kommunenummer": application.municipality_id},
        )
    return SendResult(application=application, already_sent=False)


def _check_not_protected(actor: User) -> None:
    """Address protection is checked again at send, from the register itself: it may have been set since
    the start. A protected person's drafts are deleted, as NAV does; nothing of theirs stays here."""
    person = registers.get_person(actor.pid or "")
    if person is None:
        raise ApplicationRefused("not_found")
    if person.address_is_confidential:
        for draft in Application.objects.filter(owner=actor, status=Application.Status.DRAFT):
            with contextlib.suppress(AlreadySent):  # sent (before the register said so) since it was read
                delete_draft(actor=actor, application=draft)
        raise ApplicationRefused("address_protection")


def _check_can_send(actor: User, application: Application) -> DigitalStatus:
    """The receiving municipality's status, if the application may be sent to it now."""
    if not application.municipality_id or not application.enhetsnummer:
        raise ApplicationRefused("no_office")
    status = digital_status(application.municipality_id)
    if status is not None and status.test_mode:
        # Integration and test: only synthetic test persons reach the case system under test. Their sends
        # are tests, so the two-a-day limit (meant for people in crisis resending) does not hold them back.
        if not is_test_person(actor):
            raise ApplicationRefused("test_mode")
        return status
    if status is None or not status.accepts_applications:
        raise ApplicationRefused("municipality_closed")
    if sent_last_24h(actor) >= MAX_SENT_PER_24H:
        raise ApplicationRefused("rate_limited")
    return status


def is_test_person(user: User) -> bool:
    """A synthetic test person (Tenor's or NAV's test number ranges, core.identifiers), never a real one."""
    return is_synthetic_identity_number(user.pid or "")


def may_send_to(user: User, status: DigitalStatus | None) -> bool:
    """Whether `user` may send to a municipality with this status (the summary page offers the button)."""
    if status is None:
        return False
    if status.test_mode:
        return is_test_person(user)
    return status.accepts_applications


# What the onboarding's "send a test application" fills in: a short, plain application that asks for the
# documentation a case system must handle (rent, wages) so the vendor can test an ettersendelse too.
TEST_ANSWERS: dict[str, Any] = {
    "behov": {"hva": "Testsøknad fra påkoblingen", "hvorfor": "Test av fagsystemet", "nodhjelp": []},
    "arbeid": {"kommentar": "", "er_student": False, "studentgrad": None},
    "bosituasjon": {"botype": "leier", "antall_personer": 1},
    "inntekt": {
        "skatt_samtykke": True,
        "bostotte": False,
        "bostotte_samtykke": None,
        "studielan": None,
        "utbetalinger": [],
        "bank": ["brukskonto"],
        "verdier": [],
    },
    "utgifter": {"boutgifter": ["husleie"]},
}


def send_test_application(*, test_person: User, kommunenummer: str) -> Application:
    """One synthetic application sent through the real send path to a municipality in test mode.

    The test person lives wherever the register says; the draft is routed to the municipality under test (its
    first NAV office) instead. Refused unless the person is synthetic and the municipality is in test mode.
    """
    if not is_test_person(test_person):
        raise ApplicationRefused("test_mode")
    status = digital_status(kommunenummer)
    if status is None or not status.test_mode:
        raise ApplicationRefused("municipality_closed")
    offices = offices_of(kommunenummer)
    if not offices:
        raise ApplicationRefused("no_office")
    application = start_application(user=test_person, for_test=True)
    application.municipality_id = kommunenummer
    application.enhetsnummer, application.office_name = offices[0].enhetsnummer, offices[0].name
    application.save(update_fields=["municipality_id", "enhetsnummer", "office_name"])
    for step, answers in TEST_ANSWERS.items():
        save_step(application=application, step=step, answers=answers)
    return send_application(actor=test_person, application_id=application.id).application


def _reference() -> str:
    # Short enough to read over the phone; no letters that look alike.
    alphabet = "ACDEFHJKLMNPRTUVWXY34679"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"DS-{code[:4]}-{code[4:]}"

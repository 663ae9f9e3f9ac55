"""Writes: every change on a municipality's onboarding path. One function per change; each owns its
transaction, its audit entry (before and after) and the mail it queues in the same transaction.

Each checks who is asking against the roles (selectors.roles_of) and refuses a wrong person with a
NotAllowed whose message says, in plain Norwegian, who may do it.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digisos.core import formatting
from digisos.core.identifiers import InvalidOrganisationNumber, validate_organisation_number
from digisos.core.services import record_audit
from digisos.municipalities.models import Municipality, ServiceConfiguration
from digisos.municipalities.services import update_service_configuration

from . import selectors
from .agreements import KINDS, render_agreement
from .models import Agreement, Baseline, ChecklistTick, Invitation, Onboarding, Role, RoleAssignment, Stage
from .path import (
    BASELINE_RECORDERS,
    CONFIGURATION_FIELDS,
    GO_LIVE_NOTICE_DAYS,
    GO_LIVE_WEEKDAY,
    INVITERS,
    item,
    stage_of,
)
from .signing import SigningFailed, signer

log = structlog.get_logger(__name__)

INVITATION_DAYS = 14
OBJECT_TYPE = "onboarding.Onboarding"


class OnboardingError(Exception):
    """A change that cannot be made; `message` says why in the user's language."""

    code = "onboarding_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(OnboardingError):
    code = "not_allowed"


class WrongStage(OnboardingError):
    code = "wrong_stage"


class ChecklistIncomplete(OnboardingError):
    code = "checklist_incomplete"


class InvalidInvitation(OnboardingError):
    code = "invalid_invitation"


class InvalidInput(OnboardingError):
    code = "invalid_input"


def _role_names(roles: Iterable[str]) -> str:
    names = [str(Role(role).label).lower() for role in roles]
    if len(names) == 1:
        return names[0]
    return _("%(first)s eller %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _require(actor: AbstractBaseUser, onboarding: Onboarding, allowed: Iterable[str]) -> set[str]:
    allowed = tuple(allowed)
    try:
        held = selectors.roles_of(actor, onboarding) & set(allowed)
    except selectors.RightsUnavailable:
        raise NotAllowed(
            _("Vi får ikke sjekket rettighetene dine i Altinn akkurat nå. Prøv igjen om noen minutter.")
        ) from None
    if not held:
        raise NotAllowed(
            _(
                "Bare %(roles)s for %(name)s kan gjøre dette. Be en av dem om å gjøre det, eller om å invitere deg."
            )
            % {"roles": _role_names(allowed), "name": onboarding.municipality.name}
        )
    return held


def _locked(onboarding_id: int) -> Onboarding:
    return Onboarding.objects.select_for_update().select_related("municipality").get(pk=onboarding_id)


def _require_stage(onboarding: Onboarding, *stages: str) -> None:
    if onboarding.stage not in stages:
        raise WrongStage(
            _("Dette kan ikke gjøres nå: %(name)s er på steget «%(stage)s».")
            % {"name": onboarding.municipality.name, "stage": onboarding.get_stage_display()}
        )


def _require_checklist(onboarding: Onboarding) -> None:
    missing = selectors.missing(onboarding)
    if missing:
        raise ChecklistIncomplete(
            _("Dette mangler før neste steg: %(items)s.")
            % {"items": "; ".join(str(i.label) for i in missing)}
        )


def _move(actor: AbstractBaseUser | None, onboarding: Onboarding, to: str, action: str, **extra: Any) -> None:
    before = {"stage": onboarding.stage}
    onboarding.stage = to
    onboarding.stage_entered_at = timezone.now()
    onboarding.save(update_fields=["stage", "stage_entered_at"])
    record_audit(
        actor=actor,
        action=f"onboarding.{action}",
        object_type=OBJECT_TYPE,
        object_id=onboarding.pk,
        before=before,
        after={"stage": to, **extra},
    )
    _queue_stage_mail(onboarding.pk)


def _queue_stage_mail(onboarding_id: int) -> None:
    # Imported here: tasks imports this module for the work it runs.
    from .tasks import mail_stage_owner

    mail_stage_owner.enqueue(onboarding_id)


def start_onboarding(
    *, actor: AbstractBaseUser, kommunenummer: str, organisation_number: str = "", email: str = ""
) -> Onboarding:
    """The kommunedirektør (Altinn's signing right on the municipality) or an operator opens the path.

    The kommunedirektør gives the e-mail address the path's mail goes to; the row kept for it is a contact
    only: their right to act is asked of Altinn at every action.
    """
    municipality = Municipality.objects.filter(pk=kommunenummer, active=True).first()
    if municipality is None:
        raise InvalidInput(_("Vi finner ingen kommune med nummer %(number)s.") % {"number": kommunenummer})
    try:
        signed_for = {k: orgnr for k, orgnr, _name in selectors.municipalities_signed_for(actor)}
    except selectors.RightsUnavailable:
        raise NotAllowed(
            _("Vi får ikke sjekket rettighetene dine i Altinn akkurat nå. Prøv igjen om noen minutter.")
        ) from None
    director = kommunenummer in signed_for
    if director:
        organisation_number = signed_for[kommunenummer]
        email = email.strip()
        if "@" not in email:
            raise InvalidInput(_("Skriv e-postadressen din, så du får beskjed når noe venter på deg."))
    elif not selectors.is_operator(actor):
        raise NotAllowed(
            _(
                "Bare kommunedirektøren i %(name)s (den som har rett til å signere DigiSos-avtaler i Altinn) "
                "eller en DigiSos-operatør kan starte påkoblingen."
            )
            % {"name": municipality.name}
        )
    try:
        organisation_number = validate_organisation_number(organisation_number)
    except InvalidOrganisationNumber as error:
        raise InvalidInput(str(error)) from None
    with transaction.atomic():
        if Onboarding.objects.filter(municipality=municipality).exists():
            raise WrongStage(_("%(name)s er allerede i gang med påkoblingen.") % {"name": municipality.name})
        onboarding = Onboarding.objects.create(
            municipality=municipality,
            organisation_number=organisation_number,
            stage=Stage.DECISION,
            stage_entered_at=timezone.now(),
        )
        record_audit(
            actor=actor,
            action="onboarding.started",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            after={"stage": Stage.DECISION, "organisation_number": organisation_number},
        )
        if director:
            RoleAssignment.objects.create(
                onboarding=onboarding,
                role=Role.KOMMUNEDIREKTOR,
                user=actor,
                email=email,
                name=actor.get_full_name() or email,  # type: ignore[attr-defined]
                assigned_by=actor,
                assigned_at=timezone.now(),
            )
    return onboarding


def tick(*, actor: AbstractBaseUser, onboarding_id: int, key: str) -> ChecklistTick:
    """The item's owner marks it done. Only items of the current stage that the system cannot see itself."""
    definition = item(key)
    if definition is None or definition.automatic:
        raise InvalidInput(_("Dette punktet kan ikke krysses av for hånd."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, stage_of(key) or "")
        _require(actor, onboarding, [definition.owner])
        done = ChecklistTick.objects.filter(onboarding=onboarding, key=key).first()
        if done is not None:
            return done
        done = ChecklistTick.objects.create(
            onboarding=onboarding, key=key, done_by=actor, done_at=timezone.now()
        )
        record_audit(
            actor=actor,
            action="onboarding.item_done",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"item": key, "done": False},
            after={"item": key, "done": True},
        )
    return done


class SignatureRefused(OnboardingError):
    code = "signature_refused"


def _agreement(onboarding: Onboarding, kind: str) -> Agreement:
    """The agreement's PDF, made once: a signature is checked against these exact bytes."""
    agreement = Agreement.objects.select_for_update().filter(onboarding=onboarding, kind=kind).first()
    if agreement is None:
        agreement = Agreement.objects.create(
            onboarding=onboarding,
            kind=kind,
            unsigned_pdf=render_agreement(onboarding, kind),
            prepared_at=timezone.now(),
        )
    return agreement


def agreement_pdf(*, actor: AbstractBaseUser, onboarding_id: int, kind: str) -> bytes:
    """The agreement to read before signing (made on first request). Anyone with a role may read it."""
    if kind not in KINDS:
        raise InvalidInput(_("Vi kjenner ikke denne avtalen."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require(actor, onboarding, [r for r in Role.values])
        return bytes(_agreement(onboarding, kind).unsigned_pdf)


def sign_agreement(*, actor: AbstractBaseUser, onboarding_id: int, kind: str) -> Agreement:
    """The kommunedirektør signs one agreement electronically (PAdES, through the signing port)."""
    if kind not in KINDS:
        raise InvalidInput(_("Vi kjenner ikke denne avtalen."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.AGREEMENTS)
        _require(actor, onboarding, [Role.KOMMUNEDIREKTOR])
        agreement = _agreement(onboarding, kind)
        if agreement.signed_pdf is not None:
            return agreement
        name = actor.get_full_name() or actor.get_username()  # type: ignore[attr-defined]
        try:
            signed = signer().sign(
                bytes(agreement.unsigned_pdf),
                signer_name=name,
                organisation=f"{onboarding.municipality.name} kommune",
                reason=str(KINDS[kind].title),
            )
        except SigningFailed:
            raise SignatureRefused(_("Signeringen virket ikke. Prøv igjen om litt.")) from None
        return _store_signed(actor, onboarding, agreement, signed)


def upload_signed_agreement(
    *, actor: AbstractBaseUser, onboarding_id: int, kind: str, data: bytes
) -> Agreement:
    """A signed PDF of the agreement, signed elsewhere, stored only if its signature verifies."""
    if kind not in KINDS:
        raise InvalidInput(_("Vi kjenner ikke denne avtalen."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.AGREEMENTS)
        _require(actor, onboarding, [Role.KOMMUNEDIREKTOR])
        agreement = _agreement(onboarding, kind)
        return _store_signed(actor, onboarding, agreement, data)


def _store_signed(
    actor: AbstractBaseUser, onboarding: Onboarding, agreement: Agreement, signed: bytes
) -> Agreement:
    original = bytes(agreement.unsigned_pdf)
    verification = signer().verify(signed)
    if not signed.startswith(original):
        raise SignatureRefused(
            _(
                "Filen er ikke avtalen vi laget for %(name)s. Last ned avtalen her, signer den og last opp igjen."
            )
            % {"name": onboarding.municipality.name}
        )
    if not verification.valid:
        raise SignatureRefused(
            _("Signaturen i filen kan ikke bekreftes, så avtalen er ikke lagret. Signer avtalen på nytt.")
        )
    agreement.signed_pdf = signed
    agreement.signed_by = actor
    agreement.signed_at = timezone.now()
    agreement.signer_name = verification.signer_name[:200]
    agreement.save(update_fields=["signed_pdf", "signed_by", "signed_at", "signer_name"])
    record_audit(
        actor=actor,
        action="onboarding.agreement_signed",
        object_type=OBJECT_TYPE,
        object_id=onboarding.pk,
        before={"agreement": agreement.kind, "signed": False},
        after={
            "agreement": agreement.kind,
            "signed": True,
            "signer": agreement.signer_name,
            "sha256": hashlib.sha256(signed).hexdigest(),
        },
    )
    return agreement


def connect_case_system(
    *, actor: AbstractBaseUser, onboarding_id: int, certificate_pem: str, public_key_pem: str, name: str
) -> str:
    """The vendor registers the case system (what `manage.py exchange_connect` does): the certificate the
    deliveries are encrypted to and the public key its grants are verified with. Returns the client_id."""
    from digisos.exchange.keys import UnreadableKey, certificate_fingerprint, public_key_fingerprint
    from digisos.exchange.models import Receiver
    from digisos.exchange.services.clients import register_client, register_receiver

    try:
        certificate_fingerprint(certificate_pem)
    except UnreadableKey:
        raise InvalidInput(
            _("Sertifikatet kan ikke leses. Lim inn hele PEM-teksten, med BEGIN- og END-linjene.")
        ) from None
    try:
        public_key_fingerprint(public_key_pem)
    except UnreadableKey:
        raise InvalidInput(
            _("Den offentlige nøkkelen kan ikke leses. Lim inn hele PEM-teksten, med BEGIN- og END-linjene.")
        ) from None
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.INTEGRATION)
        _require(actor, onboarding, [Role.VENDOR])
        kommunenummer = onboarding.municipality_id
        register_receiver(
            kommunenummer=kommunenummer,
            channel=Receiver.Channel.API,
            certificate_pem=certificate_pem,
            actor=actor,
        )
        client = register_client(
            kommunenummer=kommunenummer, name=name, public_key_pem=public_key_pem, actor=actor
        )
        record_audit(
            actor=actor,
            action="onboarding.case_system_connected",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"connected": False},
            after={"connected": True, "channel": "api", "client_id": client.client_id},
        )
    return client.client_id


def choose_manual_inbox(*, actor: AbstractBaseUser, onboarding_id: int, inbox_email: str) -> None:
    """A municipality without a case system receives in DigiSos' inbox (the local administrator chooses)."""
    from digisos.exchange.models import Receiver
    from digisos.exchange.services.clients import register_receiver

    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.INTEGRATION)
        _require(actor, onboarding, [Role.LOCAL_ADMINISTRATOR, Role.VENDOR])
        register_receiver(
            kommunenummer=onboarding.municipality_id,
            channel=Receiver.Channel.INBOX,
            inbox_email=inbox_email.strip(),
            actor=actor,
        )
        record_audit(
            actor=actor,
            action="onboarding.case_system_connected",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"connected": False},
            after={"connected": True, "channel": "inbox"},
        )


# Who may press "send a test application": the vendor testing the case system, and the municipality's own
# technical people following the test.
TEST_SENDERS = (Role.VENDOR, Role.LOCAL_ADMINISTRATOR, Role.TEKNISK_ANSVARLIG)


def send_test_application(*, actor: AbstractBaseUser, onboarding_id: int) -> str:
    """One synthetic application from the test person (settings.ONBOARDING_TEST_PERSON_PID) sent through the
    real send path to the municipality in integration and test. Returns its reference. The checklist then
    ticks itself as the case system collects it, reports on it and so on (selectors.integration_seen)."""
    from digisos.accounts.models import User
    from digisos.application.services import ApplicationRefused
    from digisos.application.services import send_test_application as send_test

    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.INTEGRATION)
        _require(actor, onboarding, TEST_SENDERS)
        pid = settings.ONBOARDING_TEST_PERSON_PID
        person = User.objects.filter(pid=pid).first() or User.objects.create(
            username=f"testperson-{secrets.token_hex(6)}", kind=User.Kind.CITIZEN, pid=pid
        )
        try:
            application = send_test(test_person=person, kommunenummer=onboarding.municipality_id)
        except ApplicationRefused as refused:
            log.warning("onboarding.test_application_refused", reason=refused.reason)
            raise InvalidInput(
                _(
                    "Testsøknaden kunne ikke sendes. Sjekk at testpersonen finnes i Folkeregisteret og at "
                    "kommunen har et Nav-kontor, og prøv igjen."
                )
            ) from None
        record_audit(
            actor=actor,
            action="onboarding.test_application_sent",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            after={"reference": application.reference},
        )
    return application.reference


def send_test_ettersendelse(*, actor: AbstractBaseUser, onboarding_id: int) -> None:
    """The test person sends a document to their newest test application (through innsyn's own send), so the
    case system can show it collects an ettersendelse. Refused until a test application has been sent."""
    from digisos.exchange.models import Case
    from digisos.innsyn.services import SendRefused, send_documents

    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.INTEGRATION)
        _require(actor, onboarding, TEST_SENDERS)
        case = (
            Case.objects.filter(
                municipality_id=onboarding.municipality_id,
                owner__pid=settings.ONBOARDING_TEST_PERSON_PID,
                created_at__gte=onboarding.stage_entered_at,
                application__isnull=False,
            )
            .select_related("owner")
            .order_by("-created_at")
            .first()
        )
        if case is None:
            raise InvalidInput(_("Send en testsøknad først. Ettersendelsen hører til testsøknaden."))
        try:
            result = send_documents(
                actor=case.owner, case=case, task=None, files=[("testvedlegg.pdf", _test_document())]
            )
        except SendRefused:
            result = None
        if result is None or result.delivery is None:
            raise InvalidInput(_("Ettersendelsen kunne ikke sendes. Prøv igjen om litt."))
        record_audit(
            actor=actor,
            action="onboarding.test_ettersendelse_sent",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            after={"delivery": str(result.delivery.public_id)},
        )


def _test_document() -> bytes:
    # A small real PDF, so the document pipeline treats it as any applicant's upload.
    from weasyprint import HTML

    return HTML(string="<p>Testvedlegg fra påkoblingen i DigiSos. Ingen ekte opplysninger.</p>").write_pdf()


def complete_decision(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """Decision → agreements: the kommunedirektør, once the decision is made and the people are named."""
    return _complete(actor, onboarding_id, Stage.DECISION, Stage.AGREEMENTS, "decision_completed")


def complete_agreements(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """Agreements → configuration: the kommunedirektør, once every agreement is signed."""
    return _complete(actor, onboarding_id, Stage.AGREEMENTS, Stage.CONFIGURATION, "agreements_completed")


def complete_configuration(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """Configuration → integration and test: the local administrator. Test mode goes on: from now until
    go-live only synthetic test persons can send to the municipality (application.services._check_can_send)."""
    with transaction.atomic():
        onboarding = _complete(
            actor, onboarding_id, Stage.CONFIGURATION, Stage.INTEGRATION, "configuration_completed"
        )
        _set_flags(onboarding, actor=actor, test_mode=True)
    return onboarding


def complete_integration(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """Integration and test → training and go-live date: the case-system vendor, once every test is ticked."""
    return _complete(actor, onboarding_id, Stage.INTEGRATION, Stage.GO_LIVE, "integration_completed")


# The action that completes each stage (the views offer it to the stage's owner).
COMPLETERS = {
    Stage.DECISION: complete_decision,
    Stage.AGREEMENTS: complete_agreements,
    Stage.CONFIGURATION: complete_configuration,
    Stage.INTEGRATION: complete_integration,
}

_COMPLETERS: dict[str, tuple[str, ...]] = {
    Stage.DECISION: (Role.KOMMUNEDIREKTOR,),
    Stage.AGREEMENTS: (Role.KOMMUNEDIREKTOR,),
    Stage.CONFIGURATION: (Role.LOCAL_ADMINISTRATOR,),
    Stage.INTEGRATION: (Role.VENDOR,),
}


def _complete(actor: AbstractBaseUser, onboarding_id: int, stage: str, to: str, action: str) -> Onboarding:
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, stage)
        _require(actor, onboarding, _COMPLETERS[stage])
        _require_checklist(onboarding)
        _move(actor, onboarding, to, action)
    return onboarding


def request_go_live(
    *, actor: AbstractBaseUser, onboarding_id: int, go_live_date: date, today: date | None = None
) -> Onboarding:
    """The NAV office leader (or the kommunedirektør) asks for a go-live date at least three weeks ahead."""
    today = today or timezone.localdate()
    if go_live_date < today + timedelta(days=GO_LIVE_NOTICE_DAYS):
        raise InvalidInput(
            _("Velg en dato minst tre uker fram i tid, tidligst %(date)s. Nav trenger tiden til avtalene.")
            % {"date": formatting.day(today + timedelta(days=GO_LIVE_NOTICE_DAYS))}
        )
    if go_live_date.weekday() != GO_LIVE_WEEKDAY:
        raise InvalidInput(_("Kommuner kobles på i ukentlige puljer på tirsdager. Velg en tirsdag."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.GO_LIVE)
        _require(actor, onboarding, [Role.NAV_OFFICE_LEADER, Role.KOMMUNEDIREKTOR])
        before = {
            "go_live_date": _iso(onboarding.go_live_date),
            "approved": onboarding.go_live_approved_at is not None,
        }
        onboarding.go_live_date = go_live_date
        # A new date needs a new approval.
        onboarding.go_live_approved_at = None
        onboarding.save(update_fields=["go_live_date", "go_live_approved_at"])
        record_audit(
            actor=actor,
            action="onboarding.go_live_requested",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before=before,
            after={"go_live_date": go_live_date.isoformat(), "approved": False},
        )
        _queue_stage_mail(onboarding.pk)
    return onboarding


def approve_go_live(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """The DigiSos operator approves the requested date; the scheduled job switches the flags on that day."""
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.GO_LIVE)
        _require(actor, onboarding, [Role.OPERATOR])
        if onboarding.go_live_date is None:
            raise InvalidInput(_("Kommunen har ikke bedt om en dato for oppstart ennå."))
        onboarding.go_live_approved_at = timezone.now()
        onboarding.save(update_fields=["go_live_approved_at"])
        record_audit(
            actor=actor,
            action="onboarding.go_live_approved",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"approved": False},
            after={"approved": True, "go_live_date": _iso(onboarding.go_live_date)},
        )
    return onboarding


def approve_batch(*, actor: AbstractBaseUser, day: date) -> int:
    """The operator approves a week's batch: every municipality that asked for that day and is not yet
    approved. Each is approved through approve_go_live (its own audit entry); returns how many."""
    if not selectors.is_operator(actor):
        raise NotAllowed(_("Bare en DigiSos-operatør kan godkjenne en pulje."))
    pending = Onboarding.objects.filter(
        stage=Stage.GO_LIVE, go_live_date=day, go_live_approved_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for onboarding_id in list(pending):
        approve_go_live(actor=actor, onboarding_id=onboarding_id)
        count += 1
    return count


def go_live(*, onboarding_id: int, today: date | None = None) -> Onboarding:
    """The scheduled job on the approved day: the municipality takes digital applications from now on."""
    today = today or timezone.localdate()
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.GO_LIVE)
        if onboarding.go_live_approved_at is None or onboarding.go_live_date is None:
            raise WrongStage(_("Oppstartsdatoen er ikke godkjent."))
        if onboarding.go_live_date > today:
            raise WrongStage(_("Oppstartsdatoen er ikke nådd ennå."))
        _require_checklist(onboarding)
        _set_flags(
            onboarding,
            can_receive_applications=True,
            can_update_status=True,
            receiving_temporarily_disabled=False,
            updates_temporarily_disabled=False,
            test_mode=False,
        )
        onboarding.went_live_on = today
        onboarding.save(update_fields=["went_live_on"])
        _move(None, onboarding, Stage.LIVE, "went_live", go_live_date=_iso(onboarding.go_live_date))
        from .tasks import mail_went_live

        mail_went_live.enqueue(onboarding.pk)
    return onboarding


def close_temporarily(*, actor: AbstractBaseUser, onboarding_id: int, reason: str) -> Onboarding:
    """A live municipality pauses digital applications; citizens are told to apply on paper or call."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Skriv hvorfor mottaket stenges, så operatørene og kollegene dine vet det."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.LIVE)
        _require(actor, onboarding, [Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR])
        _set_flags(onboarding, actor=actor, receiving_temporarily_disabled=True)
        onboarding.closure_reason = reason[:2000]
        onboarding.save(update_fields=["closure_reason"])
        _move(actor, onboarding, Stage.CLOSED, "closed_temporarily", reason=onboarding.closure_reason)
    return onboarding


def reopen(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.CLOSED)
        _require(actor, onboarding, [Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR])
        _set_flags(onboarding, actor=actor, receiving_temporarily_disabled=False)
        onboarding.closure_reason = ""
        onboarding.save(update_fields=["closure_reason"])
        _move(actor, onboarding, Stage.LIVE, "reopened")
    return onboarding


def leave(*, actor: AbstractBaseUser, onboarding_id: int) -> Onboarding:
    """The kommunedirektør ends the service; the municipality goes back to paper applications."""
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, Stage.LIVE, Stage.CLOSED)
        _require(actor, onboarding, [Role.KOMMUNEDIREKTOR])
        _set_flags(
            onboarding,
            actor=actor,
            can_receive_applications=False,
            can_update_status=False,
            receiving_temporarily_disabled=False,
            test_mode=False,
        )
        _move(actor, onboarding, Stage.LEFT, "left")
    return onboarding


def _set_flags(onboarding: Onboarding, *, actor: AbstractBaseUser | None = None, **flags: bool) -> None:
    # The municipality's service flags change through their own audited service (before and after).
    configuration, _created = ServiceConfiguration.objects.get_or_create(municipality=onboarding.municipality)
    update_service_configuration(actor=actor, configuration=configuration, **flags)


def save_configuration(
    *, actor: AbstractBaseUser, onboarding_id: int, **changes: Any
) -> ServiceConfiguration:
    """The local administrator edits KS's Digisos configuration; audited with before and after, and seen by
    citizens ("Kan jeg søke digitalt?") as soon as it is saved. The form has validated the values."""
    unknown = set(changes) - set(CONFIGURATION_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Disse feltene kan ikke endres her: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, *[s for s in Stage.values if s != Stage.LEFT])
        _require(actor, onboarding, [Role.LOCAL_ADMINISTRATOR])
        configuration, _created = ServiceConfiguration.objects.get_or_create(
            municipality=onboarding.municipality
        )
        return update_service_configuration(actor=actor, configuration=configuration, **changes)


BASELINE_FIELDS = (
    "applications_per_month",
    "digital_share_percent",
    "minutes_per_paper_application",
    "office_visits_per_month",
    "phone_calls_per_month",
    "days_to_decision",
    "measured_by",
    "method",
    "measured_from",
    "measured_to",
)
BASELINE_REQUIRED = (
    "applications_per_month",
    "digital_share_percent",
    "minutes_per_paper_application",
    "measured_by",
    "method",
    "measured_from",
    "measured_to",
)


def _baseline_values(baseline: Baseline | None) -> dict[str, Any] | None:
    if baseline is None:
        return None
    values = {name: getattr(baseline, name) for name in BASELINE_FIELDS}
    # The audit entry is JSON: dates as ISO, decimals as text (exact, unlike a float).
    return {
        k: v.isoformat() if isinstance(v, date) else str(v) if v is not None else None
        for k, v in values.items()
    }


def record_baseline(
    *, actor: AbstractBaseUser, onboarding_id: int, today: date | None = None, **figures: Any
) -> Baseline:
    """Records or corrects the municipality's baseline (nullpunktsmåling), audited with before and after.

    Before go-live: the fagansvarlig, the local administrator, the NAV office leader or the kommunedirektør.
    From go-live on the baseline is fixed, since figures changed after the fact would no longer describe the
    time before; only a DigiSos operator may correct a plain error then. The form has validated the values;
    what a wrong caller could break (a missing figure, a period in the future) is refused here too."""
    unknown = set(figures) - set(BASELINE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Disse feltene kan ikke endres her: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if any(figures.get(name) in (None, "") for name in BASELINE_REQUIRED):
        raise InvalidInput(_("Fyll ut alle tallene som er påkrevd, og hvem som målte, hvordan og når."))
    today = today or timezone.localdate()
    if figures["measured_to"] > today or figures["measured_from"] > figures["measured_to"]:
        raise InvalidInput(_("Måleperioden må være ferdig og slutte etter at den begynner."))
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        if onboarding.stage in (Stage.LIVE, Stage.CLOSED, Stage.LEFT):
            try:
                _require(actor, onboarding, [Role.OPERATOR])
            except NotAllowed:
                raise NotAllowed(
                    _(
                        "Nullpunktet ble låst da %(name)s startet med digital søknad, fordi det skal vise "
                        "hvordan det var før. Er et tall feil, kontakt en DigiSos-operatør."
                    )
                    % {"name": onboarding.municipality.name}
                ) from None
        else:
            _require(actor, onboarding, BASELINE_RECORDERS)
        # A baseline describes the time before: a period reaching into digital søknad is no baseline.
        if onboarding.went_live_on is not None and figures["measured_to"] >= onboarding.went_live_on:
            raise InvalidInput(
                _("Måleperioden må slutte før %(name)s startet med digital søknad %(day)s.")
                % {"name": onboarding.municipality.name, "day": formatting.day(onboarding.went_live_on)}
            )
        baseline = Baseline.objects.select_for_update().filter(onboarding=onboarding).first()
        before = _baseline_values(baseline)
        if baseline is None:
            baseline = Baseline(onboarding=onboarding)
        for name in BASELINE_FIELDS:
            setattr(baseline, name, figures.get(name))
        baseline.recorded_by = actor
        baseline.recorded_at = timezone.now()
        baseline.save()
        record_audit(
            actor=actor,
            action="onboarding.baseline_recorded",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"baseline": before},
            after={"baseline": _baseline_values(baseline)},
        )
    return baseline


def remind_waiting(*, now: Any = None) -> int:
    """Periodic: tells the owner of each step that has waited too long, once per wait."""
    now = now or timezone.now()
    after = timedelta(days=settings.ONBOARDING_REMINDER_DAYS)
    count = 0
    for onboarding_id in selectors.waiting_too_long(now, after):
        with transaction.atomic():
            onboarding = _locked(onboarding_id)
            # Checked again under the lock: another worker may have reminded, or the stage moved on.
            if onboarding.pk not in selectors.waiting_too_long(now, after):
                continue
            onboarding.reminded_wait = onboarding.stage_entered_at
            onboarding.save(update_fields=["reminded_wait"])
            record_audit(
                actor=None,
                action="onboarding.reminded",
                object_type=OBJECT_TYPE,
                object_id=onboarding.pk,
                after={"stage": onboarding.stage, "waiting_since": onboarding.stage_entered_at.isoformat()},
            )
            from .tasks import mail_stage_owner

            mail_stage_owner.enqueue(onboarding.pk, True)
        count += 1
    return count


def invite(
    *, actor: AbstractBaseUser, onboarding_id: int, role: str, email: str, name: str
) -> tuple[Invitation, str]:
    """Offers a role by e-mail; returns the invitation and its token (only the hash is stored).

    The kommunedirektør may invite to any municipal role, the local administrator the contacts and the
    vendor, and anyone may delegate their own role to a colleague.
    """
    if role not in INVITERS:
        raise InvalidInput(_("Denne rollen kan ikke gis ved invitasjon."))
    email, name = email.strip(), " ".join(name.split())
    if "@" not in email or not name:
        raise InvalidInput(_("Skriv navnet og e-postadressen til den du inviterer."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        onboarding = _locked(onboarding_id)
        _require_stage(onboarding, *[s for s in Stage.values if s != Stage.LEFT])
        _require(actor, onboarding, {*INVITERS[role], role})
        invitation = Invitation.objects.create(
            onboarding=onboarding,
            role=role,
            email=email,
            name=name[:150],
            token_hash=_hash(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        record_audit(
            actor=actor,
            action="onboarding.invited",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            after={"role": role, "email": email, "invitation": invitation.pk},
        )
        from .tasks import mail_invitation

        mail_invitation.enqueue(invitation.pk, token)
    return invitation, token


def accept_invitation(*, actor: AbstractBaseUser, token: str) -> RoleAssignment:
    """The invited person, logged in through ID-porten, takes the role."""
    if getattr(actor, "kind", "") != "citizen":
        raise NotAllowed(_("Logg inn med ID-porten for å ta imot invitasjonen."))
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("onboarding")
            .filter(token_hash=_hash(token))
            .first()
        )
        if invitation is None or invitation.accepted_at is not None:
            raise InvalidInvitation(
                _("Invitasjonen finnes ikke eller er allerede brukt. Be den som inviterte deg om en ny.")
            )
        if invitation.expires_at < timezone.now():
            raise InvalidInvitation(_("Invitasjonen er utløpt. Be den som inviterte deg om en ny."))
        now = timezone.now()
        invitation.accepted_at, invitation.accepted_by = now, actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        assignment, _created = RoleAssignment.objects.get_or_create(
            onboarding=invitation.onboarding,
            role=invitation.role,
            user=actor,
            ended_at=None,
            defaults={
                "email": invitation.email,
                "name": invitation.name,
                "assigned_by": invitation.invited_by,
                "assigned_at": now,
            },
        )
        record_audit(
            actor=actor,
            action="onboarding.role_taken",
            object_type=OBJECT_TYPE,
            object_id=invitation.onboarding_id,
            before={"role": invitation.role, "holder": None},
            after={"role": invitation.role, "holder": actor.get_username(), "invitation": invitation.pk},
        )
    return assignment


def end_role(*, actor: AbstractBaseUser, assignment_id: int) -> RoleAssignment:
    """Ends a person's role: the person themselves (after delegating it to a colleague, say), or whoever may
    invite to that role (the kommunedirektør for every role)."""
    with transaction.atomic():
        assignment = (
            RoleAssignment.objects.select_for_update().filter(pk=assignment_id, ended_at__isnull=True).first()
        )
        if assignment is None:
            raise InvalidInput(_("Denne rollen er allerede avsluttet."))
        onboarding = _locked(assignment.onboarding_id)
        if assignment.user_id != actor.pk:
            _require(actor, onboarding, INVITERS.get(assignment.role, (Role.KOMMUNEDIREKTOR,)))
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        record_audit(
            actor=actor,
            action="onboarding.role_ended",
            object_type=OBJECT_TYPE,
            object_id=onboarding.pk,
            before={"role": assignment.role, "holder": assignment.user.get_username()},
            after={"role": assignment.role, "holder": None},
        )
    return assignment


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def go_live_due(*, today: date | None = None) -> int:
    """Switches on every municipality whose approved day has come; returns how many went live."""
    today = today or timezone.localdate()
    count = 0
    for onboarding_id in selectors.go_live_due(today):
        try:
            go_live(onboarding_id=onboarding_id, today=today)
        except OnboardingError as waiting:
            # Not every tick is in place: it waits, its page says what is missing, and the operators see why.
            log.warning("onboarding.go_live_waiting", onboarding_id=onboarding_id, reason=waiting.code)
            continue
        count += 1
    return count

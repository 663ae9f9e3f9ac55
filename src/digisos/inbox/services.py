"""The manual inbox: what a municipal caseworker without a case system does in the browser (what they see
is read through `selectors`).

The digisos-soker builders (`soker.builders`) make the events; one function per action stores them through
exchange's `reporting.append_case_event` (and `letters.store_letter` for letters) inside one transaction, so an action
either lands whole or not at all. Every event is stamped strictly later than the newest event already
stored, so the history's order is stable even when the clock (or a case system) is ahead of us.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.services import record_audit
from digisos.documents.models import Document
from digisos.exchange.errors import ExchangeRefused
from digisos.exchange.models import Case, Delivery, Receiver
from digisos.exchange.selectors import OSLO
from digisos.exchange.services.delivery import acknowledge
from digisos.exchange.services.letters import store_letter
from digisos.exchange.services.reporting import append_case_event, check_can_update
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus
from digisos.soker.tidspunkt import format_tidspunkt, parse_tidspunkt

from .selectors import has_received, has_sak

# Who the inbox's events say sent them (the avsender of digisos-soker.json), as a case system names itself.
INBOX_AVSENDER = {"systemnavn": "DigiSos manuell innboks", "systemversjon": "1.0"}

DEFAULT_SAKSREFERANSE = "sak-1"
DEFAULT_SAK_TITTEL = "Økonomisk sosialhjelp"


class LetterRefused(Exception):
    """The letter was not stored (not a PDF, a virus, unreadable); `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def record_case_read(*, actor: User, case: Case) -> None:
    """An employee looked at a citizen's case: written to the audit log, as every such read is."""
    record_audit(
        actor=actor,
        action="exchange.inbox_case_read",
        object_type="exchange.Case",
        object_id=str(case.id),
        subject_pid=case.owner.pid or "",
    )


# --- Timestamps -------------------------------------------------------------------------------------------


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def next_timestamp(soker: dict[str, Any] | None, now: datetime) -> str:
    """Now, or one millisecond after the newest stored event when now is not later than it."""
    candidate = _to_millisecond(now.astimezone(UTC))
    stamps = [
        parse_tidspunkt(e["hendelsestidspunkt"])
        for e in (soker or {}).get("hendelser", [])
        if isinstance(e, dict) and isinstance(e.get("hendelsestidspunkt"), str)
    ]
    if stamps:
        latest = max(stamps)
        if candidate <= latest:
            candidate = _to_millisecond(latest) + timedelta(milliseconds=1)
    return format_tidspunkt(candidate)


def deadline_timestamp(day: date) -> str:
    """A deadline date as the moment it ends for the applicant: 23:59 in Norway, as a UTC tidspunkt."""
    return format_tidspunkt(datetime.combine(day, time(23, 59), tzinfo=OSLO))


# --- Actions (each one transaction) -----------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("letters").get(pk=case.pk)


def _append(actor: User, case: Case, build: Callable[[str], dict[str, Any]]) -> Case:
    """Stamp and append one event built by `build(at)`; returns the case with the stored document."""
    event = build(next_timestamp(case.soker, timezone.now()))
    result = append_case_event(actor=actor, case=case, event=event, avsender=INBOX_AVSENDER)
    return result.case


def _receive(actor: User, case: Case) -> Case:
    """Collect every waiting delivery and store MOTTATT once: acting on a case means it has arrived."""
    for delivery in case.deliveries.filter(status=Delivery.Status.AVAILABLE).order_by("pk"):
        acknowledge(actor=actor, delivery=delivery)
    if not has_received(case):
        case = _append(actor, case, lambda at: builders.soknads_status(SoknadsStatus.MOTTATT, at=at))
    return case


def _ensure_sak(actor: User, case: Case, referanse: str) -> Case:
    if not has_sak(case, referanse):
        case = _append(
            actor, case, lambda at: builders.saks_status(referanse, tittel=DEFAULT_SAK_TITTEL, at=at)
        )
    return case


def _store_letter(actor: User, case: Case, letter: tuple[str, bytes]) -> Document:
    name, data = letter
    try:
        return store_letter(actor=actor, case=case, name=name, data=data)
    except ExchangeRefused as refused:
        raise LetterRefused(refused.message) from None


def _check_updates_allowed(case: Case) -> None:
    # Checked before a letter is written, so a refusal leaves no stored file behind the rolled-back row.
    check_can_update(case.kommunenummer)


@dataclass(frozen=True)
class Received:
    collected: int
    status_stored: bool


def mark_received(*, actor: User, case: Case) -> Received:
    """Collect the case's waiting deliveries and tell the applicant the application has arrived.

    A municipality that does not show status online (or has updates paused) still collects: the deliveries
    are marked collected and the MOTTATT event is left for when it can be stored.
    """
    with transaction.atomic():
        case = _locked(case)
        waiting = list(case.deliveries.filter(status=Delivery.Status.AVAILABLE).order_by("pk"))
        for delivery in waiting:
            acknowledge(actor=actor, delivery=delivery)
        stored = False
        if not has_received(case):
            try:
                _append(actor, case, lambda at: builders.soknads_status(SoknadsStatus.MOTTATT, at=at))
                stored = True
            except ExchangeRefused as refused:
                if refused.code not in ("updates_not_enabled", "updates_temporarily_disabled"):
                    raise
    return Received(collected=len(waiting), status_stored=stored)


def set_status(*, actor: User, case: Case, status: str) -> Case:
    with transaction.atomic():
        case = _receive(actor, _locked(case))
        return _append(actor, case, lambda at: builders.soknads_status(status, at=at))


def request_documents(
    *,
    actor: User,
    case: Case,
    dokumenttype: str,
    tilleggsinformasjon: str,
    frist: date,
    letter: tuple[str, bytes] | None = None,
) -> Case:
    with transaction.atomic():
        case = _locked(case)
        _check_updates_allowed(case)
        case = _receive(actor, case)
        letter_id = str(_store_letter(actor, case, letter).id) if letter else None
        dokument = builders.dokument(
            dokumenttype,
            tilleggsinformasjon=tilleggsinformasjon or None,
            innsendelsesfrist=deadline_timestamp(frist),
            dokumentreferanse=str(uuid.uuid4()),
        )
        return _append(
            actor,
            case,
            lambda at: builders.dokumentasjon_etterspurt([dokument], forvaltningsbrev=letter_id, at=at),
        )


def record_decision(
    *,
    actor: User,
    case: Case,
    utfall: str,
    letter: tuple[str, bytes],
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> Case:
    with transaction.atomic():
        case = _locked(case)
        _check_updates_allowed(case)
        case = _ensure_sak(actor, _receive(actor, case), saksreferanse)
        letter_id = str(_store_letter(actor, case, letter).id)
        return _append(
            actor,
            case,
            lambda at: builders.vedtak_fattet(
                saksreferanse=saksreferanse, utfall=utfall, vedtaksfil=letter_id, at=at
            ),
        )


def record_payment(
    *,
    actor: User,
    case: Case,
    belop: int,
    beskrivelse: str,
    forfallsdato: date,
    status: str,
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> Case:
    with transaction.atomic():
        case = _ensure_sak(actor, _receive(actor, _locked(case)), saksreferanse)
        paid = forfallsdato if status == UtbetalingStatus.UTBETALT else None
        reference = f"utbetaling-{uuid.uuid4()}"
        return _append(
            actor,
            case,
            lambda at: builders.utbetaling(
                reference,
                at=at,
                saksreferanse=saksreferanse,
                status=status,
                belop=belop,
                beskrivelse=beskrivelse,
                forfallsdato=forfallsdato,
                annenMottaker=False,
                utbetalingsdato=paid,
            ),
        )


# --- Mail to the inboxes ---------------------------------------------------------------------------------


INBOX_MAIL_INTERVAL = timedelta(hours=8)  # at most three mails a day


def notify_inboxes(*, now: datetime | None = None) -> int:
    """Mail each manual inbox that has something new, at most every eight hours; no personal data in it."""
    now = now or timezone.now()
    sent = 0
    for receiver in Receiver.objects.filter(channel=Receiver.Channel.INBOX).exclude(inbox_email=""):
        if receiver.inbox_notified_at and now - receiver.inbox_notified_at < INBOX_MAIL_INTERVAL:
            continue
        new = Delivery.objects.filter(kommunenummer=receiver.kommunenummer, status=Delivery.Status.AVAILABLE)
        if receiver.inbox_notified_at:
            new = new.filter(available_at__gt=receiver.inbox_notified_at)
        count = new.count()
        if not count:
            continue
        link = settings.PUBLIC_URL + reverse("inbox:inbox")
        send_mail(
            subject="Nytt i DigiSos-innboksen",
            message=(
                f"Det har kommet {count} nye søknader eller ettersendelser til kommunens innboks i DigiSos.\n\n"
                f"Logg inn for å se dem: {link}\n\nDenne e-posten er sendt automatisk og inneholder ingen "
                "personopplysninger."
            ),
            from_email=None,
            recipient_list=[receiver.inbox_email],
        )
        Receiver.objects.filter(pk=receiver.pk).update(inbox_notified_at=now)
        sent += 1
    return sent

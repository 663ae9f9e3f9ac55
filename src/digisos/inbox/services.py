"""The manual inbox: what a municipal caseworker without a case system does in the browser (what they see
is read through `selectors`).

The digisos-soker builders (`soker.builders`) make the events; one function per action stores them through
exchange's `reporting.append_case_event` (and `letters.store_letter` for letters) inside one transaction, so
an action either lands whole or not at all. Every event is stamped strictly later than the newest event already
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
from django.utils.translation import gettext as _

from digisos.accounts.models import User
from digisos.core.dataflows import NO_PERSONAL_DATA, uses_flow
from digisos.core.services import record_audit
from digisos.documents.models import Document
from digisos.exchange.errors import ExchangeRefused, UpdatesNotEnabled, UpdatesPaused
from digisos.exchange.models import Case, Delivery, Receiver
from digisos.exchange.selectors import OSLO
from digisos.exchange.services.delivery import acknowledge
from digisos.exchange.services.letters import store_letter
from digisos.exchange.services.reporting import append_case_event, check_can_update
from digisos.soker import builders
from digisos.soker.constants import SENDT, SoknadsStatus, UtbetalingStatus
from digisos.soker.labels import DEFAULT_SAK_TITLE
from digisos.soker.tidspunkt import format_tidspunkt, newest_event_time

from .models import PaperCount
from .selectors import case_progress, has_received, has_sak, is_inbox_user, receives_in_inbox

# More paper applications in a month than Norway's largest municipality receives is a typing error.
MAX_PAPER_COUNT = 100_000

# Who the inbox's events say sent them (the avsender of digisos-soker.json), as a case system names itself.
INBOX_AVSENDER = {"systemnavn": "DigiSos manuell innboks", "systemversjon": "1.0"}

DEFAULT_SAKSREFERANSE = "sak-1"
DEFAULT_SAK_TITTEL = DEFAULT_SAK_TITLE  # marked for translation: innsyn shows it in the page's language


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
    latest = newest_event_time(soker)
    if latest is not None and candidate <= latest:
        candidate = _to_millisecond(latest) + timedelta(milliseconds=1)
    return format_tidspunkt(candidate)


def deadline_timestamp(day: date) -> str:
    """A deadline date as the moment it ends for the applicant: 23:59 in Norway, as a UTC tidspunkt."""
    return format_tidspunkt(datetime.combine(day, time(23, 59), tzinfo=OSLO))


# --- Actions (each one transaction) -----------------------------------------------------------------------
# Each takes the case's id (the view has checked it is the caseworker's municipality's) and locks the case
# before it reads anything of it.


def _locked(case_id: uuid.UUID) -> Case:
    return Case.objects.select_for_update(of=("self",)).only("id", "municipality_id").get(pk=case_id)


def _append(actor: User, case_id: uuid.UUID, build: Callable[[str], dict[str, Any]]) -> None:
    """Stamp and append one event built by `build(at)`, later than every stored one."""
    stored = Case.objects.filter(pk=case_id).values_list("soker", flat=True).get()
    event = build(next_timestamp(stored, timezone.now()))
    append_case_event(actor_id=actor.pk, case_id=case_id, event=event, avsender=INBOX_AVSENDER)


def _collect_waiting(actor: User, case_id: uuid.UUID) -> int:
    waiting = Delivery.objects.filter(case_id=case_id, status=Delivery.Status.AVAILABLE).order_by("pk")
    ids = list(waiting.values_list("pk", flat=True))
    for delivery_id in ids:
        acknowledge(actor_id=actor.pk, delivery_id=delivery_id)
    return len(ids)


def _receive(actor: User, case_id: uuid.UUID) -> None:
    """Collect every waiting delivery and store MOTTATT once: acting on a case means it has arrived."""
    _collect_waiting(actor, case_id)
    if not has_received(case_id):
        _append(actor, case_id, lambda at: builders.soknads_status(SoknadsStatus.MOTTATT, at=at))


# Where a case system moves the status of its own accord: what the applicant sees must follow what the
# caseworker does, or a decision stands beside "Mottatt – neste steg er at en saksbehandler går gjennom den".
NOT_STARTED = (SENDT, SoknadsStatus.MOTTATT)


def _start_processing(actor: User, case_id: uuid.UUID) -> None:
    """Received, and under processing from the caseworker's first act on it (a request, a decision, a
    payment). A status the caseworker set by hand later than that is left alone."""
    _receive(actor, case_id)
    status, _decided = case_progress(case_id)
    if status in NOT_STARTED:
        _append(actor, case_id, lambda at: builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=at))


def _finish_when_decided(actor: User, case_id: uuid.UUID) -> None:
    """Done once every sak the applicant sees has a decision (each decision the inbox records is final)."""
    status, decided = case_progress(case_id)
    if decided and status != SoknadsStatus.FERDIGBEHANDLET:
        _append(actor, case_id, lambda at: builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at=at))


def _ensure_sak(actor: User, case_id: uuid.UUID, referanse: str) -> None:
    if not has_sak(case_id, referanse):
        _append(actor, case_id, lambda at: builders.saks_status(referanse, tittel=DEFAULT_SAK_TITTEL, at=at))


def _store_letter(actor: User, case_id: uuid.UUID, letter: tuple[str, bytes]) -> Document:
    name, data = letter
    try:
        return store_letter(actor_id=actor.pk, case_id=case_id, name=name, data=data)
    except ExchangeRefused as refused:
        raise LetterRefused(refused.message) from None


@dataclass(frozen=True)
class Received:
    collected: int
    status_stored: bool


def mark_received(*, actor: User, case_id: uuid.UUID) -> Received:
    """Collect the case's waiting deliveries and tell the applicant the application has arrived.

    A municipality that does not show status online (or has updates paused) still collects: the deliveries
    are marked collected and the MOTTATT event is left for when it can be stored.
    """
    with transaction.atomic():
        _locked(case_id)
        collected = _collect_waiting(actor, case_id)
        stored = False
        if not has_received(case_id):
            try:
                _append(actor, case_id, lambda at: builders.soknads_status(SoknadsStatus.MOTTATT, at=at))
                stored = True
            except (UpdatesNotEnabled, UpdatesPaused):
                pass
    return Received(collected=collected, status_stored=stored)


def set_status(*, actor: User, case_id: uuid.UUID, status: str) -> None:
    with transaction.atomic():
        _locked(case_id)
        _receive(actor, case_id)
        _append(actor, case_id, lambda at: builders.soknads_status(status, at=at))


def request_documents(
    *,
    actor: User,
    case_id: uuid.UUID,
    dokumenttype: str,
    tilleggsinformasjon: str,
    frist: date,
    letter: tuple[str, bytes] | None = None,
) -> None:
    with transaction.atomic():
        case = _locked(case_id)
        # Checked before a letter is written, so a refusal leaves no stored file behind the rolled-back row.
        check_can_update(case.municipality_id)
        _start_processing(actor, case_id)
        letter_id = str(_store_letter(actor, case_id, letter).id) if letter else None
        dokument = builders.dokument(
            dokumenttype,
            tilleggsinformasjon=tilleggsinformasjon or None,
            innsendelsesfrist=deadline_timestamp(frist),
            dokumentreferanse=str(uuid.uuid4()),
        )
        _append(
            actor,
            case_id,
            lambda at: builders.dokumentasjon_etterspurt([dokument], forvaltningsbrev=letter_id, at=at),
        )


def record_decision(
    *,
    actor: User,
    case_id: uuid.UUID,
    utfall: str,
    letter: tuple[str, bytes],
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> None:
    with transaction.atomic():
        case = _locked(case_id)
        check_can_update(case.municipality_id)  # before the letter is written, as above
        _start_processing(actor, case_id)
        _ensure_sak(actor, case_id, saksreferanse)
        letter_id = str(_store_letter(actor, case_id, letter).id)
        _append(
            actor,
            case_id,
            lambda at: builders.vedtak_fattet(
                saksreferanse=saksreferanse, utfall=utfall, vedtaksfil=letter_id, at=at
            ),
        )
        _finish_when_decided(actor, case_id)


def record_payment(
    *,
    actor: User,
    case_id: uuid.UUID,
    belop: int,
    beskrivelse: str,
    forfallsdato: date,
    status: str,
    saksreferanse: str = DEFAULT_SAKSREFERANSE,
) -> None:
    with transaction.atomic():
        _locked(case_id)
        _start_processing(actor, case_id)
        _ensure_sak(actor, case_id, saksreferanse)
        paid = forfallsdato if status == UtbetalingStatus.UTBETALT else None
        reference = f"utbetaling-{uuid.uuid4()}"
        _append(
            actor,
            case_id,
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


@uses_flow(NO_PERSONAL_DATA)  # a count and a link, to the municipality's shared address
def notify_inboxes(*, now: datetime | None = None) -> int:
    """Mail each manual inbox that has something new, at most every eight hours; no personal data in it."""
    now = now or timezone.now()
    sent = 0
    for receiver in Receiver.objects.filter(channel=Receiver.Channel.INBOX).exclude(inbox_email=""):
        if receiver.inbox_notified_at and now - receiver.inbox_notified_at < INBOX_MAIL_INTERVAL:
            continue
        new = Delivery.objects.filter(
            municipality_id=receiver.municipality_id, status=Delivery.Status.AVAILABLE
        )
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


# --- Paper applications counted by an inbox municipality --------------------------------------------------


class PaperCountRefused(Exception):
    """The count was not stored; `message` says why in plain Norwegian, `field` where (None: the form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def record_paper_count(*, actor: User, month: date, count: int, today: date | None = None) -> PaperCount:
    """A caseworker of an inbox municipality enters how many paper applications it received in `month`, or
    corrects it. Audited with before and after; a count equal to the stored one changes nothing.

    Refused for a month that has not begun, and for a municipality with a case system: its case system
    registers its paper cases itself, so a count entered here would be counted twice."""
    if not is_inbox_user(actor):
        raise PaperCountRefused(_("Bare saksbehandlere i kommunen kan føre inn papirsøknader."))
    kommunenummer = actor.municipality_id
    if not receives_in_inbox(kommunenummer):
        raise PaperCountRefused(
            _(
                "Kommunen deres har et fagsystem som melder papirsøknadene selv. Før dem inn der, ellers blir "
                "de talt to ganger."
            )
        )
    month = first_of_month(month)
    today = today or timezone.localdate()
    if month > first_of_month(today):
        raise PaperCountRefused(
            _("Måneden har ikke begynt ennå. Velg denne måneden eller en tidligere."), "month"
        )
    if not 0 <= count <= MAX_PAPER_COUNT:
        raise PaperCountRefused(
            _("Skriv et helt tall fra 0 til %(max)s.") % {"max": MAX_PAPER_COUNT}, "count"
        )
    with transaction.atomic():
        stored = (
            PaperCount.objects.select_for_update().filter(municipality_id=kommunenummer, month=month).first()
        )
        before = stored.count if stored else None
        if stored is not None and stored.count == count:
            return stored
        if stored is None:
            stored = PaperCount(municipality_id=kommunenummer, month=month)
        stored.count, stored.recorded_by, stored.changed_at = count, actor, timezone.now()
        stored.save()
        record_audit(
            actor=actor,
            action="inbox.paper_count_recorded",
            object_type="inbox.PaperCount",
            object_id=f"{kommunenummer}:{month:%Y-%m}",
            before={"month": f"{month:%Y-%m}", "count": before},
            after={"month": f"{month:%Y-%m}", "count": count},
        )
    return stored

"""Writes: offices' configuration, drafts, sending and the KS delivery states."""

from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.dataflows import uses_flow
from digisos.municipalities.models import Municipality
from digisos.registers import registry
from digisos.registers.ports import RegisterUnavailable

from .bekymringsmelding import build_offentlig, build_privat
from .models import ChildWelfareOffice, ChildWelfareStaff, ConcernReport, ConcernState
from .selectors import receiving_office
from .validation import schema_violations

State = ConcernState.State


class ReportRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StateRefused(ValueError):
    """A state out of KS's order (AKSEPTERT first, SENDT_FAGSYSTEM second, LEVERT last)."""


# Which states may follow which, as KS's status history has them: AKSEPTERT → SENDT_FAGSYSTEM →
# (AVVIST_FAGSYSTEM) → SENDT_PRINT → LEVERT; LEVERT may also follow SENDT_FAGSYSTEM directly (the case system
# or the inbox acknowledged) and SENDT_PRINT may follow SENDT_FAGSYSTEM directly (nobody acknowledged in time).
NEXT_STATES: dict[str | None, frozenset[str]] = {
    None: frozenset({State.AKSEPTERT}),
    State.AKSEPTERT: frozenset({State.SENDT_FAGSYSTEM}),
    State.SENDT_FAGSYSTEM: frozenset({State.AVVIST_FAGSYSTEM, State.SENDT_PRINT, State.LEVERT}),
    State.AVVIST_FAGSYSTEM: frozenset({State.SENDT_PRINT}),
    State.SENDT_PRINT: frozenset({State.LEVERT}),
    State.LEVERT: frozenset(),
}


def record_state(
    report: ConcernReport, state: str, *, at: datetime | None = None, description: str = ""
) -> ConcernState:
    """Appends a state to the report's history, refusing one out of KS's order."""
    with transaction.atomic():
        locked = ConcernReport.objects.select_for_update().get(pk=report.pk)
        # The last one recorded (by id): the order of recording is the order KS's rules speak of.
        last = locked.states.order_by("-id").values_list("state", flat=True).first()
        if state not in NEXT_STATES[last]:
            raise StateRefused(f"{state} cannot follow {last}")
        recorded = ConcernState.objects.create(
            report=locked, state=state, at=at or timezone.now(), description=description
        )
        if state == State.LEVERT and locked.acknowledged_at is None:
            ConcernReport.objects.filter(pk=locked.pk).update(acknowledged_at=recorded.at)
            report.acknowledged_at = recorded.at
    return recorded


def start_report(*, user: User, kind: str, municipality: Municipality) -> ConcernReport:
    if not user.pid:
        raise ReportRefused("not_citizen")
    if not ChildWelfareOffice.objects.filter(municipality=municipality, active=True).exists():
        raise ReportRefused("not_activated")
    return ConcernReport.objects.create(reporter=user, kind=kind, municipality=municipality)


def save_draft(*, report: ConcernReport, answers: dict[str, Any]) -> ConcernReport:
    """The draft's answers. ReportRefused("already_sent") when it was sent (in another tab) since `report` was
    read: checked under the row's lock, so a sent report's answers (dropped when it was sent) are never written
    back."""
    with transaction.atomic():
        locked = _locked_draft(report)
        locked.answers = answers
        locked.save(update_fields=["answers", "updated_at"])
    report.answers, report.updated_at = locked.answers, locked.updated_at
    return report


def delete_draft(*, report: ConcernReport) -> None:
    """The draft, gone. A sent report is the municipality's: ReportRefused("already_sent") when it was sent (in
    another tab) after `report` was read, so the reporter is told rather than told it was deleted."""
    with transaction.atomic():
        _locked_draft(report).delete()


def _locked_draft(report: ConcernReport) -> ConcernReport:
    """The report's row locked (inside the caller's transaction); ReportRefused("already_sent") when it is no
    longer a draft."""
    locked = ConcernReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ConcernReport.Status.DRAFT:
        raise ReportRefused("already_sent")
    return locked


def send_report(
    *, report: ConcernReport, office: ChildWelfareOffice, content: dict[str, Any], sent_at: datetime
) -> ConcernReport:
    """Seals the report: its bekymringsmelding.json, the receiving office, and AKSEPTERT (the receipt).

    The draft answers are dropped: from now on only `content` (what the municipality receives) is kept.
    """
    with transaction.atomic():
        locked = _locked_draft(report)
        locked.status = ConcernReport.Status.SENT
        locked.office = office
        locked.content = content
        locked.answers = {}
        locked.sent_at = sent_at
        locked.save(update_fields=["status", "office", "content", "answers", "sent_at", "updated_at"])
        record_state(locked, State.AKSEPTERT, at=sent_at)
        # The delivery and its task commit with the report (see delivery.create_delivery).
        from .delivery import create_delivery

        create_delivery(locked, office)
    return locked


# The quick start's demo offices (KS's bydel model): Bergen and Tromsø collect with a case system over the
# exchange, Oslo's districts and its standard receiver use the inbox; Trondheim is configured but has not
# turned the service on (the reporter is told how to report by phone or letter). Synthetic numbers.
DEMO_CHILD_WELFARE_OFFICES: dict[str, list[dict[str, Any]]] = {
    "4601": [
        {
            "bydelsnummer": "00",
            "bydelsnavn": "Barneverntjenesten i Bergen",
            "standard_receiver": True,
            "channel": ChildWelfareOffice.Channel.EXCHANGE,
            "alert_emails": ["barnevern-varsel@bergen.kommune.example"],
            "postal_address": "Barneverntjenesten i Bergen\nPostboks 7700\n5020 Bergen",
            "phone": "55 56 00 00",
            "barnevernvakt_phone": "55 36 11 80",
            "active": True,
        }
    ],
    "5501": [
        {
            "bydelsnummer": "00",
            "bydelsnavn": "Barneverntjenesten i Tromsø",
            "standard_receiver": True,
            "channel": ChildWelfareOffice.Channel.EXCHANGE,
            "alert_emails": ["barnevern-varsel@tromso.kommune.example"],
            "postal_address": "Barneverntjenesten i Tromsø\nPostboks 6900\n9299 Tromsø",
            "phone": "77 79 00 00",
            "barnevernvakt_phone": "77 60 85 00",
            "active": True,
        }
    ],
    "0301": [
        {
            "bydelsnummer": "00",
            "bydelsnavn": "Barneverntjenesten i Oslo (bydel ukjent)",
            "standard_receiver": True,
            "channel": ChildWelfareOffice.Channel.INBOX,
            "alert_emails": ["barnevern-varsel@oslo.kommune.example"],
            "postal_address": "Oslo kommune, barneverntjenesten\nPostboks 30\n0051 Oslo",
            "phone": "21 80 21 80",
            "barnevernvakt_phone": "23 48 40 00",
            "active": True,
        },
        {
            "bydelsnummer": "01",
            "bydelsnavn": "Bydel Gamle Oslo",
            "channel": ChildWelfareOffice.Channel.INBOX,
            "alert_emails": ["barnevern-gamle-oslo@oslo.kommune.example"],
            "postal_address": "Bydel Gamle Oslo, barneverntjenesten\nPostboks 9300\n0135 Oslo",
            "phone": "21 80 21 81",
            "barnevernvakt_phone": "23 48 40 00",
            "active": True,
        },
        {
            "bydelsnummer": "03",
            "bydelsnavn": "Bydel Sagene",
            "channel": ChildWelfareOffice.Channel.INBOX,
            "alert_emails": ["barnevern-sagene@oslo.kommune.example"],
            "postal_address": "Bydel Sagene, barneverntjenesten\nPostboks 4000\n0403 Oslo",
            "phone": "21 80 21 83",
            "barnevernvakt_phone": "23 48 40 00",
            "active": True,
        },
    ],
    "5001": [
        {
            "bydelsnummer": "00",
            "bydelsnavn": "Barneverntjenesten i Trondheim",
            "standard_receiver": True,
            "channel": ChildWelfareOffice.Channel.INBOX,
            "postal_address": "Trondheim kommune, barneverntjenesten\nPostboks 2300 Torgarden\n7004 Trondheim",
            "phone": "72 54 00 00",
            "barnevernvakt_phone": "72 54 69 00",
            "active": False,
        }
    ],
}


# The demo child-welfare employee (local ID-porten, employee section) serves Oslo's unknown-district office and
# Gamle Oslo, not Sagene: the inbox shows her the first two offices' reports only.
DEMO_STAFF = {"employee-bente-barnevern": [("0301", "00"), ("0301", "01")]}


def apply_demo_child_welfare_offices() -> int:
    """Creates or updates the demo offices and their staff; returns how many offices it created."""
    created = 0
    for kommunenummer, offices in DEMO_CHILD_WELFARE_OFFICES.items():
        if not Municipality.objects.filter(pk=kommunenummer).exists():
            continue
        for office in offices:
            values = {"standard_receiver": False, "alert_emails": [], **office}
            bydelsnummer = values.pop("bydelsnummer")
            _, was_created = ChildWelfareOffice.objects.update_or_create(
                municipality_id=kommunenummer, bydelsnummer=bydelsnummer, defaults=values
            )
            created += was_created
    for username, offices in DEMO_STAFF.items():
        for kommunenummer, bydelsnummer in offices:
            office = ChildWelfareOffice.objects.filter(
                municipality_id=kommunenummer, bydelsnummer=bydelsnummer
            ).first()
            if office is not None:
                ChildWelfareStaff.objects.get_or_create(username=username, office=office)
    return created


def reporter_name(user: User) -> str:
    """The reporter's name from Folkeregisteret (KS: the name comes from the login, not from the form)."""
    try:
        person = registry.folkeregister().get_person(user.pid or "")
    except RegisterUnavailable:
        person = None
    return person.display_name if person else user.get_full_name()


def submit_report(
    *, report: ConcernReport, answers: dict[str, Any], bydelsnummer: str = "", sent_at: datetime | None = None
) -> ConcernReport:
    """Routes the report to its office, builds bekymringsmelding.json and seals it (AKSEPTERT)."""
    office = receiving_office(report.municipality_id, bydelsnummer)
    if office is None:
        raise ReportRefused("not_activated")
    sent_at = sent_at or timezone.now()
    build = build_offentlig if report.kind == ConcernReport.Kind.PUBLIC else build_privat
    content = build(
        answers,
        reporter_name=reporter_name(report.reporter),
        office=office,
        municipality_name=report.municipality.name,
        sent_at=sent_at,
    )
    violations = schema_violations(content, report.kind)
    if violations:
        # The forms check KS's rules; reaching here is a defect, never the reporter's fault.
        raise ValueError(f"bekymringsmelding.json does not validate: {[path for path, _ in violations]}")
    sent = send_report(report=report, office=office, content=content, sent_at=sent_at)
    reporter = report.reporter
    transaction.on_commit(lambda: notify_reporter(reporter, municipality_name=report.municipality.name))
    return sent


@uses_flow("notification.concern_receipt")
def notify_reporter(user: User | None, *, municipality_name: str) -> bool:
    """The receipt by e-mail to the address in KRR — that a report went to the municipality, never what it
    says or whom it is about. Nothing if the person is reserved, has no address, or KRR does not answer."""
    if user is None or not user.pid:
        return False
    try:
        contact = registry.krr().get_contact(user.pid)
    except RegisterUnavailable:
        return False
    if contact is None or contact.reserved or not contact.email:
        return False
    send_mail(
        subject="Bekymringsmeldingen din er sendt",
        message=(
            f"Vi har sendt bekymringsmeldingen din til barneverntjenesten i {municipality_name}. Under «Mine "
            "meldinger» på DigiSos ser du når den er levert.\n\nEr et barn i fare nå, ring 112.\n\nDenne "
            "e-posten er sendt automatisk og inneholder ikke noe av det du skrev."
        ),
        from_email=None,
        recipient_list=[contact.email],
    )
    return True


def receive_from_system(
    *, client_id: str, form: str, document: dict[str, Any], at: datetime | None = None
) -> ConcernReport:
    """A report another system sent through the API, already valid against KS's schema for `form`: routed by
    its kommunenummer and bydelsnummer, stored as sent, accepted (AKSEPTERT) and delivered like any other."""
    from digisos.exchange.models import ApiClient

    office = ChildWelfareOffice.objects.filter(
        municipality_id=document["kommunenummer"], bydelsnummer=document["bydelsnummer"], active=True
    ).first()
    if office is None:
        active = ChildWelfareOffice.objects.filter(municipality_id=document["kommunenummer"], active=True)
        raise ReportRefused("unknown_district" if active.exists() else "not_activated")
    sender = ApiClient.objects.get(client_id=client_id)
    at = at or timezone.now()
    with transaction.atomic():
        report = ConcernReport.objects.create(
            kind=form, sender=sender, municipality_id=document["kommunenummer"]
        )
        return send_report(report=report, office=office, content=document, sent_at=at)

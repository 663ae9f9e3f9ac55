"""Notifications: tell the applicant that something new waits on the service, never what it is.

SMS and e-mail go to the contact details in KRR (not to anyone who reserved themselves). The text names no
person, amount or case detail, only that there is news and where to log in, so a shared phone or inbox
reveals nothing.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from digisos.core.dataflows import uses_flow
from digisos.exchange.case_state import current_view, view_without_lists
from digisos.exchange.models import Case
from digisos.registers.selectors import notification_contact
from digisos.soker.fold import CaseView

from .adapters.sms import gateway
from .models import Notification

log = structlog.get_logger(__name__)

DEADLINE_REMINDER = timedelta(days=3)
SUBJECT = "Nytt i saken din om økonomisk sosialhjelp"


@dataclass(frozen=True)
class Item:
    kind: str
    key: str


def text() -> str:
    link = settings.PUBLIC_URL + reverse("innsyn:mine")
    return (
        "Du har fått en ny melding i saken din om økonomisk sosialhjelp. "
        f"Logg inn for å lese den: {link}\n\nDette er en automatisk melding fra DigiSos. Ikke svar på den."
    )


def news_in(case: Case, view: CaseView) -> list[Item]:
    """Letters, requests and decisions in the folded case, each named by its own reference."""
    items = []
    for letter in view.letters:
        reference = letter.reference.get("id", "")
        kind = {"vedtak": "decision", "etterspurt": "request"}.get(letter.kind, "letter")
        items.append(Item(kind, f"{case.id}:{kind}:{reference}"))
    for task in view.tasks:
        if task.from_caseworker and task.letter is None:
            # A request without a letter is news of its own.
            items.append(Item("request", f"{case.id}:request:{task.id}"))
    return items


def deadlines_soon(case: Case, view: CaseView, now: datetime, answered: set[str]) -> list[Item]:
    return [
        Item("deadline", f"{case.id}:deadline:{task.id}")
        for task in view.tasks
        if task.deadline and now < task.deadline <= now + DEADLINE_REMINDER and task.id not in answered
    ]


@uses_flow("notification.case_news")
def notify(case: Case, items: list[Item]) -> int:
    """Record the items not seen before and, if there are any, send one SMS and one e-mail about them."""
    message_id = uuid.uuid4()
    new = 0
    for item in items:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=case.owner_id, case=case, kind=item.kind, key=item.key, message_id=message_id
                )
            new += 1
        except IntegrityError:
            continue  # told before
    if not new:
        return 0
    contact = notification_contact(case.owner.pid) if case.owner.pid else None
    sms_sent = email_sent = False
    if contact and contact.mobile:
        try:
            gateway().send(to=contact.mobile, text=text())
            sms_sent = True
        except Exception as error:  # the gateway is outside; its failure must not lose the e-mail
            log.error("notification.sms_failed", error=type(error).__name__)
    if contact and contact.email:
        try:
            send_mail(SUBJECT, text(), None, [contact.email])
            email_sent = True
        except OSError as error:
            log.error("notification.email_failed", error=type(error).__name__)
    Notification.objects.filter(message_id=message_id).update(sms_sent=sms_sent, email_sent=email_sent)
    log.info("notification.sent", case=str(case.id), items=new, sms=sms_sent, email=email_sent)
    return new


# The stored view's long lists: what is new and what is due are in its letters and tasks (page_view) only.
_LONG_LISTS = ("state__payments", "state__recent_history", "state__earlier_history")


def _view(case: Case, now: datetime) -> CaseView:
    """The case's stored view as of `now`, without its payments and history (see _LONG_LISTS)."""
    return current_view(view_without_lists(case.state.page_view), now)


def notify_case(case_id: uuid.UUID | str, *, now: datetime | None = None) -> int:
    """After the case system reported: tell the applicant what is new, read from the case's stored read model
    (written in the report's own transaction)."""
    now = now or timezone.now()
    case = Case.objects.select_related("owner", "state").defer(*_LONG_LISTS).filter(pk=case_id).first()
    if case is None or case.soker_sha256 == "" or not hasattr(case, "state"):
        return 0
    return notify(case, news_in(case, _view(case, now)))


def remind_deadlines(*, now: datetime | None = None) -> int:
    """Hourly: a reminder three days before each deadline the applicant has not answered yet. Only the cases
    whose caseworker deadlines span the window are read (CaseState's first and last task deadline, indexed)."""
    from .selectors import answered_tasks

    now = now or timezone.now()
    cases = (
        Case.objects.filter(
            state__last_task_deadline__gt=now, state__first_task_deadline__lte=now + DEADLINE_REMINDER
        )
        .select_related("owner", "state")
        .defer(*_LONG_LISTS)
    )
    reminded = 0
    for case in cases.iterator(chunk_size=200):
        view = _view(case, now)
        reminded += notify(case, deadlines_soon(case, view, now, answered_tasks(case, view)))
    return reminded

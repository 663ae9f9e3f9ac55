"""Notifications: an SMS and an e-mail (through a real SMTP server, aiosmtpd) when a request for documents
arrives, none of them with personal data, once even when the same document is posted twice; a reminder three
days before the deadline; the person sees them on the site."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from tools.pgcluster import _free_port

from digisos.exchange.models import Case
from digisos.innsyn import notifications
from digisos.innsyn.models import Notification
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus
from tests.fixtures.exchange import apply, upload_letter
from tests.fixtures.personas import citizen, persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


class RecordingSmsGateway:
    """Fake SMS gateway at the edge: keeps what would have been sent."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        RecordingSmsGateway.sent.append((to, text))


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.SMS_GATEWAY = "tests.innsyn.test_notifications.RecordingSmsGateway"
    RecordingSmsGateway.sent = []
    yield inbox
    controller.stop()


def request_document(case: Case, letter_id: str, deadline: datetime) -> dict:
    return builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z"),
        builders.event(
            EventType.DOKUMENTASJON_ETTERSPURT,
            at="2026-11-23T10:05:00.000Z",
            forvaltningsbrev=builders.letter(letter_id),
            dokumenter=[
                {
                    "dokumenttype": "Kontoutskrift",
                    "innsendelsesfrist": deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "dokumentreferanse": "dok-1",
                }
            ],
        ),
        avsender={"systemnavn": "t", "systemversjon": "1"},
    )


def test_a_request_sends_one_sms_and_one_email_without_personal_data_once(
    client, smtp, connected, exchange_api, django_capture_on_commit_callbacks
):
    sofie = citizen("familie-bergen")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, sofie, upload=False)
    case = Case.objects.get(application=application)
    bergen = exchange_api("4601")
    letter = upload_letter(bergen, case.id)
    document = request_document(case, letter, datetime.now(UTC) + timedelta(days=10))
    for _ in range(2):  # the same document posted twice
        with django_capture_on_commit_callbacks(execute=True):
            assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200

    assert len(smtp.messages) == 1 and len(RecordingSmsGateway.sent) == 1
    recipients, mail = smtp.messages[0]
    assert recipients == ["sofie.bergen@example.no"]
    (number, sms) = RecordingSmsGateway.sent[0]
    assert number == "+4799000005"
    body = mail.get_payload(decode=True).decode()
    for text in (mail["Subject"] + body, sms):
        for private in (
            sofie.pid,
            application.reference,
            str(case.id),
            "Sofie",
            "Kontoutskrift",
            "Bergen",
            "kr",
        ):
            assert private not in text, private
        assert "/innsyn/" in text
    assert set(Notification.objects.values_list("kind", flat=True)) == {"request"}
    assert Notification.objects.filter(sms_sent=True, email_sent=True).count() == 1

    # A decision posted later is news again: one more SMS and e-mail.
    decision = upload_letter(bergen, case.id, "vedtak.pdf")
    document["hendelser"].append(
        builders.event(
            EventType.VEDTAK_FATTET,
            at="2026-11-23T11:00:00.000Z",
            saksreferanse="s1",
            vedtaksfil=builders.letter(decision),
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200
    assert len(smtp.messages) == 2 and len(RecordingSmsGateway.sent) == 2

    # The office asks again, by the same letter, with a deadline in two days: no news of its own, but three
    # days before the deadline one reminder, once.
    again = request_document(case, letter, datetime.now(UTC) + timedelta(days=2))["hendelser"][1]
    document["hendelser"].append({**again, "hendelsestidspunkt": "2026-11-23T12:00:00.000Z"})
    with django_capture_on_commit_callbacks(execute=True):
        assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200
    assert len(smtp.messages) == 2
    assert notifications.remind_deadlines() == 1
    assert notifications.remind_deadlines() == 0
    assert len(smtp.messages) == 3

    client.force_login(sofie)
    page = client.get(reverse("innsyn:notifications")).content.decode()
    assert page.count('class="document-item"') == Notification.objects.filter(user=sofie).count() == 3


def test_no_sms_or_email_to_a_person_without_contact_details_but_the_site_shows_it(
    client, smtp, connected, exchange_api, django_capture_on_commit_callbacks
):
    per = citizen("husbanken-feiler")  # Bergen; KRR has a mobile number but no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, per, upload=False)
    case = Case.objects.get(application=application)
    bergen = exchange_api("4601")
    letter = upload_letter(bergen, case.id)
    with django_capture_on_commit_callbacks(execute=True):
        bergen.post(
            f"/saker/{case.id}/digisos-soker",
            request_document(case, letter, datetime.now(UTC) + timedelta(days=9)),
        )
    assert smtp.messages == [] and len(RecordingSmsGateway.sent) == 1
    assert Notification.objects.get(user=per).email_sent is False


@pytest.mark.parametrize(
    ("before_deadline", "reminders"),
    [
        (timedelta(days=3, minutes=1), 0),  # not yet in the window
        (timedelta(days=3), 1),  # the window opens three days before
        (timedelta(minutes=1), 1),  # still open just before the deadline
        (timedelta(0), 0),  # the deadline has passed: too late to remind
    ],
)
def test_the_reminder_window_is_the_three_days_before_the_deadline(
    exchange_api, django_capture_on_commit_callbacks, before_deadline, reminders
):
    bergen = exchange_api("4601")
    paper = bergen.post("/saker", {"fodselsnummer": persona_pid("familie-bergen")})
    assert paper.status_code == 201, paper.content
    case = Case.objects.get(pk=paper.json()["fiksDigisosId"])
    deadline = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    document = request_document(case, upload_letter(bergen, case.id), deadline)
    with django_capture_on_commit_callbacks(execute=True):
        assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200
    assert Notification.objects.filter(case=case, kind="deadline").count() == 0

    assert notifications.remind_deadlines(now=deadline - before_deadline) == reminders
    assert Notification.objects.filter(case=case, kind="deadline").count() == reminders


def test_each_task_is_reminded_in_its_own_window_when_one_request_has_several_deadlines(
    exchange_api, django_capture_on_commit_callbacks
):
    bergen = exchange_api("4601")
    paper = bergen.post("/saker", {"fodselsnummer": persona_pid("familie-bergen")})
    case = Case.objects.get(pk=paper.json()["fiksDigisosId"])
    first, second = datetime(2026, 12, 10, 12, 0, tzinfo=UTC), datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    document = request_document(case, upload_letter(bergen, case.id), first)
    request = document["hendelser"][1]
    request["dokumenter"].append(
        {
            "dokumenttype": "Husleiekontrakt",
            "innsendelsesfrist": second.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "dokumentreferanse": "dok-2",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200

    assert notifications.remind_deadlines(now=first - timedelta(days=1)) == 1
    # The first deadline has passed; the second one's window still finds the case.
    assert notifications.remind_deadlines(now=second - timedelta(days=1)) == 1
    assert notifications.remind_deadlines(now=second - timedelta(hours=1)) == 0
    assert Notification.objects.filter(case=case, kind="deadline").count() == 2

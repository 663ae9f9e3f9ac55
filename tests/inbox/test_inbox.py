"""The manual inbox over HTTP: a caseworker sees her municipality's deliveries (never another's), opens the
case, marks it received, asks for documents, records a decision and a payment; what she stores is valid
digisos-soker.json in order. Wrong input gives a plain error and stores nothing."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.core import formatting
from digisos.core.models import AuditEntry
from digisos.documents.models import Folder
from digisos.exchange.models import Case, Delivery
from digisos.exchange.validation import soker_violations
from digisos.inbox import selectors
from digisos.inbox import services as inbox
from digisos.municipalities.models import ServiceConfiguration
from digisos.soker import builders
from digisos.soker.constants import EventType, Filreferanse, SoknadsStatus, UtbetalingStatus, Utfall
from digisos.soker.tidspunkt import parse_tidspunkt
from tests.documents import corpus
from tests.fixtures.personas import citizen
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


@pytest.fixture
def kari(sent_application) -> Application:
    return sent_application("kari-leier-oslo")


@pytest.fixture
def sara(client) -> User:
    user = caseworker("0301")
    client.force_login(user)
    return user


def case_of(application: Application) -> Case:
    return Case.objects.get(application=application)


def case_url(application: Application, name: str = "case") -> str:
    return reverse(f"inbox:{name}", args=[case_of(application).id])


def events(application: Application) -> list[dict]:
    return case_of(application).soker["hendelser"]


def in_a_week() -> date:
    return timezone.localdate() + timedelta(days=7)


# --- Who sees what ----------------------------------------------------------------------------------------


def test_inbox_lists_the_municipalitys_new_delivery_by_reference_and_not_another_municipalitys(
    client, sara, kari, sent_application
):
    bergen = sent_application("familie-bergen", upload=False)
    delivery = Delivery.objects.get(case__application=kari)
    assert (delivery.status, delivery.channel) == ("available", "inbox")

    response = client.get(reverse("inbox:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert kari.reference in html and case_url(kari) in html
    assert bergen.reference not in html and case_url(bergen) not in html
    assert kari.owner.pid not in html  # never the fødselsnummer
    assert "Ny" in html and "Søknad" in html


def test_logged_out_goes_to_the_employee_login_and_others_are_refused(client, kari):
    response = client.get(reverse("inbox:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:employee-login") + "?next=")
    assert client.get(case_url(kari))["Location"].startswith(reverse("accounts:employee-login"))

    client.force_login(kari.owner)  # a citizen
    assert client.get(reverse("inbox:inbox")).status_code == 403
    veileder = User.objects.create(username="vera", kind=User.Kind.EMPLOYEE, municipality_id="0301")
    veileder.groups.add(Group.objects.get_or_create(name="veileder")[0])
    client.force_login(veileder)  # an employee without the municipal caseworker role
    assert client.get(reverse("inbox:inbox")).status_code == 403
    assert client.post(case_url(kari, "mark-received")).status_code == 403


def test_another_municipalitys_caseworker_gets_404_for_the_case_and_its_actions(client, kari):
    client.force_login(caseworker("4601", username="berit"))
    assert client.get(case_url(kari)).status_code == 404
    assert client.post(case_url(kari, "mark-received")).status_code == 404
    assert client.get(reverse("inbox:inbox")).status_code == 200
    assert kari.reference not in client.get(reverse("inbox:inbox")).content.decode()
    assert Delivery.objects.get(case__application=kari).status == "available"


def test_case_page_links_the_application_pdf_and_every_delivered_document_and_audits_the_read(
    client, sara, kari
):
    response = client.get(case_url(kari))
    assert response.status_code == 200
    html = response.content.decode()
    assert kari.owner.pid not in html
    assert reverse("documents:download", args=[kari.pdf_id]) in html
    for document in kari.folder.documents.all():
        assert reverse("documents:download", args=[document.id]) in html
    assert kari.folder.documents.count() == 2  # the PDF and the rental contract
    assert client.get(reverse("documents:download", args=[kari.pdf_id])).status_code == 200
    assert AuditEntry.objects.filter(
        action="exchange.inbox_case_read", object_id=str(case_of(kari).id), subject_pid=kari.owner.pid
    ).exists()


# --- Actions ----------------------------------------------------------------------------------------------


def test_mark_received_collects_the_delivery_and_stores_mottatt_once(client, sara, kari):
    response = client.post(case_url(kari, "mark-received"), follow=True)
    assert response.redirect_chain[-1][0] == case_url(kari)
    assert "Søknaden er markert som mottatt." in response.content.decode()
    delivery = Delivery.objects.get(case__application=kari)
    assert delivery.status == "collected" and delivery.collected_at is not None
    assert [(e["type"], e["status"]) for e in events(kari)] == [
        (EventType.SOKNADS_STATUS, SoknadsStatus.MOTTATT)
    ]
    assert case_of(kari).soker["avsender"]["systemnavn"] == "DigiSos manuell innboks"

    client.post(case_url(kari, "mark-received"))  # again: nothing new
    assert len(events(kari)) == 1
    html = client.get(reverse("inbox:inbox")).content.decode()
    assert kari.reference in html and "Ikke påbegynt" in html  # received, nothing done yet


def test_request_documents_stores_dokumentasjon_etterspurt_with_the_deadline_end_of_day_in_oslo(
    client, sara, kari
):
    deadline = in_a_week()
    response = client.post(
        case_url(kari, "request-documents"),
        {
            "dokumentasjon-dokumenttype": "Kontoutskrift",
            "dokumentasjon-tilleggsinformasjon": "For de siste tre månedene",
            "dokumentasjon-frist": deadline.isoformat(),
            "dokumentasjon-brev": SimpleUploadedFile("forespørsel.pdf", corpus.pdf(text="Forespørsel")),
        },
    )
    assert response.status_code == 302 and response["Location"] == case_url(kari)
    stored = events(kari)
    assert [e["type"] for e in stored] == [
        EventType.SOKNADS_STATUS,
        EventType.SOKNADS_STATUS,
        EventType.DOKUMENTASJON_ETTERSPURT,
    ]  # received first, then under processing (tests/inbox/test_inbox_status_flow.py)
    request = stored[2]
    dokument = request["dokumenter"][0]
    assert dokument["dokumenttype"] == "Kontoutskrift"
    assert dokument["tilleggsinformasjon"] == "For de siste tre månedene"
    assert dokument["innsendelsesfrist"] == inbox.deadline_timestamp(deadline)
    local = parse_tidspunkt(dokument["innsendelsesfrist"]).astimezone(selectors.OSLO)
    assert (local.date(), local.hour, local.minute) == (deadline, 23, 59)
    letter_id = request["forvaltningsbrev"]["referanse"]["id"]
    assert case_of(kari).letters.documents.filter(pk=letter_id).exists()
    assert Delivery.objects.get(case__application=kari).status == "collected"
    html = client.get(case_url(kari)).content.decode()
    assert (
        "Kontoutskrift" in html and formatting.day(deadline) in html
    )  # "8. desember 2026", as core writes it
    assert reverse("documents:download", args=[letter_id]) in html


def test_decision_with_a_letter_stores_a_sak_then_vedtak_fattet_referring_to_the_letter(client, sara, kari):
    response = client.post(
        case_url(kari, "decision"),
        {
            "vedtak-utfall": Utfall.INNVILGET,
            "vedtak-saksreferanse": "sak-1",
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak")),
        },
    )
    assert response.status_code == 302
    stored = events(kari)
    assert [e["type"] for e in stored] == [
        EventType.SOKNADS_STATUS,
        EventType.SOKNADS_STATUS,
        EventType.SAKS_STATUS,
        EventType.VEDTAK_FATTET,
        EventType.SOKNADS_STATUS,  # every sak decided: done (tests/inbox/test_inbox_status_flow.py)
    ]
    assert stored[2] | {"hendelsestidspunkt": ""} == builders.event(
        EventType.SAKS_STATUS,
        at="",
        referanse="sak-1",
        tittel="Økonomisk sosialhjelp",
        status=SoknadsStatus.UNDER_BEHANDLING,
    )
    vedtak = stored[3]
    assert vedtak["utfall"] == Utfall.INNVILGET and vedtak["saksreferanse"] == "sak-1"
    reference = vedtak["vedtaksfil"]["referanse"]
    assert reference["type"] == Filreferanse.DOKUMENTLAGER
    letter = case_of(kari).letters.documents.get(pk=reference["id"])
    assert letter.original_name == "vedtak.pdf"
    assert client.get(reverse("documents:download", args=[letter.id])).status_code == 200

    # A second decision on the same sak does not add another saksStatus.
    client.post(
        case_url(kari, "decision"),
        {
            "vedtak-utfall": Utfall.DELVIS_INNVILGET,
            "vedtak-saksreferanse": "sak-1",
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak2.pdf", corpus.pdf(text="Nytt vedtak")),
        },
    )
    assert [e["type"] for e in events(kari)].count(EventType.SAKS_STATUS) == 1


def test_status_and_payment_are_stored_in_order_and_the_document_stays_valid(client, sara, kari):
    client.post(case_url(kari, "mark-received"))
    assert (
        client.post(case_url(kari, "status"), {"status-status": SoknadsStatus.UNDER_BEHANDLING}).status_code
        == 302
    )
    today = timezone.localdate()
    response = client.post(
        case_url(kari, "payment"),
        {
            "utbetaling-belop": "4500",
            "utbetaling-beskrivelse": "Livsopphold",
            "utbetaling-forfallsdato": today.isoformat(),
            "utbetaling-status": UtbetalingStatus.UTBETALT,
            "utbetaling-saksreferanse": "sak-1",
        },
    )
    assert response.status_code == 302
    stored = events(kari)
    assert [e["type"] for e in stored] == [
        EventType.SOKNADS_STATUS,
        EventType.SOKNADS_STATUS,
        EventType.SAKS_STATUS,
        EventType.UTBETALING,
    ]
    assert stored[1]["status"] == SoknadsStatus.UNDER_BEHANDLING
    payment = stored[3]
    assert payment["belop"] == 4500 and payment["beskrivelse"] == "Livsopphold"
    assert payment["forfallsdato"] == payment["utbetalingsdato"] == today.isoformat()
    assert payment["status"] == UtbetalingStatus.UTBETALT and payment["annenMottaker"] is False
    assert payment["saksreferanse"] == "sak-1" and payment["utbetalingsreferanse"]
    stamps = [e["hendelsestidspunkt"] for e in stored]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert soker_violations(case_of(kari).soker) == []
    html = client.get(case_url(kari)).content.decode()
    assert "Under behandling" in html and "4\xa0500\xa0kr" in html  # core's amount


# --- Wrong input ------------------------------------------------------------------------------------------


def test_a_past_deadline_is_a_form_error_and_stores_nothing(client, sara, kari):
    response = client.post(
        case_url(kari, "request-documents"),
        {
            "dokumentasjon-dokumenttype": "Kontoutskrift",
            "dokumentasjon-frist": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg en frist som er i dag eller senere." in html
    assert 'href="#id_dokumentasjon-frist"' in html and 'aria-invalid="true"' in html
    assert case_of(kari).soker is None
    assert Delivery.objects.get(case__application=kari).status == "available"


def test_a_decision_without_a_letter_or_with_a_non_pdf_is_a_form_error_and_stores_nothing(client, sara, kari):
    response = client.post(
        case_url(kari, "decision"), {"vedtak-utfall": Utfall.AVSLATT, "vedtak-saksreferanse": "sak-1"}
    )
    assert response.status_code == 200
    assert "Velg brevet som PDF-fil." in response.content.decode()
    response = client.post(
        case_url(kari, "decision"),
        {
            "vedtak-utfall": Utfall.AVSLATT,
            "vedtak-saksreferanse": "sak-1",
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.txt", b"Dette er ikke en PDF"),
        },
    )
    assert response.status_code == 200
    assert "Filen er ikke en PDF." in response.content.decode()
    assert case_of(kari).soker is None and not case_of(kari).letters.documents.exists()


def test_a_refusal_from_the_exchange_is_shown_as_a_form_error_not_a_500(client, sara, kari):
    ServiceConfiguration.objects.filter(pk="0301").update(can_update_status=False)
    response = client.post(case_url(kari, "status"), {"status-status": SoknadsStatus.FERDIGBEHANDLET})
    assert response.status_code == 200
    assert "kanOppdatereStatus" in response.content.decode()
    response = client.post(
        case_url(kari, "decision"),
        {
            "vedtak-utfall": Utfall.AVSLATT,
            "vedtak-saksreferanse": "sak-1",
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak")),
        },
    )
    assert response.status_code == 200 and not case_of(kari).letters.documents.exists()
    # Receiving still works: the delivery is collected, the status waits until the municipality shows it.
    response = client.post(case_url(kari, "mark-received"), follow=True)
    assert "søkeren får ikke beskjed om dette på nett" in response.content.decode()
    assert Delivery.objects.get(case__application=kari).status == "collected"
    assert case_of(kari).soker is None


# --- Query count and pure helpers -------------------------------------------------------------------------


def _delivery(owner: User, kommunenummer: str = "0301") -> Delivery:
    folder = Folder.objects.create(owner=owner, kind=Folder.Kind.APPLICATION, municipality_id=kommunenummer)
    application = Application.objects.create(
        owner=owner,
        folder=folder,
        status=Application.Status.READY,
        municipality_id=kommunenummer,
        reference=f"DS-{uuid.uuid4().hex[:4].upper()}-TEST",
    )
    case = Case.objects.create(owner=owner, municipality_id=kommunenummer, application=application)
    return Delivery.objects.create(
        case=case,
        kind=Delivery.Kind.SOKNAD,
        municipality_id=kommunenummer,
        channel="inbox",
        nav_ekstern_ref_id=str(application.id),
        status=Delivery.Status.AVAILABLE,
        available_at=timezone.now(),
        folder=folder,
        vedlegg_json={"vedlegg": []},
    )


def test_the_inbox_makes_the_same_number_of_queries_for_one_and_five_deliveries(client, sara):
    owner = citizen("kari-leier-oslo")
    _delivery(owner)
    client.get(reverse("inbox:inbox"))  # the first request after login also writes the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("inbox:inbox")).status_code == 200
    for _ in range(4):
        _delivery(owner)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("inbox:inbox"))
    assert response.content.decode().count("/innboks/sak/") == 5
    assert len(five) == len(one), "\n".join(q["sql"][:200] for q in five.captured_queries)


def test_new_deliveries_come_first_then_received_newest_first(client, sara):
    owner = citizen("kari-leier-oslo")
    old_new, received, new_new = _delivery(owner), _delivery(owner), _delivery(owner)
    Delivery.objects.filter(pk=old_new.pk).update(available_at=timezone.now() - timedelta(days=2))
    Delivery.objects.filter(pk=received.pk).update(status="collected")
    order = [d.pk for d in selectors.inbox_deliveries("0301")]
    assert order == [new_new.pk, old_new.pk, received.pk]


def test_timestamps_are_utc_milliseconds_and_strictly_after_the_latest_stored():
    now = datetime(2026, 11, 23, 13, 37, 0, 134_999, tzinfo=UTC)
    assert inbox.next_timestamp(None, now) == "2026-11-23T13:37:00.134Z"
    ahead = {"hendelser": [{"hendelsestidspunkt": "2026-11-23T13:37:00.5Z"}]}
    assert inbox.next_timestamp(ahead, now) == "2026-11-23T13:37:00.501Z"
    same = {"hendelser": [{"hendelsestidspunkt": "2026-11-23T13:37:00.134Z"}]}
    assert inbox.next_timestamp(same, now) == "2026-11-23T13:37:00.135Z"
    older = {"hendelser": [{"hendelsestidspunkt": "2026-11-23T13:36:59.999Z"}]}
    assert inbox.next_timestamp(older, now) == "2026-11-23T13:37:00.134Z"
    # The newest of the events, not the last one; an event without a time or that is no object is passed over.
    mixed = {
        "hendelser": [
            {"hendelsestidspunkt": "2026-11-23T13:37:00.700Z"},
            {"hendelsestidspunkt": "2026-11-23T13:37:00.200Z"},
            {"type": "soknadsStatus"},
            "not an event",
        ]
    }
    assert inbox.next_timestamp(mixed, now) == "2026-11-23T13:37:00.701Z"
    assert inbox.deadline_timestamp(date(2026, 12, 24)) == "2026-12-24T22:59:00.000Z"  # winter, UTC+1
    assert inbox.deadline_timestamp(date(2026, 6, 24)) == "2026-06-24T21:59:00.000Z"  # summer, UTC+2


# --- A long history ---------------------------------------------------------------------------------------


def _history(count: int) -> dict:
    """A digisos-soker.json with `count` events: received, then one case status per event, a second apart."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stamp = lambda i: (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")  # noqa: E731
    events = [builders.soknads_status(SoknadsStatus.MOTTATT, at=stamp(0))]
    events += [
        builders.event(
            EventType.SAKS_STATUS,
            at=stamp(i),
            referanse=f"s{i}",
            tittel=f"Sak nr {i}",
            status=SoknadsStatus.UNDER_BEHANDLING,
        )
        for i in range(2, count + 1)
    ]
    return builders.document(*events, avsender={"systemnavn": "t", "systemversjon": "1"})


def test_a_case_with_twenty_thousand_events_shows_fifty_a_page_newest_first(client, sara):
    case = _delivery(citizen("kari-leier-oslo")).case
    Case.objects.filter(pk=case.pk).update(soker=_history(2))
    url = reverse("inbox:case", args=[case.id])
    client.get(url)  # the first request after login also writes the session
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200

    Case.objects.filter(pk=case.pk).update(soker=_history(20_000))
    with CaptureQueriesContext(connection) as long:
        first = client.get(url)
    assert len(long) == len(short), "\n".join(q["sql"][:200] for q in long.captured_queries)
    assert len(first.content) < 150_000
    page = first.content.decode()
    assert page.count("«Sak nr ") == 50
    assert page.index("«Sak nr 20000»") < page.index("«Sak nr 19951»")  # newest first
    assert "«Sak nr 19950»" not in page
    assert '<ol class="aksel-body-long" data-testid="events" reversed start="20000">' in page
    assert 'href="?side=2#events-heading"' in page and "Side 1 av 400" in page
    assert 'aria-label="Sider i hendelsene"' in page

    older = client.get(url, {"side": 2}).content.decode()
    assert "«Sak nr 19950»" in older and "«Sak nr 19901»" in older and "«Sak nr 19951»" not in older
    assert 'href="?side=1#events-heading"' in older and "Side 2 av 400" in older

    oldest = client.get(url, {"side": 400}).content.decode()
    assert "Status på søknaden: Mottatt" in oldest and oldest.count("«Sak nr ") == 49
    # A page number out of range or not a number shows the nearest page, never an error.
    assert "Side 400 av 400" in client.get(url, {"side": 9999}).content.decode()
    assert "Side 1 av 400" in client.get(url, {"side": "x"}).content.decode()


def test_the_case_page_reads_only_the_status_of_the_stored_read_model():
    """A case with tens of thousands of events has a read model of megabytes (page_view, payments, history,
    statistics); the inbox's case page shows only the status from it, so that alone is read with the case."""
    from digisos.exchange.models import CaseState
    from digisos.inbox.selectors import case_for

    user = caseworker("0301")
    owner = User.objects.create(username="state-reader", kind=User.Kind.CITIZEN)
    case = Case.objects.create(owner=owner, municipality_id="0301")
    CaseState.objects.create(
        case=case, municipality_id="0301", case_created_at=case.created_at, status="MOTTATT"
    )
    found = case_for(user, case.id)
    loaded = {f.attname for f in CaseState._meta.concrete_fields} - found.state.get_deferred_fields()
    assert loaded == {"case_id", "status"}


def test_the_case_page_reads_one_page_of_the_history_not_the_whole_document(client):
    """A case system may post tens of thousands of events: the page reads only the fifty it shows (and their
    count) from the stored document, never the whole document, with the same pages as event_page."""
    from digisos.exchange.models import CaseState
    from digisos.inbox.selectors import _events_of, case_for, event_page

    user = caseworker("0301")
    owner = User.objects.create(username="long-history", kind=User.Kind.CITIZEN)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [builders.soknads_status(SoknadsStatus.MOTTATT, at=start)] + [
        builders.saks_status(f"s{i}", tittel=f"Sak {i}", at=start + timedelta(seconds=i))
        for i in range(1, 120)
    ]
    document = dict(builders.document(*events, avsender={"systemnavn": "t", "systemversjon": "1"}))
    case = Case.objects.create(owner=owner, municipality_id="0301", soker=document)
    CaseState.objects.create(
        case=case, municipality_id="0301", case_created_at=case.created_at, status="MOTTATT"
    )
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("inbox:case", args=[case.id]))
    assert page.status_code == 200 and "Sak 119" in page.content.decode()
    assert not any('"exchange_case"."soker"' in q["sql"] for q in queries.captured_queries)
    found = case_for(user, case.id)
    for requested in (None, "1", "2", "3", "4", "99", "0", "-3", "x"):
        assert _events_of(found, [], requested) == event_page(document["hendelser"], [], requested), requested
    # A document not as the exchange stores them (an entry that is no event, which the schema refuses): the page
    # holding it is described from the whole document, as event_page does.
    document["hendelser"].insert(100, "not an event")
    Case.objects.filter(pk=case.pk).update(soker=document)
    for requested in (None, "1"):
        found = case_for(user, case.id)
        assert _events_of(found, [], requested) == event_page(document["hendelser"], [], requested), requested

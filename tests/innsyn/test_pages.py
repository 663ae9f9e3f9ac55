"""Innsyn over HTTP: Mine søknader across municipalities, the case page (status, tasks with upload, letters,
decisions, payments), innsyn off, another person's case, and constant query counts."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digisos.application.services import start_application
from digisos.exchange.models import Case, Delivery
from digisos.exchange.services.clients import register_client
from digisos.exchange.services.delivery import create_paper_case
from digisos.innsyn import selectors
from digisos.municipalities.models import ServiceConfiguration
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus, UtbetalingStatus, Utfall
from tests.documents import corpus
from tests.fixtures.exchange import apply, upload_letter
from tests.fixtures.personas import citizen, persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def at(minute: int) -> str:
    return f"2026-11-23T1{minute // 60}:{minute % 60:02d}:00.000Z"


@pytest.fixture
def sofie_case(client, connected, exchange_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, citizen("familie-bergen"), upload=False)
    case = Case.objects.get(application=application)
    bergen = exchange_api("4601")
    letters = [upload_letter(bergen, case.id, name) for name in ("etterspurt.pdf", "vedtak.pdf")]
    events = [
        builders.soknads_status(SoknadsStatus.MOTTATT, at=at(0)),
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=at(1)),
        builders.event(
            EventType.DOKUMENTASJON_ETTERSPURT,
            at=at(2),
            forvaltningsbrev=builders.letter(letters[0]),
            dokumenter=[
                {
                    "dokumenttype": "Kontoutskrift",
                    "tilleggsinformasjon": "Brukskonto, siste tre måneder",
                    "innsendelsesfrist": "2026-12-01T22:59:00.000Z",
                    "dokumentreferanse": "dok-1",
                }
            ],
        ),
        builders.event(EventType.SAKS_STATUS, at=at(3), referanse="sak-1", tittel="Livsopphold"),
        builders.event(
            EventType.VEDTAK_FATTET,
            at=at(4),
            saksreferanse="sak-1",
            utfall=Utfall.INNVILGET,
            vedtaksfil=builders.letter(letters[1]),
        ),
        builders.event(
            EventType.UTBETALING,
            at=at(5),
            utbetalingsreferanse="u1",
            saksreferanse="sak-1",
            status=UtbetalingStatus.PLANLAGT_UTBETALING,
            belop=5250,
            beskrivelse="Livsopphold",
            forfallsdato="2026-11-27",
            annenMottaker=False,
            kontonummer="12345678903",
        ),
        builders.event(
            EventType.UTBETALING,
            at=at(5),
            utbetalingsreferanse="u2",
            saksreferanse="sak-1",
            belop=8000,
            beskrivelse="Husleie",
            forfallsdato="2026-12-01",
            annenMottaker=True,
            mottaker="Utleier AS",
            kontonummer="98765432106",
        ),
    ]
    document = builders.document(*events, avsender={"systemnavn": "t", "systemversjon": "1"})
    assert bergen.post(f"/saker/{case.id}/digisos-soker", document).status_code == 200
    client.force_login(case.owner)
    # A session's first request stamps its idle limit (one write); the query counts below are of later visits.
    client.get(reverse("innsyn:mine"))
    return case


def test_the_case_page_shows_status_the_request_the_decision_and_payments(client, sofie_case):
    response = client.get(reverse("innsyn:case", args=[sofie_case.id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Status:\s*Under behandling\s*</h2>", html)
    assert "Kontoutskrift" in html and "Brukskonto, siste tre måneder" in html and "1. desember 2026" in html
    assert "Innvilget" in html and "Livsopphold" in html
    assert "5\xa0250\xa0kr" in html  # core's amount (tests below check every language)
    assert "Kontoen din 1234 56 78903" in html  # as banks print it (core's account), not "12345678903"
    assert "98765432106" not in html and "9876 54 32106" not in html  # someone else is paid: no account shown
    assert "Utleier AS" in html
    letters = list(sofie_case.letters.documents.all())
    for letter in letters:
        assert reverse("documents:download", args=[letter.id]) in html
        assert client.get(reverse("documents:download", args=[letter.id])).status_code == 200


def test_the_office_shown_is_the_one_handling_the_case_now_and_drafts_are_listed(
    client, sofie_case, exchange_api
):
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    moved = builders.event(EventType.TILDELT_NAV_KONTOR, at=at(10), navKontor="1203")
    document["hendelser"] = [*document["hendelser"], moved]
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    draft = start_application(user=sofie_case.owner)

    header = client.get(reverse("innsyn:case", args=[sofie_case.id])).content.decode().split("<h1")[1]
    assert "Bergen · Nav Bergen nord" in header.split("</p>")[0]
    mine = client.get(reverse("innsyn:mine")).content.decode()
    card = mine.split(str(sofie_case.id))[1].split("</li>")[0]
    assert "Bergen · Nav Bergen nord" in card
    drafts = mine.split('data-testid="drafts"')[1].split("</ul>")[0]
    # "Fortsett": the draft opens where the person left off (application.views.resume).
    assert reverse("application:resume", args=[draft.id]) in drafts


def test_uploading_from_the_task_sends_an_ettersendelse_and_marks_the_task_sent(
    client, sofie_case, exchange_api
):
    page = client.get(reverse("innsyn:case", args=[sofie_case.id]))
    task_id = page.content.decode().split('name="oppgave" value="')[1].split('"')[0]
    response = client.post(
        reverse("innsyn:send", args=[sofie_case.id]),
        {"oppgave": task_id, "filer": [SimpleUploadedFile("kontoutskrift.pdf", corpus.pdf())]},
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(case=sofie_case, kind="ettersendelse")
    (entry,) = delivery.vedlegg_json["vedlegg"]
    assert (entry["type"], entry["hendelseType"], entry["hendelseReferanse"]) == (
        "Kontoutskrift",
        EventType.DOKUMENTASJON_ETTERSPURT,
        "dok-1",
    )
    assert delivery.status == "available"
    listed = exchange_api("4601").get("/leveranser").json()["leveranser"]
    assert any(d["type"] == "ettersendelse" and d["fiksDigisosId"] == str(sofie_case.id) for d in listed)
    html = client.get(reverse("innsyn:case", args=[sofie_case.id])).content.decode()
    assert 'data-testid="task-sent"' in html and "er sendt til Nav-kontoret" in html


def test_sending_nothing_or_a_refused_file_says_what_to_do_and_sends_nothing(client, sofie_case):
    empty = client.post(reverse("innsyn:send", args=[sofie_case.id]), {})
    assert empty.status_code == 400 and "Velg minst én fil" in empty.content.decode()
    virus = client.post(
        reverse("innsyn:send", args=[sofie_case.id]), {"filer": [SimpleUploadedFile("x.txt", corpus.EICAR)]}
    )
    assert virus.status_code == 400 and "x.txt" in virus.content.decode()
    assert not Delivery.objects.filter(case=sofie_case, kind="ettersendelse").exists()


def test_a_file_over_the_size_limit_gets_the_plain_size_message(client, sofie_case, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILE_BYTES": 1024 * 1024}
    big = SimpleUploadedFile("film.mp4", corpus.too_large(3 * 1024 * 1024))
    response = client.post(reverse("innsyn:send", args=[sofie_case.id]), {"filer": [big]})
    assert response.status_code == 400 and "film.mp4: Filen er større enn 1 MB." in response.content.decode()
    assert not Delivery.objects.filter(case=sofie_case, kind="ettersendelse").exists()


def test_mine_soknader_lists_every_case_across_municipalities_with_paper_ones(client, sofie_case):
    system = register_client(kommunenummer="5501", name="t", public_key_pem="x", client_id="paper").user
    create_paper_case(actor_id=system.pk, kommunenummer="5501", fodselsnummer=persona_pid("familie-bergen"))
    html = client.get(reverse("innsyn:mine")).content.decode()
    assert (
        sofie_case.application.reference in html
        and "Papirsøknad" in html
        and "Tromsø" in html
        and "Bergen" in html
    )
    assert "Du må sende 1 dokument." in html


def test_a_municipality_with_innsyn_off_shows_the_application_and_why_not_more(client, sofie_case):
    ServiceConfiguration.objects.filter(pk="4601").update(can_update_status=False)
    html = client.get(reverse("innsyn:case", args=[sofie_case.id])).content.decode()
    assert "Kommunen viser ikke status på nett" in html and "Kontoutskrift" not in html
    assert reverse("documents:download", args=[sofie_case.application.pdf_id]) in html
    ServiceConfiguration.objects.filter(pk="4601").update(
        can_update_status=True, updates_temporarily_disabled=True
    )
    html = client.get(reverse("innsyn:case", args=[sofie_case.id])).content.decode()
    assert "midlertidig stengt for oppdateringer" in html and "Innvilget" not in html


def test_another_persons_case_is_404(client, sofie_case):
    client.force_login(citizen("kari-leier-oslo"))
    assert client.get(reverse("innsyn:case", args=[sofie_case.id])).status_code == 404
    assert client.post(reverse("innsyn:send", args=[sofie_case.id]), {}).status_code == 404


def _queries(client, url: str) -> int:
    cache.clear()  # nothing from a cache: the pages read the stored read model
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_events_or_cases(client, sofie_case):
    url = reverse("innsyn:case", args=[sofie_case.id])
    few = _queries(client, url)
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    document["hendelser"] = document["hendelser"] + [
        builders.event(
            EventType.UTBETALING,
            at=f"2026-11-24T10:{n // 60:02d}:{n % 60:02d}.000Z",
            utbetalingsreferanse=f"x{n}",
            belop=n,
            forfallsdato="2026-12-05",
        )
        for n in range(200)
    ]
    Case.objects.filter(pk=sofie_case.id).update(soker=document)
    assert _queries(client, url) == few

    mine = reverse("innsyn:mine")
    one = _queries(client, mine)
    system = register_client(kommunenummer="5501", name="t", public_key_pem="x", client_id="paper").user
    for _ in range(5):
        create_paper_case(
            actor_id=system.pk, kommunenummer="5501", fodselsnummer=persona_pid("familie-bergen")
        )
    assert _queries(client, mine) == one


def test_the_case_page_reads_the_stored_read_model_never_the_event_document(client, sofie_case, exchange_api):
    url = reverse("innsyn:case", args=[sofie_case.id])
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not any('"exchange_case"."soker",' in q["sql"] for q in captured.captured_queries)
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    document["hendelser"] = [
        *document["hendelser"],
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at="2026-11-24T09:00:00.000Z"),
    ]
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    assert re.search(r"Status:\s*Ferdig behandlet\s*</h2>", client.get(url).content.decode())


def test_a_long_case_page_reads_only_the_payments_and_history_it_shows(client, sofie_case, exchange_api):
    """A year of reports: the page shows the recent payments and the newest history, with links to the rest,
    and reads only those parts of the stored view from the database (not the whole view to cut it in Python)."""
    today = timezone.localdate()
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    old_payments = [
        builders.event(
            EventType.UTBETALING,
            at=f"2026-11-24T10:00:{n:02d}.000Z",
            utbetalingsreferanse=f"gammel-{n}",
            belop=100 + n,
            beskrivelse=f"Gammel utbetaling {n}",
            status=UtbetalingStatus.UTBETALT,
            utbetalingsdato=(today - timedelta(days=200 + n)).isoformat(),
        )
        for n in range(30)
    ]
    saker = [
        builders.event(
            EventType.SAKS_STATUS,
            at=f"2026-11-24T11:00:{n:02d}.000Z",
            referanse=f"sak-{n + 2}",
            tittel=f"Sak {n}",
        )
        for n in range(30)
    ]
    document["hendelser"] = document["hendelser"] + old_payments + saker
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    url = reverse("innsyn:case", args=[sofie_case.id])
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    whole_view = re.compile(r'"exchange_casestate"\."earlier_history"')  # the older history: not shown
    assert not any(whole_view.search(q["sql"]) for q in captured.captured_queries)
    assert "Gammel utbetaling" not in html and "Husleie" in html
    assert "Se alle utbetalinger" in html
    history = html.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert history.count("<li>") == 20 and "Sak 29" in history and "Sak 0." not in history
    total = int(re.search(r"Se hele historikken \((\d+) hendelser\)", html).group(1))
    assert total > 30

    everything = client.get(url + "?utbetalinger=alle").content.decode()
    assert all(f"Gammel utbetaling {n}<" in everything for n in range(30))
    whole = client.get(url + "?historikk=alle").content.decode()
    assert whole.split('data-testid="timeline"')[1].split("</ol>")[0].count("<li>") == total
    assert "Se hele historikken" not in whole


@pytest.mark.parametrize(
    "shown",
    [
        selectors.Shown(),
        selectors.Shown(history_last=20),
        selectors.Shown(payments_from=date(2026, 11, 1), history_last=5),
        selectors.Shown(payments_from=date(2030, 1, 1), history_last=1),
    ],
)
def test_the_quick_starts_case_page_cuts_the_stored_view_as_postgresql_does(
    sofie_case, exchange_api, shown, monkeypatch
):
    """SQLite (the quick start) has no jsonb paths nor arrays, so the case page cuts the stored view in Python
    there; it must show exactly what PostgreSQL's cut shows."""
    today = timezone.localdate()
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    document["hendelser"] = document["hendelser"] + [
        builders.event(
            EventType.UTBETALING,
            at=f"2026-11-24T10:00:{n:02d}.000Z",
            utbetalingsreferanse=f"u-{n}",
            belop=100 + n,
            status=UtbetalingStatus.UTBETALT if n % 3 else UtbetalingStatus.PLANLAGT_UTBETALING,
            **({"utbetalingsdato": (today - timedelta(days=20 * n)).isoformat()} if n % 3 else {}),
            **({"forfallsdato": (today + timedelta(days=n)).isoformat()} if n % 4 == 0 else {}),
        )
        for n in range(12)
    ]
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    now = timezone.now()
    on_postgresql = selectors.case_page(sofie_case.owner, sofie_case.id, now=now, shown=shown)
    monkeypatch.setattr(selectors.connection, "vendor", "sqlite")
    in_python = selectors.case_page(sofie_case.owner, sofie_case.id, now=now, shown=shown)
    assert in_python == on_postgresql
    assert (in_python.payment_count, in_python.history_count) == (
        on_postgresql.payment_count,
        on_postgresql.history_count,
    )


PAYMENTS_SHOWN = {
    # The month headings start with a capital (they begin the heading); the amounts are core's: a no-break space
    # between the groups and before "kr" in Norwegian, "NOK 5,250" in English.
    "nb": (("November 2026", "5\xa0250\xa0kr"), ("Desember 2026", "8\xa0000\xa0kr")),
    "nn": (("November 2026", "5\xa0250\xa0kr"), ("Desember 2026", "8\xa0000\xa0kr")),
    "en": (("November 2026", "NOK 5,250"), ("December 2026", "NOK 8,000")),
}


@pytest.fixture
def language_put_back():
    """A request with a language cookie leaves its language active in the thread (LocaleMiddleware activates
    it and nothing deactivates it): put back what was active, so that later tests are not in English."""
    from django.utils import translation

    active = translation.get_language()
    yield
    translation.activate(active)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.usefixtures("language_put_back")
def test_the_payments_months_and_amounts_are_cores_in_every_language(client, sofie_case, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("innsyn:case", args=[sofie_case.id])).content.decode()
    for key, (month, amount) in zip(("2026-11", "2026-12"), PAYMENTS_SHOWN[language], strict=True):
        payments = html.split(f'id="payments-{key}"')[1].split("</table>")[0]
        assert payments.startswith(f">{month}</h3>")
        assert f">{amount}<" in payments
        assert " kr<" not in payments  # no amount of the template's own
    # The day of the month under its heading: "27." in Norwegian (an ordinal), "27" in English.
    november = html.split('id="payments-2026-11"')[1].split("</table>")[0]
    assert f'<time datetime="2026-11-27">{"27" if language == "en" else "27."}</time>' in november

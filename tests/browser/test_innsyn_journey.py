"""Innsyn in Chromium with the case-system simulator: Sofie applies; the simulator collects it and posts
"received", "under processing" and a document request with a deadline; Sofie sees each on her case page,
uploads the requested document from the task (by keyboard), and the simulator collects it as an
ettersendelse; then a decision and a payment, which she sees too. axe on every page."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from tests.browser.test_application_journeys import send_as_family
from tests.documents import corpus
from tests.fixtures.browser import check_accessibility, open_file_chooser_by_keyboard, tab_to, visit
from tests.fixtures.exchange import connect

from digisos.exchange.models import Case
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus, UtbetalingStatus, Utfall
from digisos_simulator.simulator import CaseStory, FagsystemClient, collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reload_case(page: Page) -> None:
    page.reload()
    check_accessibility(page)


def test_applicant_follows_the_case_and_answers_a_request_from_the_task(
    page, live_server, idporten_settings, document_settings, municipalities_loaded, municipality_keys
):
    connect(municipality_keys)
    send_as_family(page)
    bergen = FagsystemClient(
        base_url=live_server.url,
        client_id="test-fagsystem-4601",
        client_key_pem=(municipality_keys["4601"] / "klient.pem").read_bytes(),
    )
    receiver_key = (municipality_keys["4601"] / "mottak.pem").read_bytes()
    (collected,) = collect(bergen, receiver_key)
    case_id = collected.delivery["fiksDigisosId"]

    page.get_by_role("link", name="Følg søknaden under Mine søknader").click()
    expect(page.get_by_role("heading", name="Mine søknader")).to_be_visible()
    check_accessibility(page)
    reference = Case.objects.get(pk=case_id).application.reference
    page.get_by_role("link", name=f"Søknad {reference}").click()
    expect(page.get_by_test_id("status")).to_contain_text("Sendt")
    check_accessibility(page)

    story = CaseStory(bergen, case_id)
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    reload_case(page)
    expect(page.get_by_test_id("status")).to_contain_text("Mottatt")
    story.add(builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING))
    reload_case(page)
    expect(page.get_by_test_id("status")).to_contain_text("Under behandling")

    deadline = datetime.now(UTC) + timedelta(days=7)
    letter = story.letter("etterspurt.pdf", "Vi trenger flere opplysninger", ["Send kontoutskrift."])
    story.add(
        builders.dokumentasjon_etterspurt(
            [
                builders.dokument(
                    "Kontoutskrift",
                    tilleggsinformasjon="Brukskonto",
                    innsendelsesfrist=deadline,
                    dokumentreferanse="dok-1",
                )
            ],
            forvaltningsbrev=letter,
        )
    )
    reload_case(page)
    tasks = page.get_by_test_id("tasks")
    expect(tasks).to_contain_text("Kontoutskrift")
    expect(tasks.get_by_role("link", name="Brev om dokumentasjon")).to_be_visible()

    # Answer the request by keyboard alone: Tab to the file input, choose a file, Tab to send, Enter.
    tab_to(page, "Velg filer")
    open_file_chooser_by_keyboard(page).set_files(
        [{"name": "kontoutskrift.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf()}]
    )
    tab_to(page, "Send dokumentene")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 dokument er sendt til Nav-kontoret.")).to_be_visible()
    expect(page.get_by_test_id("task-sent")).to_be_visible()
    check_accessibility(page)

    (ettersendelse,) = collect(bergen, receiver_key)
    assert ettersendelse.delivery["type"] == "ettersendelse"
    (entry,) = ettersendelse.vedlegg["vedlegg"]
    assert (entry["hendelseType"], entry["hendelseReferanse"]) == (
        EventType.DOKUMENTASJON_ETTERSPURT,
        "dok-1",
    )
    assert ettersendelse.files["ettersendelse.pdf"].startswith(b"%PDF-")

    story.add(builders.saks_status("sak-1", tittel="Livsopphold"))
    decision = story.letter("vedtak.pdf", "Vedtak", ["Innvilget."])
    story.add(builders.vedtak_fattet(saksreferanse="sak-1", utfall=Utfall.INNVILGET, vedtaksfil=decision))
    story.add(
        builders.utbetaling(
            "u1",
            saksreferanse="sak-1",
            status=UtbetalingStatus.PLANLAGT_UTBETALING,
            belop=4200,
            beskrivelse="Livsopphold",
            forfallsdato=(datetime.now(UTC) + timedelta(days=2)).date(),
            annenMottaker=False,
            kontonummer="12345678903",
        )
    )
    reload_case(page)
    expect(page.get_by_test_id("decision")).to_contain_text("Innvilget")
    # The amount in full as core writes it in bokmål: no-break spaces between the groups and before "kr".
    amount = page.get_by_test_id("payment").get_by_role("cell").nth(1).text_content()
    assert amount == "4\u00a0200\u00a0kr", repr(amount)
    expect(page.get_by_test_id("payment")).to_contain_text("Planlagt")
    with page.expect_download() as download:
        page.get_by_test_id("decision").get_by_role("link", name="Vedtaksbrev").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    visit(page, "/innsyn/")

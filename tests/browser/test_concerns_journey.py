"""The concern report (bekymringsmelding) in Chromium, axe on every page: a private reporter goes from the
urgency page through the choice and the ID-porten login to the form, is told what is missing, sends, gets
the receipt and sees the report under Mine meldinger without its content; a public reporter does the same by
keyboard alone, with the organisation filled in from Enhetsregisteret and a copy for the archive. Then the
report's way on: Bergen's case system (the simulator) collects and acknowledges it, and when nothing
acknowledges it the letter goes out on the third working day (the clock moved in the test)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, choose_radio_by_keyboard, tab_to, visit

from digisos.concerns.models import ConcernReport
from digisos.concerns.services import apply_demo_child_welfare_offices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_municipality(page: Page, name: str) -> None:
    visit(page, "/bekymringsmelding/")
    expect(page.get_by_role("heading", name="Meld bekymring for et barn")).to_be_visible()
    expect(page.get_by_test_id("urgent")).to_contain_text("112")
    expect(page.get_by_test_id("urgent")).to_contain_text("116 111")
    page.get_by_label("Hvilken kommune bor barnet i?").select_option(label=name)
    page.get_by_role("button", name="Velg kommune").click()
    check_accessibility(page)


def test_a_private_reporter_from_the_urgency_page_to_the_receipt(
    page, idporten_settings, municipalities_loaded
):
    apply_demo_child_welfare_offices()

    # A municipality that has not turned the service on says how to report by phone or letter.
    choose_municipality(page, "Trondheim")
    expect(page.get_by_test_id("not-activated")).to_contain_text("72 54 00 00")

    choose_municipality(page, "Bergen")
    expect(page.get_by_test_id("barnevernvakt")).to_contain_text("55 36 11 80")
    expect(page.get_by_role("heading", name="Du kan ikke melde anonymt her")).to_be_visible()
    page.get_by_role("link", name="Meld fra som privatperson").click()

    # ID-porten (the local one), then back to where the reporter was going.
    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-familie-bergen").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Meld fra som privatperson")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Start meldingen").click()

    expect(page.get_by_role("heading", name="Bekymringsmelding fra privatperson")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("reporter-name")).to_contain_text("Sofie Haugen")
    page.get_by_label("Barnets navn").fill("Mia")
    page.get_by_role("button", name="Send meldingen").click()

    # What is missing is named, with a link to the field.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Barn 1, barnets adresse: Skriv hvor barnet bor.")
    expect(summary).to_contain_text("Bekymringen, hva er du bekymret for?: Skriv hva du er bekymret for.")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("barnets adresse")).click()
    expect(page.get_by_label("Barnets adresse")).to_be_focused()
    page.get_by_label("Barnets adresse").fill("Storgata 1")
    page.get_by_label("Hva er du bekymret for?").fill("Hun er alene hjemme om kveldene.")
    page.get_by_role("button", name="Send meldingen").click()

    expect(page.get_by_role("heading", name="Meldingen er sendt")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("receipt-office")).to_have_text("Barneverntjenesten i Bergen, Bergen kommune")
    page.get_by_role("link", name="Til Mine meldinger").click()

    expect(page.get_by_role("heading", name="Mine meldinger")).to_be_visible()
    check_accessibility(page)
    sent = page.get_by_test_id("sent")
    expect(sent).to_contain_text("Bergen")
    expect(sent).to_contain_text("Mottatt av DigiSos")
    expect(page.locator("main")).not_to_contain_text("Mia")
    assert ConcernReport.objects.get().status == ConcernReport.Status.SENT


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)


def choose_yes(page: Page, element_id: str) -> None:
    choose_radio_by_keyboard(page, element_id)
    page.keyboard.press("Space")  # the first option is focused, not yet chosen
    expect(page.locator(f"#{element_id}")).to_be_checked()


def test_a_public_reporter_by_keyboard_alone(
    page, idporten_settings, document_settings, municipalities_loaded
):
    apply_demo_child_welfare_offices()
    visit(page, "/bekymringsmelding/")
    tab_to(page, "Velg kommune")  # the select's first option
    page.keyboard.type("Tromsø")
    tab_to(page, "^Velg kommune$")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("barnevernvakt")).to_contain_text("77 60 85 00")
    check_accessibility(page)
    tab_to(page, "^Meld fra som offentlig ansatt")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    choose_radio_by_keyboard(page, "sub-kari-leier-oslo")
    tab_to(page, "^Logg inn$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Meld fra som offentlig ansatt eller fagperson")).to_be_visible()
    check_accessibility(page)
    tab_to(page, "^Start meldingen$")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name="Bekymringsmelding fra offentlig ansatt eller fagperson")
    ).to_be_visible()
    check_accessibility(page)
    type_into(page, "^Din rolle", "Lærer")
    type_into(page, "^Telefonnummer", "912 34 567")
    type_into(page, "^E-post", "kari.laerer@skole.no")
    type_into(page, "^Organisasjonsnummer", "910000411")
    type_into(page, "^Fødselsnummer, fødselsdato", "1.2.2019")
    type_into(page, "^Barnets navn", "Mia")
    type_into(page, "^Barnets adresse", "Storgata 1")
    choose_yes(page, "id_barn-0-orientert_0")
    type_into(page, "^Navn på forelder", "Mor Hansen")
    choose_radio_by_keyboard(page, "id_foresatt-0-orientert_1")  # not told
    type_into(page, "^Hva er du bekymret for", "Blåmerker på armene.")
    tab_to(page, "^Send meldingen")
    page.keyboard.press("Enter")

    # The guardian not told needs a reason, and the history is missing; the rest is kept.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Skriv hvorfor forelderen ikke har fått vite om meldingen.")
    expect(summary).to_contain_text("Skriv hva som har skjedd før, og hva dere har gjort.")
    check_accessibility(page)
    expect(page.get_by_label("Din rolle")).to_have_value("Lærer")
    type_into(page, "^Hvorfor har forelderen ikke", "Mistanke om vold i hjemmet.")
    type_into(page, "^Hva har du og virksomheten gjort", "Sett tre ganger siden august.")
    tab_to(page, "^Send meldingen")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Meldingen er sendt")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("receipt-office")).to_have_text("Barneverntjenesten i Tromsø, Tromsø kommune")
    expect(page.get_by_test_id("copy")).to_be_visible()
    report = ConcernReport.objects.get()
    assert report.content["offentligMelder"]["virksomhet"]["navn"] == "Fjellsiden skole"  # Enhetsregisteret
    assert report.content["foresatte"][0]["orientertGrunn"] == "Mistanke om vold i hjemmet."


@pytest.fixture
def report_storage(settings, document_key, tmp_path):
    """Sending delivers at once (the tests' immediate task backend): the encrypted files go to a throwaway
    folder, the letters of the print port to another."""
    settings.DOCUMENT_KEY_CERTIFICATE, settings.DOCUMENT_KEY_PRIVATE = document_key
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "documents"},
        },
    }
    settings.CONCERNS_PRINT_DIR = tmp_path / "print"
    return tmp_path


def bergen_case_system(folder) -> None:
    """Bergen's child-welfare case system: the office's certificate and the client, as the quick start has."""
    from digisos.concerns.models import ChildWelfareOffice
    from digisos.exchange.keys import generate_municipality_keys
    from digisos.exchange.services.clients import register_client

    certificate, public = generate_municipality_keys(folder)
    ChildWelfareOffice.objects.filter(municipality_id="4601").update(certificate_pem=certificate.read_text())
    register_client(
        kommunenummer="4601",
        name="Barnevern Bergen",
        public_key_pem=public.read_text(),
        client_id="demo-barnevern-4601",
        scopes="bekymringsmelding:collect",
    )


def send_private_report_to_bergen(page: Page) -> ConcernReport:
    """Sofie, logged in through the local ID-porten, sends a private report to Bergen; returns it."""
    choose_municipality(page, "Bergen")
    page.get_by_role("link", name="Meld fra som privatperson").click()
    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-familie-bergen").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Meld fra som privatperson")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Start meldingen").click()
    expect(page.get_by_role("heading", name="Bekymringsmelding fra privatperson")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Barnets navn").fill("Mia")
    page.get_by_label("Barnets adresse").fill("Storgata 1")
    page.get_by_label("Hva er du bekymret for?").fill("Hun er alene hjemme om kveldene.")
    page.get_by_role("button", name="Send meldingen").click()
    expect(page.get_by_role("heading", name="Meldingen er sendt")).to_be_visible()
    check_accessibility(page)
    return ConcernReport.objects.get()


def open_mine(page: Page) -> None:
    page.get_by_role("link", name="Til Mine meldinger").click()
    expect(page.get_by_role("heading", name="Mine meldinger")).to_be_visible()
    check_accessibility(page)


def test_the_simulator_collects_and_acknowledges_and_the_reporter_sees_it_delivered(
    page, idporten_settings, municipalities_loaded, report_storage, live_server
):
    from digisos_simulator.barnevern import BarnevernClient, collect_reports

    apply_demo_child_welfare_offices()
    bergen_case_system(report_storage / "4601")
    report = send_private_report_to_bergen(page)
    open_mine(page)
    expect(page.get_by_test_id("sent")).to_contain_text("Sendt til barneverntjenesten")

    # Bergen's case system (the simulator, over HTTP) collects the ASiC-E, opens it and acknowledges.
    client = BarnevernClient(
        base_url=live_server.url,
        client_id="demo-barnevern-4601",
        client_key_pem=(report_storage / "4601" / "klient.pem").read_bytes(),
        log=lambda _: None,
    )
    (collected,) = collect_reports(client, (report_storage / "4601" / "mottak.pem").read_bytes())
    assert sorted(collected.files) == ["bekymringsmelding.json", "bekymringsmelding.pdf"]
    assert collected.document["privatBarn"][0]["personnavn"] == "Mia"
    assert list(report.states.values_list("state", flat=True)) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"]

    page.reload()
    check_accessibility(page)
    expect(page.get_by_test_id("sent")).to_contain_text("Levert til barneverntjenesten")
    expect(page.locator("main")).not_to_contain_text("Mia")


def test_an_office_that_never_acknowledges_gets_the_letter_on_the_third_working_day(
    page, idporten_settings, municipalities_loaded, report_storage
):
    from digisos.concerns.fallbacks import send_overdue_by_letter
    from digisos.concerns.models import ConcernDelivery
    from digisos.exchange.selectors import collect_deadline, is_working_day

    apply_demo_child_welfare_offices()
    bergen_case_system(report_storage / "4601")  # connected, but nothing collects
    report = send_private_report_to_bergen(page)
    available_at = ConcernDelivery.objects.get(report=report).available_at
    deadline = collect_deadline(available_at)
    # The sending day is the first; two working days on is the third, at the same time of day.
    assert is_working_day(deadline.date()) and deadline - available_at >= timedelta(days=2)

    # The clock moved to just before the third working day's deadline: no letter yet.
    assert send_overdue_by_letter(now=deadline - timedelta(minutes=1)) == 0
    open_mine(page)
    expect(page.get_by_test_id("sent")).to_contain_text("Sendt til barneverntjenesten")

    # On the third working day the letter goes to the print port, and the reporter sees the report delivered.
    assert send_overdue_by_letter(now=deadline) == 1
    letter = report_storage / "print" / f"bekymringsmelding-{report.id}.pdf"
    assert letter.read_bytes().startswith(b"%PDF")
    states = list(report.states.values_list("state", flat=True))
    assert states == ["AKSEPTERT", "SENDT_FAGSYSTEM", "SENDT_PRINT", "LEVERT"]
    page.reload()
    check_accessibility(page)
    expect(page.get_by_test_id("sent")).to_contain_text("Levert til barneverntjenesten")


def test_child_welfare_staff_page_through_their_inbox_by_keyboard(
    page, idporten_settings, municipalities_loaded
):
    from tests.factories import ListedConcernReportFactory

    from digisos.concerns.models import ChildWelfareOffice

    apply_demo_child_welfare_offices()
    gamle_oslo = ChildWelfareOffice.objects.get(municipality_id="0301", bydelsnummer="01")
    ListedConcernReportFactory.create_batch(55, office=gamle_oslo)

    page.goto("/bekymringsmelding/innboks/")  # logged out: to the employee login, and back after
    expect(page.get_by_role("heading", name="Velg testansatt")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-bente-barnevern").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Bekymringsmeldinger", level=1)).to_be_visible()
    check_accessibility(page)
    rows = page.get_by_test_id("concern-inbox").locator("tbody tr")
    expect(rows).to_have_count(50)

    tab_to(page, r"^\s*Neste side\s*$")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(5)
    check_accessibility(page)
    tab_to(page, r"^\s*Til første side\s*$")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(50)

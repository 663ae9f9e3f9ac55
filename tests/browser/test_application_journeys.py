"""The application in Chromium, axe on every page: a renter who consents to Skatteetaten and uploads a rental
contract; a family that saves a draft and resumes it; a person in a temporarily closed municipality (by
keyboard alone); a person with address protection; a step saved in one tab after sending in another."""

import re

import pytest
from playwright.sync_api import Page, expect
from tests.documents import corpus
from tests.fixtures.browser import (
    check_accessibility,
    choose_radio_by_keyboard,
    let_logout_page_pass,
    tab_to,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, key: str) -> None:
    visit(page, "/")
    page.get_by_role("link", name="Logg inn", exact=True).click()
    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    page.locator(f"#sub-{key}").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Søk om økonomisk sosialhjelp")).to_be_visible()
    check_accessibility(page)


def next_step(page: Page, heading: str) -> None:
    page.get_by_role("button", name="Neste steg").click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    check_accessibility(page)


def start(page: Page) -> None:
    page.get_by_role("button", name="Start ny søknad").click()
    expect(page.get_by_role("heading", name="Personopplysninger")).to_be_visible()
    check_accessibility(page)


def send_as_family(page: Page) -> None:
    """Sofie (Bergen, married, two children) sends an application with the fewest answers."""
    log_in(page, "familie-bergen")
    start(page)
    next_step(page, "Hva søker du om?")
    page.get_by_label("Hva søker du om?").fill("Mat til familien")
    for heading in ("Arbeid og utdanning", "Familiesituasjon"):
        next_step(page, heading)
    for group in page.get_by_role("group", name="Har dere delt bosted for barnet?").all():
        group.get_by_label("Nei").check()
    page.get_by_role("group", name="Betaler eller mottar du barnebidrag?").get_by_label("Nei").check()
    next_step(page, "Bosituasjon")
    page.get_by_label("Jeg eier boligen").check()
    for heading in ("Inntekt og formue", "Utgifter", "Dokumentasjon", "Se over søknaden før du sender"):
        next_step(page, heading)
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    check_accessibility(page)


def test_renter_with_a_job_consents_to_skatteetaten_and_uploads_a_rental_contract(
    page, idporten_settings, document_settings, municipalities_loaded, tmp_path
):
    log_in(page, "kari-leier-oslo")
    start(page)
    expect(page.get_by_test_id("office")).to_contain_text("Nav Grünerløkka")
    next_step(page, "Hva søker du om?")
    page.get_by_role("button", name="Neste steg").click()  # nothing written: the one required answer
    expect(page.get_by_role("heading", name="Du må rette dette før du går videre:")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()  # Aksel's pattern: focus moves to the summary
    check_accessibility(page)
    page.get_by_label("Hva søker du om?").fill("Penger til husleie og mat")
    # A text area shows the same visible focus as an input.
    assert page.get_by_label("Hva søker du om?").evaluate("e => getComputedStyle(e).outlineWidth") == "3px"
    next_step(page, "Arbeid og utdanning")
    expect(page.get_by_text("Demo Kafé AS")).to_be_visible()
    next_step(page, "Familiesituasjon")
    next_step(page, "Bosituasjon")
    page.get_by_label("Jeg leier privat").check()
    next_step(page, "Inntekt og formue")
    page.get_by_role("group", name="Vil du at vi henter inntekten din fra Skatteetaten?").get_by_label(
        "Ja"
    ).check()
    next_step(page, "Utgifter")
    page.get_by_label("Husleie").check()
    next_step(page, "Dokumentasjon")
    card = page.locator('[data-requirement="husleiekontrakt|husleiekontrakt"]')
    expect(page.locator('[data-requirement="lonnslipp|arbeid"]')).to_have_count(0)  # Skatteetaten answered
    contract = tmp_path / "husleiekontrakt.pdf"
    contract.write_bytes(corpus.pdf(pages=3))
    rent = page.locator('[data-requirement="faktura|husleie"]').get_by_label("Beløp i kroner")
    rent.fill("3450")  # typed before the upload: kept across it
    card.get_by_label("Velg filer").set_input_files(str(contract))
    card.get_by_role("button", name="Last opp").click()
    expect(card.get_by_role("link", name="husleiekontrakt.pdf")).to_be_visible()
    expect(rent).to_have_value("3450")
    check_accessibility(page)
    next_step(page, "Se over søknaden før du sender")
    expect(page.get_by_text("1 fil lastet opp")).to_be_visible()
    expect(page.get_by_test_id("amounts")).to_contain_text("3\xa0450\xa0kr")
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("receipt-office")).to_contain_text("Nav Grünerløkka")
    expect(page.get_by_test_id("reference")).to_have_text(re.compile(r"^DS-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned søknaden (PDF)").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")


def test_family_saves_a_draft_and_resumes_it(
    page, idporten_settings, document_settings, municipalities_loaded
):
    log_in(page, "familie-bergen")
    start(page)
    next_step(page, "Hva søker du om?")
    page.get_by_label("Hva søker du om?").fill("Mat til familien")
    next_step(page, "Arbeid og utdanning")
    next_step(page, "Familiesituasjon")
    expect(page.get_by_text("Ektefelle:")).to_be_visible()
    page.get_by_role("button", name="Lagre og fortsett senere").click()
    expect(page.get_by_role("heading", name="Søk om økonomisk sosialhjelp")).to_be_visible()
    check_accessibility(page)

    let_logout_page_pass(page)  # its script sends the provider's logout form at once, as in a real browser
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("heading", name="Du er logget ut")).to_be_visible()
    check_accessibility(page)
    log_in(page, "familie-bergen")
    drafts = page.get_by_test_id("drafts")
    drafts.get_by_role("link", name=re.compile("^Søknad påbegynt")).click()
    # Where she left off: the step she pressed "Lagre og fortsett senere" on.
    expect(page.get_by_role("heading", name="Familiesituasjon")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Hva søker du om?").click()
    expect(page.get_by_label("Hva søker du om?")).to_have_value("Mat til familien")
    check_accessibility(page)
    page.get_by_role("link", name="Familiesituasjon").click()
    check_accessibility(page)
    for group in page.get_by_role("group", name=re.compile("delt bosted")).all():
        group.get_by_label("Nei").check()
    page.get_by_role("group", name="Betaler eller mottar du barnebidrag?").get_by_label("Nei").check()
    next_step(page, "Bosituasjon")
    page.get_by_label("Jeg eier boligen").check()
    next_step(page, "Inntekt og formue")
    next_step(page, "Utgifter")
    page.get_by_label("Barnehage").check()
    next_step(page, "Dokumentasjon")
    expect(page.locator('[data-requirement="faktura|barnehage"]')).to_be_visible()
    next_step(page, "Se over søknaden før du sender")
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("missing")).to_contain_text("Faktura for barnehage")


def test_temporarily_closed_municipality_by_keyboard_alone(
    page, idporten_settings, document_settings, municipalities_loaded
):
    visit(page, "/")
    tab_to(page, "^Logg inn$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    choose_radio_by_keyboard(page, "sub-uten-konto-stavanger")
    expect(page.locator("#sub-uten-konto-stavanger")).to_be_checked()
    tab_to(page, "^Logg inn$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Søk om økonomisk sosialhjelp")).to_be_visible()
    check_accessibility(page)
    # Told before the first step, with the paper address and the guide: no nine steps to a refusal.
    notice = page.get_by_test_id("cannot-start")
    expect(notice).to_contain_text("midlertidig stengt")
    expect(notice).to_contain_text("Postboks 8001")
    expect(page.get_by_role("button", name="Start ny søknad")).to_have_count(0)
    tab_to(page, "^Se hva annet du kan få hjelp til$")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/veiviser/"))
    check_accessibility(page)


def test_address_protection_gets_a_safe_way_forward(page, idporten_settings, municipalities_loaded):
    log_in_protected = "fortrolig-adresse"
    visit(page, "/")
    page.get_by_role("link", name="Logg inn", exact=True).click()
    check_accessibility(page)
    page.locator(f"#sub-{log_in_protected}").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_test_id("gate")).to_contain_text("Du har adressebeskyttelse")
    check_accessibility(page)
    expect(page.get_by_role("button", name="Start ny søknad")).to_have_count(0)
    expect(page.get_by_text("55 55 33 33").first).to_be_visible()


def test_a_step_saved_in_one_tab_after_sending_in_another_says_so(
    page, idporten_settings, document_settings, municipalities_loaded
):
    """Tab A shows a step; tab B sends. Tab A's "Neste steg" gets a page that says the application was sent
    and what was not added (axe checks it), not the receipt without a word."""
    from tests.factories import ApplicationFactory
    from tests.fixtures.personas import persona_pid

    from digisos.accounts.models import User

    log_in(page, "kari-leier-oslo")
    draft = ApplicationFactory(owner=User.objects.get(pid=persona_pid("kari-leier-oslo")), upload=False)
    visit(page, f"/soknad/{draft.id}/steg/behov/")
    other = page.context.new_page()  # tab B (its pages are checked by the journeys above)
    other.goto(f"/soknad/{draft.id}/steg/oppsummering/")
    other.get_by_role("button", name="Send søknaden").click()
    expect(other.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()

    page.get_by_label("Fortell oss mer om situasjonen din").fill("Strømregningen kom i dag")
    page.get_by_role("button", name="Neste steg").click()
    expect(page.get_by_role("heading", name="Søknaden er allerede sendt")).to_be_visible()
    expect(page.get_by_test_id("already-sent")).to_contain_text("ble ikke lagt til")
    expect(page.get_by_test_id("already-sent")).to_contain_text("Strømregningen kom i dag")
    check_accessibility(page)
    page.get_by_role("link", name="siden om søknaden din").click()
    expect(page.get_by_role("heading", name="Send andre dokumenter")).to_be_visible()
    check_accessibility(page)

"""Kort søknad in Chromium, axe on every page: Sofie had help from Bergen ten days ago, so after the address
she gets the five-step short application, answers what changed, sees her work and family from the registers,
uploads a bank statement and sends."""

import pytest
from playwright.sync_api import expect
from tests.browser.test_application_journeys import log_in, next_step, start
from tests.documents import corpus
from tests.fixtures.browser import check_accessibility
from tests.innsyn.test_kort_soknad import earlier_case_with_payment

from digisos.soker.constants import UtbetalingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_with_recent_help_applies_with_the_short_form(
    page, idporten_settings, document_settings, municipalities_loaded, tmp_path
):
    earlier_case_with_payment("familie-bergen", "4601", status=UtbetalingStatus.UTBETALT, days=-10)
    log_in(page, "familie-bergen")
    start(page)
    next_step(page, "Hva søker du om?")
    expect(page.get_by_test_id("short")).to_contain_text("kortere søknad")
    expect(page.get_by_text("Steg 2 av 5")).to_be_visible()
    page.get_by_label("Hva søker du om?").fill("Mat og strøm")
    page.get_by_role("group", name="Har noe endret seg i situasjonen din siden sist du søkte?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Hva har endret seg?").fill("Jeg har mistet jobben")
    next_step(page, "Arbeid og familie")
    expect(page.get_by_role("heading", name="Familien din i Folkeregisteret")).to_be_visible()
    next_step(page, "Inntekter og dokumenter")
    card = page.locator('[data-requirement="kontooversikt|brukskonto"]')
    statement = tmp_path / "kontoutskrift.pdf"
    statement.write_bytes(corpus.pdf())
    card.get_by_label("Velg filer").set_input_files(str(statement))
    card.get_by_role("button", name="Last opp").click()
    expect(card.get_by_role("link", name="kontoutskrift.pdf")).to_be_visible()
    check_accessibility(page)
    next_step(page, "Se over søknaden før du sender")
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    check_accessibility(page)

"""The whole first visit, by keyboard alone: log in through the local ID-porten as a persona, see your name,
your NAV office and your municipality's status, log out. axe checks every page on the way."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from tests.fixtures.browser import check_accessibility, hold_logout_page, tab_to, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def municipalities_loaded() -> None:
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)


def test_log_in_see_office_and_status_log_out_by_keyboard(page, idporten_settings, municipalities_loaded):
    visit(page, "/")
    tab_to(page, "^Logg inn$")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    tab_to(page, "Grünerløkka")  # Kari's radio button (the first choice)
    page.keyboard.press("Space")
    tab_to(page, "^Logg inn$")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Hei, Kari Nordmann")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("nav-office")).to_contain_text("Nav Grünerløkka")
    expect(page.locator('[data-outcome="digital_with_innsyn"]')).to_contain_text("følge saken din på nett")

    hold_logout_page(page)  # as without JavaScript: the provider's logout is a form the person sends
    tab_to(page, "^Logg ut$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Logger ut")).to_be_visible()
    check_accessibility(page)
    tab_to(page, "^Fortsett utlogging$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Du er logget ut")).to_be_visible()
    check_accessibility(page)


def test_kan_jeg_soke_digitalt_by_keyboard(page, municipalities_loaded):
    visit(page, "/kommuner/")
    tab_to(page, "Kommune \\(navn eller nummer\\)")
    page.keyboard.type("Bodø")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Bodø: Kan jeg søke digitalt?")).to_be_visible()
    check_accessibility(page)
    expect(page.locator('[data-outcome="digital_status_by_letter"]')).to_be_visible()

    visit(page, "/kommuner/?q=Her%C3%B8y")
    expect(page.get_by_role("link", name="Herøy i Nordland")).to_be_visible()
    expect(page.get_by_role("link", name="Herøy i Møre og Romsdal")).to_be_visible()

    visit(page, "/kommuner/?q=Atlantis")
    expect(page.get_by_text("Vi fant ingen kommune som heter «Atlantis»")).to_be_visible()
    visit(page, "/kommuner/3301/")
    expect(page.locator('[data-outcome="paper_only"]')).to_contain_text("Postboks 7000")
    visit(page, "/kommuner/1103/")
    expect(page.locator('[data-outcome="temporarily_closed"]')).to_be_visible()

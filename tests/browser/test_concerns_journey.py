"""The concern report (bekymringsmelding) in Chromium, axe on every page: a private reporter goes from the
urgency page through the choice and the ID-porten login to the form, is told what is missing, sends, gets
the receipt and sees the report under Mine meldinger without its content."""

import re

import pytest
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, visit

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
